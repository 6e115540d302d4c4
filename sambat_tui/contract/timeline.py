"""The append-only timeline of a complaint: updates and dispositions."""

from __future__ import annotations

from uuid import UUID

from pydantic import AwareDatetime

from sambat_tui.contract.base import WireModel
from sambat_tui.contract.complaint import Complaint
from sambat_tui.contract.text import Identifier, Text
from sambat_tui.domain.model import DispositionKind, Status, UpdateKind


class Update(WireModel):
    id: UUID
    complaint_id: UUID
    kind: UpdateKind
    body: Text
    status_after: Status | None = None
    author_id: Identifier
    authored_at: AwareDatetime
    """The author's clock: shown, never used for ordering."""
    recorded_at: AwareDatetime
    """The server's clock: orders the timeline."""


class Disposition(WireModel):
    """A move of a complaint between agencies, desks or people (or an escalation, which moves nothing)."""

    id: UUID
    complaint_id: UUID
    kind: DispositionKind
    from_agency_id: Identifier | None = None
    from_desk_id: Identifier | None = None
    to_agency_id: Identifier
    """Every disposition lands at an agency: a return at the coordinator's, an escalation at its own."""
    to_desk_id: Identifier | None = None
    to_user_id: Identifier | None = None
    reason: Text
    actor_id: Identifier | None = None
    """The person; null when the system did it (auto_route, escalate)."""
    rule_id: str | None = None
    """The routing rule or SLA deadline behind a system disposition."""
    matched: tuple[str, ...] = ()
    created_at: AwareDatetime


class History(WireModel):
    """``GET /v1/complaints/{id}/history``: both lists in server order (``recorded_at`` / ``created_at``)."""

    complaint_id: UUID
    updates: tuple[Update, ...]
    dispositions: tuple[Disposition, ...]


class MutationResult(WireModel):
    """The answer to a transition, a disposition or an update: the complaint after it, and what it wrote."""

    complaint: Complaint
    updates: tuple[Update, ...] = ()
    dispositions: tuple[Disposition, ...] = ()
