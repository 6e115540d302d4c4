"""``GET /v1/complaints``: the online listing, newest first, keyset-paged behind an opaque cursor."""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Sequence
from datetime import datetime
from uuid import UUID

from sambat_tui.central.context import Context
from sambat_tui.central.problems import ApiProblem
from sambat_tui.central.scope import Scope
from sambat_tui.contract import ComplaintPage, ProblemCode, User
from sambat_tui.domain.model import Status


def encode_list_cursor(created_at: datetime, complaint_id: UUID) -> str:
    raw = json.dumps([created_at.isoformat(), str(complaint_id)], separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode("ascii")).decode("ascii").rstrip("=")


def decode_list_cursor(cursor: str) -> tuple[datetime, str]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        created, complaint_id = json.loads(raw)
        moment = datetime.fromisoformat(created)
        if moment.tzinfo is None:
            raise ValueError("naive time")
        return moment, str(UUID(complaint_id))
    except (binascii.Error, ValueError, TypeError, UnicodeDecodeError):
        raise ApiProblem(
            ProblemCode.VALIDATION_FAILED,
            "Kursor daftar tidak dikenal / unrecognised listing cursor",
            extra={
                "errors": [{"loc": ["query", "cursor"], "msg": "not a listing cursor", "type": "value_error"}]
            },
        ) from None


def list_complaints(
    context: Context,
    user: User,
    *,
    statuses: Sequence[Status],
    desk_id: str | None,
    query: str | None,
    cursor: str | None,
    limit: int,
) -> ComplaintPage:
    before = decode_list_cursor(cursor) if cursor else None
    with context.storage.read() as tx:
        rows = tx.complaints(
            Scope.of(user), statuses=statuses, desk_id=desk_id, query=query, before=before, limit=limit + 1
        )
    page, has_more = rows[:limit], len(rows) > limit
    next_cursor = encode_list_cursor(page[-1].created_at, page[-1].id) if has_more else None
    return ComplaintPage(complaints=tuple(page), next_cursor=next_cursor, has_more=has_more)
