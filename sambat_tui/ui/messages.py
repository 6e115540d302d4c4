"""Messages the app sends to its screens and that the sync worker sends to the app."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.message import Message

if TYPE_CHECKING:
    from sambat_tui.ui.ports import SyncProgress, SyncReport


class DataChanged(Message):
    """The local data changed under the screen (a sync pulled or pushed): read it again."""


class SyncProgressed(Message):
    def __init__(self, progress: SyncProgress) -> None:
        super().__init__()
        self.progress = progress


class SyncFinished(Message):
    def __init__(self, report: SyncReport) -> None:
        super().__init__()
        self.report = report


class CacheUnreadable(Message):
    """A thread found the cache unreadable (``StoreDamaged``): the app stops, as it does when a handler
    meets it (``SambatApp._handle_exception``)."""

    def __init__(self, error: Exception) -> None:
        self.error = error
        super().__init__()
