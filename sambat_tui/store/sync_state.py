"""Key/value state of the sync: the feed cursor, the last successful sync, the server, the signed-in user.

The pull writes each page of changes and the page's ``next_cursor`` in one transaction, so after a crash the
cursor read here is exactly where the stored data stops. "Last sync" is read from here, never from memory.
Keys starting with ``store.`` belong to the store itself (search.py's stale mark).
"""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any


class SyncKey(StrEnum):
    CURSOR = "cursor"
    """The change feed's ``next_cursor`` of the last stored page; absent = bootstrap from the beginning."""
    LAST_SYNC_AT = "last_sync_at"
    """When a pull (and push) last completed, RFC 3339 UTC."""
    SERVER_URL = "server_url"
    USER_ID = "user_id"
    ME = "me"
    """The ``GET /v1/me`` answer as JSON, so the identity is known offline."""


def get(conn: sqlite3.Connection, key: str) -> str | None:
    row = conn.execute("SELECT value FROM sync_state WHERE key = ?", (key,)).fetchone()
    return None if row is None else str(row[0])


def put(conn: sqlite3.Connection, key: str, value: str) -> None:
    conn.execute(
        "INSERT INTO sync_state(key, value) VALUES (?, ?) "
        "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
        (key, value),
    )


def delete(conn: sqlite3.Connection, key: str) -> None:
    conn.execute("DELETE FROM sync_state WHERE key = ?", (key,))


def get_json(conn: sqlite3.Connection, key: str) -> Any:
    """The JSON value under ``key``, or None."""
    text = get(conn, key)
    return None if text is None else json.loads(text)


def put_json(conn: sqlite3.Connection, key: str, value: Any) -> None:
    put(conn, key, json.dumps(value, ensure_ascii=False, separators=(",", ":")))


def cursor(conn: sqlite3.Connection) -> str | None:
    return get(conn, SyncKey.CURSOR)


def set_cursor(conn: sqlite3.Connection, value: str) -> None:
    put(conn, SyncKey.CURSOR, value)


def clear_cursor(conn: sqlite3.Connection) -> None:
    """Forget the cursor (after ``410 cursor_expired``): the next pull bootstraps from the beginning."""
    delete(conn, SyncKey.CURSOR)


def last_sync_at(conn: sqlite3.Connection) -> datetime | None:
    text = get(conn, SyncKey.LAST_SYNC_AT)
    return None if text is None else datetime.fromisoformat(text)


def set_last_sync_at(conn: sqlite3.Connection, moment: datetime) -> None:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("last_sync_at must be timezone-aware")
    put(conn, SyncKey.LAST_SYNC_AT, moment.astimezone(UTC).isoformat())


def server_url(conn: sqlite3.Connection) -> str | None:
    return get(conn, SyncKey.SERVER_URL)


def set_server_url(conn: sqlite3.Connection, url: str) -> None:
    put(conn, SyncKey.SERVER_URL, url)


def user_id(conn: sqlite3.Connection) -> str | None:
    return get(conn, SyncKey.USER_ID)


def set_user_id(conn: sqlite3.Connection, value: str) -> None:
    put(conn, SyncKey.USER_ID, value)
