"""A small window of inbox rows around the viewport, fetched page by page with opaque keyset cursors.

The inbox may hold a million cached complaints; the list never asks for a row number, only for the page
before or after a cursor the service gave it. The window keeps whole pages (so it always holds the cursor to
fetch what lies beyond either end) and drops the page farthest from the viewport when it grows past
``max_rows``.

Cursor semantics assumed from the keyset API: ``page.before`` fetches the rows preceding the page's first
row, ``page.after`` the rows following its last row.

A move fetches only what the rows on screen need. The margin of one viewport beyond them on either side (so
that the next move needs no fetch) is ``read_ahead``'s, which the list calls once the frame is out: a page
down at a million complaints used to wait ~10 ms for SQL that only the key after it needed. For the same
reason a jump to either end (a new search, ``g``, ``G``) asks for one screenful (``END_SLACK`` rows more, so
that the search box closing does not need a second fetch), not a whole page: a common word is checked row by
row (store/inbox.py), and each row it does not need to find costs the frame about 15 us at a million.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Final, NamedTuple

from sambat_tui.ui.ports import InboxPage

if TYPE_CHECKING:
    from sambat_tui.ui.ports import InboxRow


class PageSource(NamedTuple):
    """One query of the inbox (tab, filter, sort) as four page fetchers."""

    first: Callable[[int], InboxPage]
    last: Callable[[int], InboxPage]
    after: Callable[[object, int], InboxPage]
    before: Callable[[object, int], InboxPage]


END_SLACK: Final = 4
"""Rows beyond the viewport in the page fetched for an end: the list may grow by a few lines right after
(the search box closes), and a second fetch before the frame would cost more than these rows."""


def end_limit(page_size: int, height: int) -> int:
    """How many rows the page fetched for an end holds: one screenful and ``END_SLACK``, at most a page."""
    return min(page_size, height + END_SLACK)


_EMPTY = InboxPage(rows=(), has_before=False, has_after=False, before=None, after=None)


class RowWindow:
    def __init__(
        self, source: PageSource, page_size: int = 60, max_rows: int = 240, first: InboxPage | None = None
    ) -> None:
        if page_size < 1 or max_rows < 2 * page_size:
            raise ValueError("page_size must be >= 1 and max_rows at least two pages")
        self.source = source
        self.page_size = page_size
        self.max_rows = max_rows
        self._pages: list[InboxPage] = [_EMPTY]
        self.rows: list[InboxRow] = []
        self.cursor = 0
        self.top = 0
        self.height = 1
        self.fetches = 0  # pages fetched, for tests and benchmarks
        # The first and the last page as fetched, kept until the rows change (``reload``): g and G jump
        # between the ends without SQL, and the list can draw both ends' screens ahead.
        self._ends: dict[str, InboxPage] = {}
        if first is not None:
            # Read ahead of time (the search field reads while the user pauses): ``load_first`` shows it.
            self._ends["first"] = first

    # -- what is known about the ends -------------------------------------------------------------------

    @property
    def has_before(self) -> bool:
        return self._pages[0].has_before

    @property
    def has_after(self) -> bool:
        return self._pages[-1].has_after

    @property
    def current(self) -> InboxRow | None:
        return self.rows[self.cursor] if self.rows else None

    def visible(self) -> list[InboxRow]:
        return self.rows[self.top : self.top + self.height]

    def index_of(self, row_id: str) -> int | None:
        for index, row in enumerate(self.rows):
            if row.id == row_id:
                return index
        return None

    # -- loading ------------------------------------------------------------------------------------------

    def _set(self, pages: list[InboxPage]) -> None:
        self._pages = pages or [_EMPTY]
        self.rows = [row for page in self._pages for row in page.rows]

    def load_first(self) -> None:
        self._set([self._end("first")])
        self.cursor = self.top = 0
        self._fill_visible()

    def load_last(self) -> None:
        self._set([self._end("last")])
        self.cursor = max(0, len(self.rows) - 1)
        self.top = max(0, len(self.rows) - self.height)
        self._fill_visible()

    def _end(self, which: str) -> InboxPage:
        page = self._ends.get(which)
        if page is None:
            self.fetches += 1
            fetch = self.source.first if which == "first" else self.source.last
            page = self._ends[which] = fetch(end_limit(self.page_size, self.height))
        return page

    def end_screens(self) -> tuple[list[InboxRow], list[InboxRow]]:
        """The rows g and G would show, as far as the ends are known: the first screen (the cursor on its
        first row) and the last screen (the cursor on its last row)."""
        first, last = self._ends.get("first"), self._ends.get("last")
        return (
            list(first.rows[: self.height]) if first is not None else [],
            list(last.rows[-self.height :]) if last is not None else [],
        )

    def reload(self, keep_id: str | None = None) -> None:
        """Fetch the window again from its first row on (rows may have changed or left the filter).

        The cursor lands on ``keep_id`` when it is still there, else stays at the same position.
        """
        self._ends.clear()
        want = max(self.page_size, min(len(self.rows), self.max_rows))
        first = self._pages[0]
        page: InboxPage | None = None
        if first.has_before and first.before is not None:
            # The row just before the window gives a cursor from which the window's first row follows.
            self.fetches += 1
            previous = self.source.before(first.before, 1)
            if previous.rows and previous.after is not None:
                self.fetches += 1
                page = self.source.after(previous.after, want)
        if page is None:
            self.fetches += 1
            page = self.source.first(want)
        old_cursor, old_top = self.cursor, self.top
        self._set([page])
        index = self.index_of(keep_id) if keep_id is not None else None
        self.cursor = min(old_cursor if index is None else index, max(0, len(self.rows) - 1))
        self.top = min(old_top, self.cursor)
        self._fill_visible()
        self._scroll_to_cursor()

    # -- moving -------------------------------------------------------------------------------------------

    def resize(self, height: int) -> None:
        self.height = max(1, height)
        self._fill_visible()
        self._scroll_to_cursor()

    def move_to(self, index: int) -> None:
        """Put the cursor on window index ``index``, fetching pages past either end as needed."""
        while index >= len(self.rows) and self.has_after:
            # Walk the cursor along as pages come in, so the pages behind it can be dropped.
            self.cursor = len(self.rows) - 1
            self._scroll_to_cursor()
            index -= self._fetch_after()
        while index < 0 and self.has_before:
            self.cursor = 0
            self._scroll_to_cursor()
            index += self._fetch_before()
        self.cursor = max(0, min(index, len(self.rows) - 1))
        self._scroll_to_cursor()
        self._fill_visible()

    def move_by(self, delta: int) -> None:
        self.move_to(self.cursor + delta)

    def move_to_id(self, row_id: str) -> bool:
        index = self.index_of(row_id)
        if index is None:
            return False
        self.move_to(index)
        return True

    def _scroll_to_cursor(self) -> None:
        if self.cursor < self.top:
            self.top = self.cursor
        elif self.cursor >= self.top + self.height:
            self.top = self.cursor - self.height + 1
        self.top = max(0, min(self.top, max(0, len(self.rows) - self.height)))

    def _fill_visible(self) -> None:
        """Fetch what the viewport shows and is not here yet (the rest is ``read_ahead``'s)."""
        while self.top + self.height > len(self.rows) and self.has_after:
            self._fetch_after()

    @property
    def wants_read_ahead(self) -> bool:
        return (self.top + 2 * self.height > len(self.rows) and self.has_after) or (
            self.top < self.height and self.has_before
        )

    def read_ahead(self) -> bool:
        """Keep one viewport of rows beyond the visible ones on each side, so the next move needs no fetch.

        The rows on screen stay the same ones (their indexes move when a page comes in before them).
        Returns whether anything was fetched.
        """
        fetches = self.fetches
        while self.top + 2 * self.height > len(self.rows) and self.has_after:
            self._fetch_after()
        while self.top < self.height and self.has_before:
            self._fetch_before()
        return self.fetches != fetches

    # -- fetching -----------------------------------------------------------------------------------------

    def _fetch_after(self) -> int:
        """Append the next page; returns how many rows were dropped at the front."""
        last = self._pages[-1]
        self.fetches += 1
        page = self.source.after(last.after, self.page_size) if last.after is not None else _EMPTY
        if not page.rows:
            self._pages[-1] = last._replace(has_after=False)
            return 0
        self._set([*self._pages, page])
        return self._trim_front()

    def _fetch_before(self) -> int:
        """Prepend the previous page; returns how many rows were added at the front."""
        first = self._pages[0]
        self.fetches += 1
        page = self.source.before(first.before, self.page_size) if first.before is not None else _EMPTY
        if not page.rows:
            self._pages[0] = first._replace(has_before=False)
            return 0
        added = len(page.rows)
        self._set([page, *self._pages])
        self.cursor += added
        self.top += added
        self._trim_back()
        return added

    def _trim_front(self) -> int:
        dropped = 0
        while len(self.rows) > self.max_rows and len(self._pages) > 1:
            size = len(self._pages[0].rows)
            if size > min(self.top, self.cursor) - self.height:
                break  # the page holds rows on screen or the margin before them
            self._set(self._pages[1:])
            self.cursor -= size
            self.top -= size
            dropped += size
        return dropped

    def _trim_back(self) -> None:
        while len(self.rows) > self.max_rows and len(self._pages) > 1:
            size = len(self._pages[-1].rows)
            if len(self.rows) - size < max(self.top + 2 * self.height, self.cursor + 1):
                break  # the page holds rows on screen or the margin after them
            self._set(self._pages[:-1])
