"""Bodies a client sends to ``/v1``. Unknown fields are rejected (422), so a typo never passes silently."""

from __future__ import annotations

from uuid import UUID

from pydantic import AwareDatetime, Field

from sambat_tui.contract.base import RequestModel
from sambat_tui.contract.complaint import ExternalRef, Location, Media
from sambat_tui.contract.text import Identifier, LongText, Reason, ShortText, Title
from sambat_tui.domain.model import (
    Action,
    Channel,
    Classification,
    DispositionKind,
    Priority,
    Status,
    UpdateKind,
    Visibility,
)


class ReporterIn(RequestModel):
    name: ShortText | None = None
    phone: ShortText | None = Field(default=None, max_length=40)
    email: ShortText | None = Field(default=None, max_length=254, pattern=r"^[^@\s]+@[^@\s]+$")
    nik: ShortText | None = Field(default=None, pattern=r"^[0-9]{16}$")
    """The 16-digit national identity number (NIK), when the reporter gave it."""


class IntakeRequest(RequestModel):
    """``PUT /v1/complaints/{id}``: a complaint with a client-made id (walk-in, phone, a channel gateway)."""

    channel: Channel
    classification: Classification = Classification.PENGADUAN
    title: Title
    description: LongText
    category_code: Identifier | None = None
    location: Location = Location()
    media: tuple[Media, ...] = Field(default=(), max_length=20)
    visibility: Visibility = Visibility.PUBLIC
    priority: Priority = Priority.NORMAL
    external_refs: tuple[ExternalRef, ...] = Field(default=(), max_length=10)
    reporter: ReporterIn | None = None


class TransitionRequest(RequestModel):
    """``POST /v1/complaints/{id}/transitions`` with ``If-Match`` and ``Idempotency-Key``."""

    action: Action
    reason: Reason | None = None


class DispositionRequest(RequestModel):
    """``POST /v1/complaints/{id}/dispositions``: reassign within an agency or dispose to another one."""

    kind: DispositionKind
    to_agency: Identifier
    to_desk: Identifier | None = None
    to_user: Identifier | None = None
    reason: Reason


class VisibilityRequest(RequestModel):
    """``POST /v1/complaints/{id}/visibility`` (coordinator) with ``If-Match`` and ``Idempotency-Key``."""

    visibility: Visibility
    reason: Reason


class DuplicateRequest(RequestModel):
    """``POST /v1/complaints/{id}/duplicate``: the complaint follows ``duplicate_of``; null unlinks it."""

    duplicate_of: UUID | None
    reason: Reason


class UpdateRequest(RequestModel):
    """``PUT /v1/complaints/{id}/updates/{update_id}``; idempotent by the client-made update id.

    ``status_after: "responded"`` with a ``public_response`` applies the respond transition in the same step.
    """

    kind: UpdateKind
    body: LongText
    status_after: Status | None = None
    authored_at: AwareDatetime
