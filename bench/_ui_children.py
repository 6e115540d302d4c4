"""The processes ``bench.ui_scale_bench`` runs in a pseudo-terminal besides the plain ``sambat-tui``.

    python -m bench._ui_children minimal
    python -m bench._ui_children datatable CACHE.sqlite3 ROWS
    python -m bench._ui_children traced LOG [sambat-tui arguments]

``minimal``: a Textual app showing one empty ``DataTable`` (one column, so that its first frame carries a
label the bench can wait for). ``datatable``: a ``DataTable`` holding ROWS rows of the cache in the inbox's
columns; it reads them with one plain SELECT, so what it costs beyond that read is the widget's own. Both
import Textual and the standard library only: a baseline must not pay for our modules.

``traced``: the real ``sambat-tui`` (``python -m sambat_tui.cli``), writing to LOG when each module of
``WATCHED`` starts to load (``time.monotonic()``, the clock the bench reads), to set against the moment the
bench saw the first inbox frame arrive. Only for that check: the timed starts run the app untraced.
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


def main(argv: list[str]) -> int:
    if argv[:1] == ["minimal"]:
        run_minimal()
    elif argv[:1] == ["datatable"] and len(argv) == 3:
        run_table(table_rows(argv[1], int(argv[2])))
    elif argv[:1] == ["traced"] and len(argv) >= 2:
        run_traced(argv[1], argv[2:])
    else:
        sys.stderr.write("usage: python -m bench._ui_children minimal | datatable CACHE ROWS | traced LOG\n")
        return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
