"""What the UI needs from the client services, named in one place.

The UI talks to ``sambat_tui.services`` only (INTERFACES.md, "Client services API"). Its record types are
the services' own; this module re-exports them *lazily*: importing the services loads the store, pydantic
and httpx (about a second on an old laptop), and the app must paint its first frame before that. Modules
that run before the first frame import these names under ``TYPE_CHECKING`` only; the screens that need them
at run time are imported after the session is open, when the services are loaded anyway.

``SessionPort`` is the part of ``services.session.Session`` the UI uses, as a protocol, so a test can hand
the app an in-memory session for states the real stack cannot produce cheaply.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from importlib import import_module
from typing import TYPE_CHECKING, NamedTuple, Protocol

from sambat_tui.domain.model import Action
from sambat_tui.domain.query import QueryError as QueryError

if TYPE_CHECKING:
    from sambat_tui.services.actions import ActionResult as ActionResult
    from sambat_tui.services.actions import StoreFull as StoreFull
    from sambat_tui.services.complaints import ComplaintDetail as ComplaintDetail
    from sambat_tui.services.complaints import TimelineEntry as TimelineEntry
    from sambat_tui.services.identity import Identity as Identity
    from sambat_tui.services.inbox import InboxPage as InboxPage
    from sambat_tui.services.inbox import InboxRow as InboxRow
    from sambat_tui.services.inbox import Sort as Sort
    from sambat_tui.services.inbox import Tab as Tab
    from sambat_tui.services.outbox import OutboxCounts as OutboxCounts
    from sambat_tui.services.outbox import OutboxEntry as OutboxEntry
    from sambat_tui.services.sync import SyncProgress as SyncProgress
    from sambat_tui.services.sync import SyncReport as SyncReport
    from sambat_tui.services.sync import SyncStatus as SyncStatus
    from sambat_tui.services.templates import CannedResponse as CannedResponse

_LAZY: dict[str, str] = {
    "ActionResult": "sambat_tui.services.actions",
    "StoreFull": "sambat_tui.services.actions",
    "CannedResponse": "sambat_tui.services.templates",
    "ComplaintDetail": "sambat_tui.services.complaints",
    "TimelineEntry": "sambat_tui.services.complaints",
    "Identity": "sambat_tui.services.identity",
    "InboxPage": "sambat_tui.services.inbox",
    "InboxRow": "sambat_tui.services.inbox",
    "Sort": "sambat_tui.services.inbox",
    "Tab": "sambat_tui.services.inbox",
    "OutboxCounts": "sambat_tui.services.outbox",
    "OutboxEntry": "sambat_tui.services.outbox",
    "SyncProgress": "sambat_tui.services.sync",
    "SyncReport": "sambat_tui.services.sync",
    "SyncStatus": "sambat_tui.services.sync",
}


def __getattr__(name: str) -> object:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(import_module(module), name)


class InboxPort(Protocol):
    def tabs(self) -> tuple[Tab, ...]: ...
    def counts(self) -> dict[str, int]: ...
    def first(self, tab_id: str, query: str, sort: Sort, descending: bool, limit: int) -> InboxPage: ...
    def last(self, tab_id: str, query: str, sort: Sort, descending: bool, limit: int) -> InboxPage: ...
    def after(self, cursor: object, limit: int) -> InboxPage: ...
    def before(self, cursor: object, limit: int) -> InboxPage: ...


class ComplaintsPort(Protocol):
    def get(self, ref_or_id: str) -> ComplaintDetail | None: ...


class ActionsPort(Protocol):
    def allowed(self, complaint_id: str) -> frozenset[Action]: ...
    def transition(self, ids: Sequence[str], action: Action, reason: str | None = None) -> ActionResult: ...
    def respond(self, complaint_id: str, body: str) -> ActionResult: ...
    def note(self, complaint_id: str, body: str) -> ActionResult: ...
    def return_(self, complaint_id: str, reason: str) -> ActionResult: ...
    def templates(self, complaint_id: str) -> tuple[CannedResponse, ...]: ...


class OutboxPort(Protocol):
    def entries(self) -> tuple[OutboxEntry, ...]: ...
    def counts(self) -> OutboxCounts: ...
    def retry(self, mutation_id: str) -> None: ...
    def discard(self, mutation_id: str) -> None: ...
    def edit(self, mutation_id: str, body: str) -> None: ...


class SyncPort(Protocol):
    def run_once(self, progress: Callable[[SyncProgress], None] | None = None) -> SyncReport: ...
    def status(self) -> SyncStatus: ...


class SessionPort(Protocol):
    @property
    def identity(self) -> Identity | None: ...
    @property
    def read_only(self) -> bool: ...
    @property
    def synced_elsewhere(self) -> bool:
        """Readers only, beside another process that holds the cache and syncs it."""
        ...

    def cache_changed(self) -> bool: ...
    def finish_opening(self) -> None:
        """The start-up repairs left for after the first frame (a no-op when none are due)."""
        ...

    def take_over(self) -> bool:
        """Take the cache's writer once the other process has let it go: True when just taken."""
        ...

    @property
    def inbox(self) -> InboxPort: ...
    @property
    def complaints(self) -> ComplaintsPort: ...
    @property
    def actions(self) -> ActionsPort: ...
    @property
    def outbox(self) -> OutboxPort: ...
    @property
    def sync(self) -> SyncPort: ...
    def close(self) -> None: ...


class AppOptions(NamedTuple):
    """What the command line and the profile's config decide for one run of the app."""

    lang: str = "id"
    theme: str = "dark"
    keymap: Mapping[str, str] | None = None
    read_only: bool = False
    sync_interval_seconds: float = 60.0
    profile_name: str = "default"
    log_problem: str | None = None
    """Why the log file could not be opened (the app runs without it and says so), or None."""


if TYPE_CHECKING:
    from sambat_tui.services.session import Session

    def _the_real_session_fits(session: Session) -> SessionPort:
        """Never called: makes mypy prove that ``services.session.Session`` satisfies ``SessionPort``."""
        return session
