"""A search's first page, read while the user pauses in the search field, so that enter shows it at once.

At a million cached complaints a common word costs its search 15-30 ms of SQL (store/inbox.py walks the
list's order and checks each walked row's text). A person pauses before enter for longer than that, so the
inbox screen reads the page ``DELAY`` after the field last changed and keeps it here; enter then shows it
without reading it again. It is used only for exactly the search it was read for (tab, words, sort,
direction, rows, and no change of the data since), so enter shows what it would have read itself.

The read runs on the UI thread, as every other page read of the list does (it is the read enter would
make, made earlier): a worker thread with a connection of its own kept ~4 MiB more resident for it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final, NamedTuple

if TYPE_CHECKING:
    from sambat_tui.ui.ports import InboxPage, Sort

DELAY: Final = 0.05
"""Seconds the field must rest before the page is read: letters typed in one burst (or pasted) read once,
not once per letter. People type a letter every 0.1-0.3 s and take as long again to reach for enter."""


class SearchKey(NamedTuple):
    """Everything the first page depends on. ``generation`` counts the changes of the data."""

    tab_id: str
    query: str
    sort: Sort
    descending: bool
    limit: int
    generation: int


class SearchAhead:
    """The page read ahead for the search being typed, if any."""

    def __init__(self) -> None:
        self._read: tuple[SearchKey, InboxPage] | None = None
        self.generation = 0

    def keep(self, key: SearchKey, page: InboxPage) -> None:
        self._read = (key, page)

    def drop(self) -> None:
        self._read = None

    def data_changed(self) -> None:
        """Pages read before now may be out of date: none of them is used."""
        self.generation += 1
        self._read = None

    def take(self, key: SearchKey) -> InboxPage | None:
        """The page read ahead for exactly ``key`` (once), or None: read it yourself."""
        read, self._read = self._read, None
        return read[1] if read is not None and read[0] == key else None
