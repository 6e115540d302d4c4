"""The change feed, the sync primitive: ``GET /v1/changes``."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from pydantic import Field

from sambat_tui.contract.base import WireModel


class Entity(StrEnum):
    COMPLAINT = "complaint"
    UPDATE = "update"
    DISPOSITION = "disposition"
    AGENCY = "agency"
    DESK = "desk"
    USER = "user"
    CATEGORY = "category"


REFERENCE_ENTITIES: frozenset[Entity] = frozenset({Entity.AGENCY, Entity.DESK, Entity.USER, Entity.CATEGORY})
"""Sent to every caller, whatever their scope."""


class ChangeOp(StrEnum):
    UPSERT = "upsert"
    EVICT = "evict"
    """Only for complaints: it left the caller's scope; the client drops it and its timeline."""


class Change(WireModel):
    seq: int = Field(ge=1)
    entity: Entity
    id: str
    op: ChangeOp
    version: int = Field(ge=1)
    data: dict[str, Any] | None = None
    """The entity as the matching model (Complaint, Update, ...) would serialise it; null for evict."""


class ChangePage(WireModel):
    changes: tuple[Change, ...]
    next_cursor: str
    """Pass it back as ``cursor``; it is opaque and stays valid until the log is compacted past it."""
    has_more: bool


FEED_PAGE_DEFAULT = 500
FEED_PAGE_MAX = 1000
