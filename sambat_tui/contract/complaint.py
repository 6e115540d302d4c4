"""A complaint as the server sends it, with its nested parts, and the reporter's identity (served apart)."""

from __future__ import annotations

from uuid import UUID

from pydantic import AwareDatetime, Field

from sambat_tui.contract.base import WireModel
from sambat_tui.contract.text import Identifier, LongText, ShortText, Title
from sambat_tui.domain.model import Channel, Classification, Priority, SlaClass, Status, Visibility


class Location(WireModel):
    lat: float | None = Field(default=None, ge=-90, le=90, allow_inf_nan=False)
    lon: float | None = Field(default=None, ge=-180, le=180, allow_inf_nan=False)
    address: ShortText | None = None
    kelurahan: ShortText | None = None
    kecamatan: ShortText | None = None


class Media(WireModel):
    url: ShortText
    kind: Identifier


class ExternalRef(WireModel):
    """A tracking id in another system, e.g. ``{"system": "lapor", "ref": "4821733"}``."""

    system: Identifier
    ref: ShortText


class Sla(WireModel):
    sla_class: SlaClass = Field(alias="class")
    verify_due: AwareDatetime
    response_due: AwareDatetime
    resolve_due: AwareDatetime
    reply_due: AwareDatetime | None = None


class Complaint(WireModel):
    id: UUID
    public_ref: str
    channel: Channel
    classification: Classification
    title: Title
    description: LongText
    category_code: Identifier | None = None
    location: Location = Location()
    media: tuple[Media, ...] = ()
    visibility: Visibility
    status: Status
    agency_id: Identifier | None = None
    desk_id: Identifier | None = None
    assignee_id: Identifier | None = None
    priority: Priority = Priority.NORMAL
    sla: Sla
    duplicate_of: UUID | None = None
    external_refs: tuple[ExternalRef, ...] = ()
    version: int = Field(ge=1)
    created_at: AwareDatetime
    updated_at: AwareDatetime
    closed_at: AwareDatetime | None = None
    first_response_at: AwareDatetime | None = None
    escalation_level: int = Field(default=0, ge=0)

    @property
    def etag(self) -> str:
        """The HTTP entity tag of this version: ``"v17"``."""
        return f'"v{self.version}"'


class ComplaintPage(WireModel):
    """One page of ``GET /v1/complaints``; ``next_cursor`` is null on the last page."""

    complaints: tuple[Complaint, ...]
    next_cursor: str | None
    has_more: bool


class Reporter(WireModel):
    """Personal data of the reporter; only ``GET /v1/complaints/{id}/reporter`` serves it, never the feed."""

    name: ShortText | None = None
    phone: ShortText | None = None
    email: ShortText | None = None
    nik: ShortText | None = None
