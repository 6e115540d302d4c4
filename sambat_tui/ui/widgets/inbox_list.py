"""The inbox list: a line-API widget that draws only the rows on screen, from a small window of pages.

Why not a ``DataTable``: it costs 100-120 ms and ~11 KB on the wire for a page flip and must hold every row
(ARCHITECTURE.md, "Speed"). Here each visible row is one cached ``Strip`` with at most four style runs (the
row's base style, the SLA clock's colour, the sync mark), and a cursor move repaints only the two lines that
changed, so a move over SSH sends a few hundred bytes.

Every text cell comes from outside (titles, categories, names) and passes through ``text_safety.one_line``
and a cell-width crop before it becomes a ``Segment``: plain text, never markup, bounded in length.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, ClassVar, Final, NamedTuple

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from textual.geometry import Region, Size
from textual.message import Message
from textual.strip import Strip
from textual.widget import Widget

from sambat_tui.domain.model import Status
from sambat_tui.domain.sla import SlaState
from sambat_tui.domain.text_safety import one_line
from sambat_tui.ui import fmt
from sambat_tui.ui.i18n import language, t
from sambat_tui.ui.widgets.row_window import PageSource, RowWindow, end_limit

if TYPE_CHECKING:
    from sambat_tui.ui.ports import InboxPage, InboxRow

MARK = "●"
PENDING_MARK = "⇡"
CONFLICT_MARK = "!"
ELLIPSIS: Final = "…"
_MAX_CELL_CHARS = 300  # longest text looked at for one cell; a 10,000-character title costs nothing more


class Column(NamedTuple):
    id: str
    width: int  # cells; the title column takes what is left


class Layout(NamedTuple):
    columns: tuple[Column, ...]
    width: int

    @property
    def cells(self) -> int:
        """Cells a row of this layout takes: every cell text is cut or padded to its column's width."""
        return sum(column.width for column in self.columns) + _GAP * (len(self.columns) - 1)


# Fixed columns always shown, optional ones added while the title keeps at least _TITLE_MIN cells.
_GAP = 1
_TITLE_MIN = 20
_FIXED = (Column("mark", 1), Column("ref", 15), Column("age", 4), Column("sla", 6))
_TAIL = (Column("status", 12), Column("sync", 2))  # the mark, then a margin
_OPTIONAL = (Column("kecamatan", 13), Column("category", 14), Column("assignee", 15))
_ORDER = ("mark", "ref", "age", "sla", "category", "title", "kecamatan", "status", "assignee", "sync")


@functools.lru_cache(maxsize=16)
def layout_for(width: int) -> Layout:
    """Which columns fit ``width`` cells, and how wide each is (80 columns: no category, no assignee)."""
    chosen = [*_FIXED, *_TAIL]
    used = sum(c.width for c in chosen) + _GAP * len(chosen)
    for column in _OPTIONAL:
        if width - used - column.width - _GAP >= _TITLE_MIN:
            chosen.append(column)
            used += column.width + _GAP
    title = Column("title", max(1, width - used))
    by_id = {c.id: c for c in [*chosen, title]}
    return Layout(tuple(by_id[i] for i in _ORDER if i in by_id), width)


def _cell(text: str, width: int) -> str:
    line = one_line(text, _MAX_CELL_CHARS)
    # A cut text says so ("Galian kabel tidak d" read as a whole title); ASCII, most titles, is measured by
    # its length, without filling rich's cell-length cache with row texts.
    if width > 1 and (len(line) > width if line.isascii() else cell_len(line) > width):
        return set_cell_size(line, width - 1) + ELLIPSIS
    return set_cell_size(line, width)


_ROW_PARTS = (
    "inbox-list--cursor",
    "inbox-list--marked",
    "inbox-list--sla-ok",
    "inbox-list--sla-due-soon",
    "inbox-list--sla-overdue",
    "inbox-list--pending",
    "inbox-list--conflict",
)


STRIP_CACHE_ROWS: Final = 256
"""Drawn rows kept for the next paint: the screen, the one below and the one above it, the first and the
last screen (drawn ahead), and room for moving. 512 kept ~1 MiB more resident after paging through a
million complaints, for rows long gone."""


class InboxList(Widget, can_focus=True):
    """Rows of the current tab and query; the screen owns the keys and calls the moving methods."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {"inbox-list--header", *_ROW_PARTS, "inbox-list--empty"}

    class CursorMoved(Message):
        """The row under the cursor changed (or the list was reloaded)."""

        def __init__(self, row: InboxRow | None) -> None:
            super().__init__()
            self.row = row

    def __init__(
        self,
        *,
        now: Callable[[], datetime],
        page_size: int = 60,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self._now = now
        self._page_size = page_size
        self.window: RowWindow | None = None
        self._read_ahead_due = False
        self.marked: set[str] = set()
        self.empty_text = ""
        self._strips: dict[tuple[object, ...], Strip] = {}
        self._strips_width = 0
        # Read once per paint (render_lines): the widget's base style, its row styles, the status labels.
        self._base = Style()
        self._parts: dict[str, Style] = {}
        self._status_labels: dict[Status, str] = {}
        self._labels_language = ""

    # -- data ---------------------------------------------------------------------------------------------

    def set_source(self, source: PageSource, first: InboxPage | None = None) -> None:
        """Show a new query from its first row; the marks go, they belonged to the old one. ``first`` is its
        first page when it was read ahead of time (``first_page_limit`` rows, at this height)."""
        window = RowWindow(source, page_size=self._page_size, max_rows=4 * self._page_size, first=first)
        window.resize(self._body_height())
        window.load_first()  # a malformed query raises here and the old rows stay
        self.window = window
        self.marked.clear()
        self._changed(full=True)

    def first_page_limit(self) -> int:
        """The rows ``set_source`` fetches for a query's first page at the list's present height."""
        return end_limit(self._page_size, self._body_height())

    def reload(self, keep_id: str | None = None) -> None:
        """Read the rows again (after an action or a sync), keeping the cursor on ``keep_id`` if it stays."""
        if self.window is None:
            return
        current = self.window.current
        self.window.reload(keep_id if keep_id is not None else (current.id if current else None))
        self._strips.clear()
        self._changed(full=True)

    @property
    def current(self) -> InboxRow | None:
        return self.window.current if self.window else None

    def visible_rows(self) -> list[InboxRow]:
        return self.window.visible() if self.window else []

    def next_row_id(self) -> str | None:
        """The row after the cursor (where the cursor goes after acting), else the one before it."""
        if self.window is None or not self.window.rows:
            return None
        rows, cursor = self.window.rows, self.window.cursor
        if cursor + 1 < len(rows):
            return rows[cursor + 1].id
        if self.window.has_after:
            self.window.move_by(1)
            following = self.window.current
            self.window.move_by(-1)
            if following is not None and following.id != rows[cursor].id:
                return following.id
        return rows[cursor - 1].id if cursor > 0 else None

    # -- moving -------------------------------------------------------------------------------------------

    def _move(self, mover: Callable[[RowWindow], None]) -> None:
        if self.window is None:
            return
        before_top, before_cursor, before_fetches = self.window.top, self.window.cursor, self.window.fetches
        mover(self.window)
        if self.window.fetches != before_fetches or self.window.top != before_top:
            self._changed(full=True)
        elif self.window.cursor != before_cursor:
            top = self.window.top
            self.refresh(
                Region(0, 1 + before_cursor - top, self.size.width, 1),
                Region(0, 1 + self.window.cursor - top, self.size.width, 1),
            )
            self._announce()

    def cursor_down(self) -> None:
        self._move(lambda w: w.move_by(1))

    def cursor_up(self) -> None:
        self._move(lambda w: w.move_by(-1))

    def half_down(self) -> None:
        self._move(lambda w: w.move_by(max(1, w.height // 2)))

    def half_up(self) -> None:
        self._move(lambda w: w.move_by(-max(1, w.height // 2)))

    def page_down(self) -> None:
        self._move(lambda w: w.move_by(max(1, w.height - 1)))

    def page_up(self) -> None:
        self._move(lambda w: w.move_by(-max(1, w.height - 1)))

    def first(self) -> None:
        self._move(lambda w: w.load_first())

    def last(self) -> None:
        self._move(lambda w: w.load_last())

    # -- marks --------------------------------------------------------------------------------------------

    def toggle_mark(self) -> None:
        row = self.current
        if row is None:
            return
        self.marked.symmetric_difference_update({row.id})
        if self.window is not None:
            self._refresh_row(self.window.cursor)  # only the line whose mark changed
        self.cursor_down()

    def _refresh_row(self, index: int) -> None:
        if self.window is not None:
            self.refresh(Region(0, 1 + index - self.window.top, self.size.width, 1))

    def mark_visible(self) -> None:
        ids = {row.id for row in self.visible_rows()}
        if ids <= self.marked:
            self.marked -= ids  # a second * takes the marks off again
        else:
            self.marked |= ids
        self.refresh()

    def clear_marks(self) -> bool:
        had = bool(self.marked)
        self.marked.clear()
        if had:
            self.refresh()
        return had

    # -- drawing ------------------------------------------------------------------------------------------

    def _body_height(self) -> int:
        return max(1, self.size.height - 1)

    def on_resize(self) -> None:
        if self.window is not None:
            self.window.resize(self._body_height())
            self._read_ahead_soon()
        if self.size.width != self._strips_width:
            # Only a new width changes the rows' strips (the search box opening changes the height alone).
            self._strips.clear()
            self._strips_width = self.size.width

    def _changed(self, *, full: bool) -> None:
        if full:
            self.refresh()
        self._announce()

    def _announce(self) -> None:
        self.post_message(self.CursorMoved(self.current))
        self._read_ahead_soon()

    def _read_ahead_soon(self) -> None:
        """Fetch (and draw) the margin beyond the rows on screen once this frame is out, not before it."""
        if not self._read_ahead_due and self.window is not None:
            self._read_ahead_due = True
            self.call_after_refresh(self._read_ahead)

    def _read_ahead(self) -> None:
        self._read_ahead_due = False
        if self.window is not None:
            # The rows on screen stay the same ones: nothing to paint.
            self.window.read_ahead()
        self._draw_ahead()

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return container.height

    def render_lines(self, crop: Region) -> list[Strip]:
        # The rows were fetched when the screen mounted, before the list knew its height; fill the viewport
        # now that it does (a Resize is not promised before the first paint).
        window = self.window
        if window is not None and window.height != self._body_height():
            window.resize(self._body_height())
        return super().render_lines(crop)

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._parts = {}  # the theme or the CSS changed: read again at the next paint

    def _read_styles(self) -> None:
        # Once until the styles or the language change, not per row nor per paint: each read walks the
        # widget's ancestors (per row that was a third of a page flip's time, per paint ~1 ms of each frame).
        self._base = self.rich_style
        self._parts = {name: self.get_component_rich_style(name, partial=True) for name in _ROW_PARTS}
        self._status_labels.clear()
        self._labels_language = language()

    def render_line(self, y: int) -> Strip:
        if not self._parts or self._labels_language != language():
            self._read_styles()
        width = self.size.width
        base = self._base
        if y == 0:
            return self._header(width, base)
        window = self.window
        if window is None or not window.rows:
            if y == 2:
                style = base + self.get_component_rich_style("inbox-list--empty")
                return Strip([Segment(set_cell_size("  " + self.empty_text, width), style)], width)
            return Strip.blank(width, base)
        index = window.top + y - 1
        if index >= len(window.rows) or y - 1 >= window.height:
            return Strip.blank(width, base)
        return self._strip(window.rows[index], index == window.cursor, width, base, self._now())

    def _strip(self, row: InboxRow, is_cursor: bool, width: int, base: Style, now: datetime) -> Strip:
        is_marked = row.id in self.marked
        key = (row, is_cursor, is_marked, width, language(), now.replace(second=0, microsecond=0), base)
        strip = self._strips.get(key)
        if strip is None:
            if len(self._strips) >= STRIP_CACHE_ROWS:
                self._strips.clear()
            strip = self._row_strip(row, is_cursor, is_marked, width, base, now)
            self._strips[key] = strip
        return strip

    def _draw_ahead(self) -> None:
        """Draw the screen of rows below the viewport and the one above it into the cache, once this frame
        is out, and the screens g and G show: a page flip or a jump to either end then paints rows already
        drawn (~5 ms of such a frame at 120 columns)."""
        window = self.window
        if window is None or not window.rows or not self._parts or self._labels_language != language():
            return
        first = max(0, window.top - window.height)
        last = min(len(window.rows), window.top + 2 * window.height)
        head, tail = window.end_screens()
        wanted = [(window.rows[i], i == window.cursor) for i in range(first, last)]
        wanted += [(row, i == 0) for i, row in enumerate(head)]
        wanted += [(row, i == len(tail) - 1) for i, row in enumerate(tail)]
        self._draw(wanted)

    def draw_ahead_of(self, rows: Sequence[InboxRow]) -> None:
        """Draw the first screen of rows about to be shown (a search's, read while its field rests) into the
        cache, the cursor on the first: enter then paints rows already drawn (~4 ms of its frame)."""
        if not self._parts or self._labels_language != language():
            self._read_styles()  # the focus left the list for the search field: its styles were let go
        self._draw([(row, i == 0) for i, row in enumerate(rows)])

    def _draw(self, wanted: list[tuple[InboxRow, bool]]) -> None:
        if len(self._strips) + len(wanted) > STRIP_CACHE_ROWS:
            # Room first, by dropping the rows far from the screen (not all, as a full cache does).
            near = {row for row, _ in wanted}
            self._strips = {key: strip for key, strip in self._strips.items() if key[0] in near}
        width, base, now = self.size.width, self._base, self._now()
        for row, is_cursor in wanted:
            self._strip(row, is_cursor, width, base, now)

    def _header(self, width: int, base: Style) -> Strip:
        style = base + self.get_component_rich_style("inbox-list--header")
        layout = layout_for(width)
        parts: list[str] = []
        for column in layout.columns:
            if column.id in ("mark", "sync"):
                parts.append(" " * column.width)
            else:
                parts.append(set_cell_size(t(f"col.{column.id}"), column.width))
        return Strip([Segment(set_cell_size(" ".join(parts), width), style)], width)

    def _row_strip(
        self, row: InboxRow, is_cursor: bool, is_marked: bool, width: int, base: Style, now: datetime
    ) -> Strip:
        parts = self._parts
        style = base
        if is_marked:
            style += parts["inbox-list--marked"]
        if is_cursor:
            style += parts["inbox-list--cursor"]
        sla_class = _SLA_CLASS.get(row.sla_state, "inbox-list--sla-ok")
        sla_style = style + parts[sla_class]
        if row.sla_state is None:
            sla_style = style
        sync_style = style
        sync_mark = " "
        if row.conflict:
            sync_mark, sync_style = CONFLICT_MARK, style + parts["inbox-list--conflict"]
        elif row.pending:
            sync_mark, sync_style = PENDING_MARK, style + parts["inbox-list--pending"]

        segments: list[Segment] = []
        run: list[str] = []

        def flush(current: Style) -> None:
            if run:
                segments.append(Segment(" ".join(run), current))
                run.clear()

        layout = layout_for(width)
        for position, column in enumerate(layout.columns):
            text = self._cell_text(row, column, now)
            if column.id == "sla" and sla_style is not style:
                flush(style)
                if segments:
                    segments.append(Segment(" ", style))
                segments.append(Segment(text, sla_style))
                if position + 1 < len(layout.columns):
                    segments.append(Segment(" ", style))
                continue
            if column.id == "sync":
                flush(style)
                if segments:
                    segments.append(Segment(" ", style))
                segments.extend((Segment(sync_mark, sync_style), Segment(" ", style)))
                continue
            run.append(text)
        flush(style)
        # The row's length is known: measured, each row's texts would be kept in rich's cell-length cache
        # (4,096 texts, ~0.7 MiB held after paging through the inbox).
        strip = Strip(segments, layout.cells).adjust_cell_length(width, style)
        return strip.simplify()

    def _cell_text(self, row: InboxRow, column: Column, now: datetime) -> str:
        width = column.width
        match column.id:
            case "mark":
                return MARK if row.id in self.marked else " "
            case "ref":
                return _cell(row.public_ref, width)
            case "age":
                return set_cell_size(fmt.age(row.created_at, now), width)
            case "sla":
                text = fmt.sla_days(row.sla_days_left, width)
                return " " * max(0, width - cell_len(text)) + set_cell_size(text, min(width, cell_len(text)))
            case "category":
                return _cell(row.category_code or "", width)
            case "title":
                return _cell(row.title, width)
            case "kecamatan":
                return _cell(row.kecamatan or "", width)
            case "status":
                label = self._status_labels.get(row.status)
                if label is None:
                    label = self._status_labels[row.status] = set_cell_size(
                        t(f"status_short.{row.status.value}"), width
                    )
                return label
            case "assignee":
                return _cell(row.assignee_id or "", width)
        return " " * width


_SLA_CLASS: dict[SlaState | None, str] = {
    SlaState.OK: "inbox-list--sla-ok",
    SlaState.DUE_SOON: "inbox-list--sla-due-soon",
    SlaState.OVERDUE: "inbox-list--sla-overdue",
}
