"""A complaint's timeline: its updates and dispositions, in the server's recorded order.

Rows hold the wire object (``data``) plus what the complaint screen sorts and marks by: the entry type
(update or disposition), its kind, whether the public may see it, and its moment (``recorded_at`` of an
update, ``created_at`` of a disposition; the server's clock, never the author's). An update the services
write before the server has it is ``pending`` and ordered by its ``authored_at`` until the server's copy
(same client-made id) replaces it.

Functions take the connection and never commit.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Any, Final

from sambat_tui.domain.model import DispositionKind, UpdateKind
from sambat_tui.store import quarantine
from sambat_tui.store.complaints import CHUNK, BadRecord, UpsertResult, encode_wire, enum_text

_EPOCH: Final = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND: Final = timedelta(microseconds=1)


class EntryType(StrEnum):
    UPDATE = "update"
    DISPOSITION = "disposition"


@dataclass(frozen=True, slots=True)
class TimelineItem:
    id: str
    complaint_id: str
    entry: EntryType
    kind: str
    """An ``UpdateKind`` value for updates, a ``DispositionKind`` value for dispositions."""
    public: bool
    """Whether the reporter and Open311 may see it (public responses, citizen replies, status changes)."""
    at: datetime
    pending: bool
    """Written here and not yet confirmed by the server."""
    data: dict[str, Any]


def _micros(value: object, key: str) -> int:
    if not isinstance(value, str):
        raise BadRecord(f"missing {key}")
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise BadRecord(f"{key} is not an RFC 3339 time: {value[:40]!r}") from None
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise BadRecord(f"{key} has no UTC offset")
    return (moment - _EPOCH) // _MICROSECOND


def _ids(data: Mapping[str, Any]) -> tuple[str, str]:
    entry_id, complaint_id = data.get("id"), data.get("complaint_id")
    if not isinstance(entry_id, str) or not isinstance(complaint_id, str):
        raise BadRecord("missing id or complaint_id")
    return entry_id, complaint_id


_PUBLIC_KINDS: Final = frozenset(k.value for k in UpdateKind if k.is_public)
_UPDATE: Final = EntryType.UPDATE.value
_DISPOSITION: Final = EntryType.DISPOSITION.value


def update_row(data: Mapping[str, Any], *, pending: bool = False) -> tuple[Any, ...]:
    """Column values of a wire update; a pending (local) one is ordered by ``authored_at``."""
    if not isinstance(data, Mapping):
        raise BadRecord("an update must be a JSON object")
    entry_id, complaint_id = _ids(data)
    kind = enum_text(UpdateKind, data.get("kind"), "update kind")
    if not isinstance(data.get("body"), str):
        raise BadRecord("missing body")
    at = (
        _micros(data.get("authored_at"), "authored_at")
        if pending
        else _micros(data.get("recorded_at"), "recorded_at")
    )
    return (
        entry_id,
        complaint_id,
        _UPDATE,
        kind,
        int(kind in _PUBLIC_KINDS),
        at,
        int(pending),
        encode_wire(data),
    )


def disposition_row(data: Mapping[str, Any]) -> tuple[Any, ...]:
    """Column values of a wire disposition (always internal)."""
    if not isinstance(data, Mapping):
        raise BadRecord("a disposition must be a JSON object")
    entry_id, complaint_id = _ids(data)
    kind = enum_text(DispositionKind, data.get("kind"), "disposition kind")
    at = _micros(data.get("created_at"), "created_at")
    return (entry_id, complaint_id, _DISPOSITION, kind, 0, at, 0, encode_wire(data))


_UPSERT: Final = (
    "INSERT INTO timeline(id, complaint_id, entry, kind, public, at_us, pending, data) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(id) DO UPDATE SET complaint_id = excluded.complaint_id, "
    "entry = excluded.entry, kind = excluded.kind, public = excluded.public, at_us = excluded.at_us, "
    "pending = excluded.pending, data = excluded.data"
)


def _upsert(
    conn: sqlite3.Connection, entity: EntryType, items: Iterable[Mapping[str, Any]], chunk_size: int
) -> UpsertResult:
    written = quarantined = 0
    batch: list[tuple[Any, ...]] = []
    for item in items:
        try:
            batch.append(update_row(item) if entity is EntryType.UPDATE else disposition_row(item))
        except BadRecord as error:
            record_id = item.get("id") if isinstance(item, Mapping) else None
            quarantine.put(
                conn,
                item,
                str(error),
                entity=entity.value,
                record_id=record_id if isinstance(record_id, str) else None,
            )
            quarantined += 1
            continue
        if len(batch) >= chunk_size:
            conn.executemany(_UPSERT, batch)
            written += len(batch)
            batch = []
    if batch:
        conn.executemany(_UPSERT, batch)
        written += len(batch)
    return UpsertResult(written=written, quarantined=quarantined)


def upsert_updates(
    conn: sqlite3.Connection, updates: Iterable[Mapping[str, Any]], *, chunk_size: int = CHUNK
) -> UpsertResult:
    """Store updates from the feed (or a mutation's answer). A pending local copy with the same id is
    replaced and stops being pending. Unstorable records go to quarantine."""
    return _upsert(conn, EntryType.UPDATE, updates, chunk_size)


def upsert_dispositions(
    conn: sqlite3.Connection, dispositions: Iterable[Mapping[str, Any]], *, chunk_size: int = CHUNK
) -> UpsertResult:
    """Store dispositions from the feed (or a mutation's answer). Unstorable records go to quarantine."""
    return _upsert(conn, EntryType.DISPOSITION, dispositions, chunk_size)


def put_local_update(conn: sqlite3.Connection, update: Mapping[str, Any]) -> None:
    """An update written here (a note or response queued in the outbox), shown as pending.

    ``update`` is wire-shaped; ``recorded_at`` may be absent (``authored_at`` orders it meanwhile). Raises
    ``BadRecord`` for a malformed update (our own data: nothing is quarantined). A server copy already
    stored is left alone.
    """
    row = update_row(update, pending=True)
    conn.execute(
        "INSERT INTO timeline(id, complaint_id, entry, kind, public, at_us, pending, data) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(id) DO NOTHING",
        row,
    )


def hold_pending(conn: sqlite3.Connection, update_ids: Iterable[str]) -> None:
    """These updates are queued again (``outbox.send_again``): pending until the server has them back."""
    conn.execute(
        "UPDATE timeline SET pending = 1 WHERE id IN (SELECT value FROM json_each(?))",
        (json.dumps(list(update_ids)),),
    )


def mark_walked(conn: sqlite3.Connection, entry_ids: Iterable[str], walk: int) -> None:
    """The server sent these again in walk number ``walk`` (a walk of its feed after a restore)."""
    conn.execute(
        "UPDATE timeline SET walk = ? WHERE id IN (SELECT value FROM json_each(?))",
        (walk, json.dumps(list(entry_ids))),
    )


def drop_unwalked(conn: sqlite3.Connection, walk: int) -> int:
    """At the end of walk ``walk``: remove the server's entries it did not send again (the restored
    database does not have them). Pending ones are ours and stay. Returns how many went."""
    return conn.execute("DELETE FROM timeline WHERE walk < ? AND pending = 0", (walk,)).rowcount


def delete(conn: sqlite3.Connection, entry_id: str) -> bool:
    """Drop one entry (e.g. the pending copy of a discarded mutation); return whether it existed."""
    return conn.execute("DELETE FROM timeline WHERE id = ?", (entry_id,)).rowcount > 0


def for_complaint(
    conn: sqlite3.Connection, complaint_id: str, *, public_only: bool = False, limit: int | None = None
) -> list[TimelineItem]:
    """A complaint's timeline, oldest first (by the server's moment, then id), optionally public only."""
    sql = (
        "SELECT id, complaint_id, entry, kind, public, at_us, pending, data FROM timeline "
        "WHERE complaint_id = ?" + (" AND public = 1" if public_only else "") + " ORDER BY at_us, id"
    )
    params: tuple[object, ...] = (complaint_id,)
    if limit is not None:
        sql += " LIMIT ?"
        params = (complaint_id, limit)
    return [
        TimelineItem(
            id=row[0],
            complaint_id=row[1],
            entry=EntryType(row[2]),
            kind=row[3],
            public=bool(row[4]),
            at=_EPOCH + row[5] * _MICROSECOND,
            pending=bool(row[6]),
            data=json.loads(row[7]),
        )
        for row in conn.execute(sql, params)
    ]
