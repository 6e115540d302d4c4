"""Records the cache could not store, kept with the reason, so that one bad record never stops a pull.

A change with a lone surrogate, invalid UTF-8, a missing field or an unknown status goes here instead of
into its table; the pull carries on. ``raw`` is kept as ASCII-escaped JSON (any Python string survives that,
surrogates included); bytes that were never text are kept as they came, in ``raw_bytes``.
"""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime
from typing import Any, NamedTuple


class QuarantinedRecord(NamedTuple):
    id: int
    entity: str | None
    record_id: str | None
    raw: Any
    """The record decoded back from JSON; for raw bytes, the bytes."""
    reason: str
    at: datetime


def put(
    conn: sqlite3.Connection,
    raw: object,
    reason: str,
    *,
    entity: str | None = None,
    record_id: str | None = None,
    at: datetime | None = None,
) -> int:
    """Keep ``raw`` with the reason it was refused; return its quarantine id."""
    moment = at or datetime.now(UTC)
    text: str | None = None
    blob: bytes | None = None
    if isinstance(raw, bytes | bytearray | memoryview):
        blob = bytes(raw)
    else:
        # ensure_ascii: "\ud800" becomes the six characters \ud800, which SQLite stores without complaint.
        text = json.dumps(raw, ensure_ascii=True, default=repr)
    cursor = conn.execute(
        "INSERT INTO quarantine(entity, record_id, raw, raw_bytes, reason, at) VALUES (?, ?, ?, ?, ?, ?)",
        (
            _storable(entity),
            _storable(record_id),
            text,
            blob,
            _storable(reason) or "?",
            int(moment.timestamp()),
        ),
    )
    return int(cursor.lastrowid or 0)


def list_recent(conn: sqlite3.Connection, limit: int = 100) -> list[QuarantinedRecord]:
    """The newest quarantined records first."""
    rows = conn.execute(
        "SELECT id, entity, record_id, raw, raw_bytes, reason, at FROM quarantine ORDER BY id DESC LIMIT ?",
        (limit,),
    ).fetchall()
    return [
        QuarantinedRecord(
            id=row[0],
            entity=row[1],
            record_id=row[2],
            raw=json.loads(row[3]) if row[3] is not None else row[4],
            reason=row[5],
            at=datetime.fromtimestamp(row[6], UTC),
        )
        for row in rows
    ]


def count(conn: sqlite3.Connection) -> int:
    return int(conn.execute("SELECT count(*) FROM quarantine").fetchone()[0])


def delete(conn: sqlite3.Connection, quarantine_id: int) -> bool:
    """Drop one record (after someone looked at it); return whether it existed."""
    return conn.execute("DELETE FROM quarantine WHERE id = ?", (quarantine_id,)).rowcount > 0


def _storable(value: str | None) -> str | None:
    # The id or reason may itself hold a lone surrogate; keep it readable rather than failing the insert.
    if value is None:
        return None
    return value.encode("utf-8", "backslashreplace").decode("utf-8")
