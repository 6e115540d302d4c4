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


class CursorExpiredReason(StrEnum):
    """The ``reason`` member of a 410 ``cursor_expired`` problem: why the cursor cannot go on.

    Either way the client walks the feed again from the start; the reason says whether what it holds may
    be newer than the server (another database: a restored or replaced one) or only incomplete.
    """

    OTHER_DATABASE = "other_database"
    """The cursor is not of this database's history: another database, or this one set back in time (a
    restored backup, a file copied back); the server may lack changes the client has seen."""
    COMPACTED = "compacted"
    """The change log was compacted past the cursor: rows it had not read yet were dropped."""


FEED_PAGE_DEFAULT = 500
FEED_PAGE_MAX = 1000
