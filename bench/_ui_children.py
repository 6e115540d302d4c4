"""The processes ``bench.ui_scale_bench`` runs in a pseudo-terminal besides the plain ``sambat-tui``.

    python -m bench._ui_children minimal
    python -m bench._ui_children datatable CACHE.sqlite3 ROWS
    python -m bench._ui_children traced LOG [sambat-tui arguments]
    python -m bench._ui_children floor
    python -m bench._ui_children first-frame ours|minimal

``minimal``: a Textual app showing one empty ``DataTable`` (one column, so that its first frame carries a
label the bench can wait for). ``datatable``: a ``DataTable`` holding ROWS rows of the cache in the inbox's
columns; it reads them with one plain SELECT, so what it costs beyond that read is the widget's own. Both
import Textual and the standard library only: a baseline must not pay for our modules.

``floor``: Textual's own cost of the inbox's screen changes, with nothing of ours and no data: one line-API
widget filling the screen with rows shaped like the inbox's (about as many styled segments a row, built in
advance), moving a highlighted cursor row on ``j`` (two lines repainted, or the page shifted by one at the
bottom edge) and flipping the page on ``pagedown``. Whatever the real app takes beyond it is ours.

``traced``: the real ``sambat-tui`` (``python -m sambat_tui.cli``), writing to LOG when each module of
``WATCHED`` starts to load (``time.monotonic()``, the clock the bench reads), to set against the moment the
bench saw the first inbox frame arrive. Only for that check: the timed starts run the app untraced.

``first-frame``: the real app (``ours``) or the ``minimal`` one, ending the process as soon as its first frame
has been written, so that an instruction count (``valgrind --tool=callgrind``) covers the start and nothing
after it. A count, unlike a time, does not move with what else the machine does.
"""

from __future__ import annotations

import importlib.abc
import importlib.machinery
import runpy
import sqlite3
import sys
import time
from collections.abc import Sequence
from types import ModuleType
from typing import TextIO

MINIMAL_LABEL = "MINIMAL-READY"
COLUMNS = ("Ref", "SLA", "Kategori", "Judul", "Kecamatan", "Status", "Petugas")
WATCHED = ("httpx", "sambat_tui.sync", "pydantic")


def run_minimal() -> None:
    from textual.app import App, ComposeResult
    from textual.widgets import DataTable

    class MinimalApp(App[None]):
        BINDINGS = [("q", "quit", "quit")]  # noqa: RUF012

        def compose(self) -> ComposeResult:
            table: DataTable[str] = DataTable()
            table.add_column(MINIMAL_LABEL)
            yield table

    MinimalApp().run()


def run_table(rows: list[tuple[str, ...]]) -> None:
    from textual.app import App, ComposeResult
    from textual.widgets import DataTable

    class TableApp(App[None]):
        BINDINGS = [("q", "quit", "quit")]  # noqa: RUF012

        def compose(self) -> ComposeResult:
            table: DataTable[str] = DataTable(cursor_type="row")
            table.add_columns(*COLUMNS)
            table.add_rows(rows)
            yield table

    TableApp().run()


FLOOR_LABEL = "FLOOR-READY"


def run_floor(total: int = 100_000) -> None:
    from rich.segment import Segment
    from rich.style import Style
    from textual.app import App, ComposeResult
    from textual.binding import Binding
    from textual.geometry import Region
    from textual.strip import Strip
    from textual.widget import Widget

    plain, late, cursor = (
        Style(color="white", bgcolor="grey11"),
        Style(color="red", bold=True),
        Style(bgcolor="blue"),
    )

    def cells(i: int, width: int) -> list[Segment]:
        texts: tuple[str, ...] = (
            f"  MLG-2026-{i:06d} ",
            f"{i % 90:>3}h ",
            f"{-(i % 9):>3} hk ",
            "JALAN_RUSAK    ",
        )
        texts += (
            f"Jalan berlubang depan SDN {i % 50:<4}   ",
            "Lowokwaru     ",
            "Disposisi    ",
            "field.dpuprpkp",
        )
        segments = [Segment(text, late if n == 2 else plain) for n, text in enumerate(texts)]
        used = sum(len(text) for text in texts)
        return [*segments, Segment(" " * max(0, width - used), plain)]

    class Floor(Widget):
        BINDINGS = [  # noqa: RUF012
            Binding("j", "down"),
            Binding("pagedown", "page"),
            Binding("G", "last"),
            Binding("g", "first"),
            Binding("q", "quit"),
        ]
        can_focus = True

        def __init__(self) -> None:
            super().__init__()
            self.top = 0
            self.cursor = 0
            self.rows: dict[tuple[int, bool, int], Strip] = {}

        def render_line(self, y: int) -> Strip:
            width = self.size.width
            if y == 0:
                return Strip([Segment(FLOOR_LABEL.ljust(width), plain)], width)
            index = self.top + y - 1
            key = (index, index == self.cursor, width)
            strip = self.rows.get(key)
            if strip is None:
                segments = cells(index, width)
                if index == self.cursor:
                    segments = list(Segment.apply_style(segments, post_style=cursor))
                strip = Strip(segments, width).crop(0, width)
                self.rows[key] = strip
            return strip

        def _page(self) -> int:
            return self.size.height - 1

        def action_down(self) -> None:
            before = self.cursor
            self.cursor = min(total - 1, self.cursor + 1)
            if self.cursor >= self.top + self._page():
                self.top += 1
                self.refresh()
            else:
                width = self.size.width
                self.refresh(
                    Region(0, 1 + before - self.top, width, 1),
                    Region(0, 1 + self.cursor - self.top, width, 1),
                )

        def action_page(self) -> None:
            step = self._page() - 1
            self.top = min(total - self._page(), self.top + step)
            self.cursor = min(total - 1, self.cursor + step)
            self.refresh()

        def action_last(self) -> None:
            self.top, self.cursor = total - self._page(), total - 1
            self.refresh()

        def action_first(self) -> None:
            self.top = self.cursor = 0
            self.refresh()

    class FloorApp(App[None]):
        def compose(self) -> ComposeResult:
            yield Floor()

        def on_mount(self) -> None:
            self.query_one(Floor).focus()

    FloorApp().run()


def table_rows(cache: str, limit: int) -> list[tuple[str, ...]]:
    """The first ``limit`` complaints by deadline, as the inbox's "semua" tab orders them."""
    conn = sqlite3.connect(f"file:{cache}?mode=ro", uri=True)
    try:
        found = conn.execute(
            "SELECT public_ref, due_at, coalesce(category_code, ''), title, coalesce(kecamatan, ''), status, "
            "coalesce(assignee_id, '') FROM complaints ORDER BY due_at, tiebreak LIMIT ?",
            (limit,),
        ).fetchall()
    finally:
        conn.close()
    return [tuple(str(value) for value in row) for row in found]


class ImportNotes(importlib.abc.MetaPathFinder):
    """Notes when a watched module starts to load; finds nothing itself."""

    def __init__(self, out: TextIO) -> None:
        self.out = out
        self.seen: set[str] = set()

    def find_spec(
        self, fullname: str, path: Sequence[str] | None, target: ModuleType | None = None
    ) -> importlib.machinery.ModuleSpec | None:
        if fullname in WATCHED and fullname not in self.seen:
            self.seen.add(fullname)
            self.out.write(f"{fullname} {time.monotonic():.6f}\n")
            self.out.flush()
        return None


def run_traced(log_path: str, argv: list[str]) -> None:
    out = open(log_path, "w", encoding="utf-8")  # noqa: SIM115 - open for the life of the process
    sys.meta_path.insert(0, ImportNotes(out))
    sys.argv = ["sambat-tui", *argv]
    try:
        runpy.run_module("sambat_tui.cli", run_name="__main__")
    finally:
        out.close()


def run_to_first_frame(app: str) -> None:
    import os

    from textual.screen import Screen

    refresh = Screen._compositor_refresh

    def refreshed(screen: Screen[object]) -> None:
        refresh(screen)
        # The first refresh of the minimal app draws its table; ours is the inbox's (get_default_screen).
        if app == "minimal" or type(screen).__name__ == "InboxScreen":
            sys.stdout.flush()
            os._exit(0)

    Screen._compositor_refresh = refreshed  # type: ignore[method-assign,assignment]
    if app == "minimal":
        run_minimal()
    else:
        sys.argv = ["sambat-tui"]
        runpy.run_module("sambat_tui.cli", run_name="__main__")


def main(argv: list[str]) -> int:
    if argv[:1] == ["minimal"]:
        run_minimal()
    elif argv[:1] == ["datatable"] and len(argv) == 3:
        run_table(table_rows(argv[1], int(argv[2])))
    elif argv[:1] == ["floor"]:
        run_floor()
    elif argv[:1] == ["traced"] and len(argv) >= 2:
        run_traced(argv[1], argv[2:])
    elif argv[:1] == ["first-frame"] and argv[1:] in (["ours"], ["minimal"]):
        run_to_first_frame(argv[1])
    else:
        sys.stderr.write(
            "usage: python -m bench._ui_children minimal | floor | datatable CACHE ROWS | traced LOG"
            " | first-frame ours|minimal\n"
        )
        return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
