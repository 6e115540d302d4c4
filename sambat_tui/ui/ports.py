"""What the UI needs from the client services, in one place.

The UI talks to ``sambat_tui.services`` only (INTERFACES.md, "Client services API"). Screens and widgets
import the service types from here, so the UI names one module for them and a test double can stand in for
a session with a state the real stack cannot produce cheaply.

Until ``sambat_tui.services`` lands, the records below copy that API field for field; the protocols describe
the methods the UI calls.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any, Protocol

from sambat_tui.domain.model import Action, Role, Status
from sambat_tui.domain.query import QueryError as QueryError
from sambat_tui.domain.sla import SlaState
from sambat_tui.services.templates import CannedResponse as CannedResponse


class Sort(StrEnum):
    DUE = "due"
    AGE = "age"
    PRIORITY = "priority"


@dataclass(frozen=True)
class Tab:
    id: str
    label_key: str
    query: str


@dataclass(frozen=True)
class InboxRow:
    id: str
    public_ref: str
    title: str
    category_code: str | None
    kecamatan: str | None
    status: Status
    assignee_id: str | None
    desk_id: str | None
    priority: str
    created_at: datetime
    resolve_due: datetime | None
    sla_days_left: int | None
    sla_state: SlaState | None
    pending: int
    conflict: bool


@dataclass(frozen=True)
class InboxPage:
    rows: tuple[InboxRow, ...]
    has_before: bool
    has_after: bool
    before: object | None
    after: object | None


@dataclass(frozen=True)
class TimelineEntry:
    id: str
    at: datetime
    kind: str
    subkind: str
    public: bool
    body: str
    author: str | None
    status_after: Status | None
    detail: str
    pending: bool


@dataclass(frozen=True)
class ComplaintDetail:
    data: dict[str, Any]
    timeline: tuple[TimelineEntry, ...]
    reporter: dict[str, Any] | None
    allowed: frozenset[Action]
    pending: int
    conflicts: int


@dataclass(frozen=True)
class ActionResult:
    queued: tuple[str, ...]
    refused: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class OutboxEntry:
    seq: int
    mutation_id: str
    complaint_id: str
    public_ref: str
    op: str
    summary: str
    state: str
    attempts: int
    last_error: str | None
    server_reason: str | None
    created_at: datetime


@dataclass(frozen=True)
class OutboxCounts:
    pending: int
    failed: int
    conflicts: int


@dataclass(frozen=True)
class SyncProgress:
    phase: str
    done: int
    total: int | None


@dataclass(frozen=True)
class SyncReport:
    online: bool
    pulled: int
    pushed: int
    conflicts: int
    quarantined: int
    error: str | None


@dataclass(frozen=True)
class SyncStatus:
    online: bool | None
    last_sync_at: datetime | None
    pending: int
    conflicts: int


@dataclass(frozen=True)
class Identity:
    user_id: str
    name: str
    agency_id: str | None
    desk_ids: tuple[str, ...]
    roles: frozenset[Role]
    lang: str


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


@dataclass(frozen=True)
class AppOptions:
    """What the command line and the profile's config decide for one run of the app."""

    lang: str = "id"
    theme: str = "dark"
    keymap: Mapping[str, str] | None = None
    read_only: bool = False
    sync_interval_seconds: float = 60.0
    profile_name: str = "default"
