"""What the server keeps beside the wire models: internal bookkeeping that never goes on the wire."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from sambat_tui.contract import Complaint, Update


class Deadline(StrEnum):
    """The SLA deadlines that escalate when missed (each one at most once per complaint)."""

    VERIFY = "verify"
    RESPONSE = "response"
    RESOLVE = "resolve"


@dataclass(frozen=True, slots=True)
class ScopeKey:
    """Where a complaint sits: who may see it follows from these three."""

    agency_id: str | None
    desk_id: str | None
    assignee_id: str | None

    @classmethod
    def of(cls, complaint: Complaint) -> ScopeKey:
        return cls(complaint.agency_id, complaint.desk_id, complaint.assignee_id)

    def as_tuple(self) -> tuple[str | None, str | None, str | None]:
        return (self.agency_id, self.desk_id, self.assignee_id)


@dataclass(frozen=True, slots=True)
class StoredComplaint:
    complaint: Complaint
    intake_hash: str
    """Digest of the intake payload: a re-sent intake is recognised, another one under its id refused."""
    created_by: str
    escalated: frozenset[Deadline] = field(default_factory=frozenset)


@dataclass(frozen=True, slots=True)
class StoredUpdate:
    update: Update
    payload_hash: str


@dataclass(frozen=True, slots=True)
class StoredResponse:
    """The first answer given under an idempotency key, replayed for a retry of the same request."""

    request_hash: str
    status: int
    body: str
    created_at: datetime


@dataclass(frozen=True, slots=True)
class FeedState:
    epoch: str
    """Random id of this database: a cursor from another one (a restore, a reset) is refused."""
    min_seq: int
    """Compaction dropped rows up to here; a cursor below it may have missed something."""
    generation: int
    """How many compactions have dropped rows; a cursor issued in this generation missed nothing."""
    watermark: int
    """The highest sequence number committed in the reader's snapshot."""


@dataclass(frozen=True, slots=True)
class FeedRow:
    seq: int
    entity: str
    entity_id: str
    op: str
    version: int
    data: str | None
    """The entity's JSON exactly as written, spliced into the answer unparsed."""
    scope: ScopeKey
    prev_scope: ScopeKey
    current_scope: ScopeKey | None
    """For a timeline entry: where its complaint sits in the reader's snapshot (None for other entities)."""
