"""The outbox: mutations made here, kept until the server acknowledges them or a person discards them.

``seq`` (AUTOINCREMENT, never reused) is the local order; the push drains each complaint's mutations in
``seq`` order, never by the laptop clock. States::

    pending  --mark_sending-->  sending  --acknowledge-->  outbox_sent (kept for SENT_KEPT, then gone)
    sending  --mark_failed-->   failed   (network error, 5xx: retried at next_attempt_at)
    sending  --mark_conflict--> conflict (403/409/410, or 412 that cannot be rebased; shown with the reason)
    failed|conflict --requeue--> pending (retry, or edit-and-retry with a new payload)
    any      --remove (discarded after a confirm)--> gone
    outbox_sent --send_again (the server was restored from a backup)--> pending, in its old place

``complaints.pending`` counts a complaint's outbox rows (any state); ``append`` and ``remove`` keep it right
in the same transaction. The services append a mutation and write the optimistic complaint change in one
``Store.transaction()``; these functions never commit.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Any, Final, NamedTuple


class OutboxState(StrEnum):
    PENDING = "pending"
    SENDING = "sending"
    FAILED = "failed"
    CONFLICT = "conflict"


QUEUED: Final = frozenset({OutboxState.PENDING, OutboxState.SENDING, OutboxState.FAILED})
"""States of a mutation still on its way (not yet a conflict)."""


SENT_KEPT: Final = timedelta(days=14)
"""How long an acknowledged mutation is kept, to be sent again should the server's database be restored from
a backup that predates it. Well inside the server's idempotency retention (at least 30 days): a mutation sent
again that the restored database does hold is answered from its idempotency record, never applied twice."""


class OutboxError(LookupError):
    """No outbox row with that seq or mutation id."""


class OutboxEntry(NamedTuple):
    seq: int
    mutation_id: str
    complaint_id: str
    op: str
    payload: dict[str, Any]
    base_version: int | None
    authored_at: datetime
    actor: str
    state: OutboxState
    attempts: int
    next_attempt_at: datetime | None
    last_error: str | None
    server_reason: str | None
    created_at: datetime


_COLUMNS = (
    "seq, mutation_id, complaint_id, op, payload, base_version, authored_at, actor, state, attempts, "
    "next_attempt_at, last_error, server_reason, created_at"
)


def _entry(row: tuple[Any, ...]) -> OutboxEntry:
    return OutboxEntry(
        seq=row[0],
        mutation_id=row[1],
        complaint_id=row[2],
        op=row[3],
        payload=json.loads(row[4]),
        base_version=row[5],
        authored_at=datetime.fromisoformat(row[6]),
        actor=row[7],
        state=OutboxState(row[8]),
        attempts=row[9],
        next_attempt_at=None if row[10] is None else datetime.fromtimestamp(row[10], UTC),
        last_error=row[11],
        server_reason=row[12],
        created_at=datetime.fromtimestamp(row[13], UTC),
    )


def _epoch(moment: datetime) -> int:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"naive datetime {moment.isoformat()}: the outbox stores UTC")
    return int(moment.timestamp())


def append(
    conn: sqlite3.Connection,
    *,
    mutation_id: str,
    complaint_id: str,
    op: str,
    payload: Mapping[str, Any],
    base_version: int | None,
    authored_at: datetime,
    actor: str,
    now: datetime | None = None,
) -> OutboxEntry:
    """Queue a mutation (state ``pending``) and count it on its complaint. ``mutation_id`` is unique:
    appending the same id twice raises ``sqlite3.IntegrityError``."""
    if not op:
        raise ValueError("op must name the operation")
    if authored_at.tzinfo is None or authored_at.utcoffset() is None:
        raise ValueError("authored_at must be timezone-aware")
    created = _epoch(now or datetime.now(UTC))
    cursor = conn.execute(
        "INSERT INTO outbox(mutation_id, complaint_id, op, payload, base_version, authored_at, actor, "
        "state, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, 'pending', ?)",
        (
            mutation_id,
            complaint_id,
            op,
            json.dumps(dict(payload), ensure_ascii=False, separators=(",", ":")),
            base_version,
            authored_at.astimezone(UTC).isoformat(),
            actor,
            created,
        ),
    )
    conn.execute("UPDATE complaints SET pending = pending + 1 WHERE id = ?", (complaint_id,))
    seq = int(cursor.lastrowid or 0)
    return get(conn, seq)


def get(conn: sqlite3.Connection, seq: int) -> OutboxEntry:
    row = conn.execute(f"SELECT {_COLUMNS} FROM outbox WHERE seq = ?", (seq,)).fetchone()
    if row is None:
        raise OutboxError(f"no outbox row {seq}")
    return _entry(row)


def find(conn: sqlite3.Connection, mutation_id: str) -> OutboxEntry | None:
    row = conn.execute(f"SELECT {_COLUMNS} FROM outbox WHERE mutation_id = ?", (mutation_id,)).fetchone()
    return None if row is None else _entry(row)


def for_complaint(conn: sqlite3.Connection, complaint_id: str) -> list[OutboxEntry]:
    """A complaint's mutations in local order, whatever their state."""
    rows = conn.execute(
        f"SELECT {_COLUMNS} FROM outbox WHERE complaint_id = ? ORDER BY seq", (complaint_id,)
    ).fetchall()
    return [_entry(r) for r in rows]


def list_entries(
    conn: sqlite3.Connection,
    *,
    states: frozenset[OutboxState] | None = None,
    after_seq: int = 0,
    limit: int = 100,
) -> list[OutboxEntry]:
    """The outbox screen's list: rows after ``after_seq`` in local order (keyset paging on ``seq``)."""
    wanted = sorted(states) if states is not None else [s.value for s in OutboxState]
    placeholders = ",".join("?" * len(wanted))
    rows = conn.execute(
        f"SELECT {_COLUMNS} FROM outbox WHERE seq > ? AND state IN ({placeholders}) ORDER BY seq LIMIT ?",
        (after_seq, *wanted, limit),
    ).fetchall()
    return [_entry(r) for r in rows]


def ready(conn: sqlite3.Connection, now: datetime, limit: int = 50) -> list[OutboxEntry]:
    """What the push may send now: per complaint, its first unacknowledged mutation, if that one is
    ``pending``, or ``failed`` with its retry time reached. A complaint whose first mutation is sending or in
    conflict sends nothing more until that one is settled. Oldest first."""
    rows = conn.execute(
        f"SELECT {_COLUMNS} FROM outbox AS o "
        "WHERE (state = 'pending' OR (state = 'failed' AND coalesce(next_attempt_at, 0) <= ?)) "
        "AND NOT EXISTS (SELECT 1 FROM outbox AS e WHERE e.complaint_id = o.complaint_id AND e.seq < o.seq) "
        "ORDER BY seq LIMIT ?",
        (_epoch(now), limit),
    ).fetchall()
    return [_entry(r) for r in rows]


def _set_state(conn: sqlite3.Connection, seq: int, sql: str, params: tuple[Any, ...]) -> OutboxEntry:
    if conn.execute(f"UPDATE outbox SET {sql} WHERE seq = ?", (*params, seq)).rowcount == 0:
        raise OutboxError(f"no outbox row {seq}")
    return get(conn, seq)


def mark_sending(conn: sqlite3.Connection, seq: int) -> OutboxEntry:
    """About to send: counts an attempt. Commit this before the request goes out."""
    return _set_state(conn, seq, "state = 'sending', attempts = attempts + 1", ())


def mark_failed(conn: sqlite3.Connection, seq: int, error: str, next_attempt_at: datetime) -> OutboxEntry:
    """A retryable failure (network, 5xx): retry at ``next_attempt_at``."""
    return _set_state(
        conn, seq, "state = 'failed', last_error = ?, next_attempt_at = ?", (error, _epoch(next_attempt_at))
    )


def mark_conflict(
    conn: sqlite3.Connection, seq: int, server_reason: str, error: str | None = None
) -> OutboxEntry:
    """The server refused it for good (or it cannot be rebased); a person decides. ``server_reason`` is what
    the Outbox screen shows (e.g. the problem's title, or the problem JSON)."""
    return _set_state(
        conn,
        seq,
        "state = 'conflict', server_reason = ?, last_error = coalesce(?, last_error), next_attempt_at = NULL",
        (server_reason, error),
    )


def requeue(
    conn: sqlite3.Connection,
    seq: int,
    *,
    payload: Mapping[str, Any] | None = None,
    base_version: int | None = None,
) -> OutboxEntry:
    """Back to ``pending`` now (retry, or edit-and-retry with a new payload and/or base version)."""
    entry = get(conn, seq)
    new_payload = entry.payload if payload is None else dict(payload)
    return _set_state(
        conn,
        seq,
        "state = 'pending', next_attempt_at = NULL, payload = ?, base_version = ?",
        (
            json.dumps(new_payload, ensure_ascii=False, separators=(",", ":")),
            entry.base_version if base_version is None else base_version,
        ),
    )


def has_sending(conn: sqlite3.Connection) -> bool:
    """Whether a row is left ``sending`` (a read: at startup, ``reset_sending`` only when it has work)."""
    return conn.execute("SELECT 1 FROM outbox WHERE state = 'sending' LIMIT 1").fetchone() is not None


def reset_sending(conn: sqlite3.Connection) -> int:
    """At startup: a row left ``sending`` by a crash may or may not have reached the server. Put it back to
    ``pending``; its idempotency key makes the resend harmless. Returns how many rows moved."""
    return conn.execute("UPDATE outbox SET state = 'pending' WHERE state = 'sending'").rowcount


def remove(conn: sqlite3.Connection, seq: int) -> OutboxEntry:
    """Drop a row: the server acknowledged it, or a person discarded it after a confirm. Returns it."""
    entry = get(conn, seq)
    conn.execute("DELETE FROM outbox WHERE seq = ?", (seq,))
    conn.execute(
        "UPDATE complaints SET pending = max(pending - 1, 0) WHERE id = ?",
        (entry.complaint_id,),
    )
    return entry


def acknowledge(conn: sqlite3.Connection, seq: int, now: datetime) -> OutboxEntry:
    """The server took it: drop it from the outbox, keep it in ``outbox_sent`` for ``SENT_KEPT``, and forget
    what is older than that. Returns it."""
    conn.execute(
        "INSERT OR REPLACE INTO outbox_sent(seq, mutation_id, complaint_id, op, payload, base_version, "
        "authored_at, actor, created_at, acked_at) SELECT seq, mutation_id, complaint_id, op, payload, "
        "base_version, authored_at, actor, created_at, ? FROM outbox WHERE seq = ?",
        (_epoch(now), seq),
    )
    entry = remove(conn, seq)
    conn.execute("DELETE FROM outbox_sent WHERE acked_at < ?", (_epoch(now - SENT_KEPT),))
    return entry


def send_again(conn: sqlite3.Connection, now: datetime) -> list[OutboxEntry]:
    """The server's database went back to a backup: put every mutation it acknowledged within ``SENT_KEPT``
    back in the outbox as pending, in its old place in the local order, and return them.

    Each keeps its mutation id, so one the restored database already holds is answered from its idempotency
    record; one it lost is applied again, or becomes a conflict if the complaint has moved on there."""
    cutoff = _epoch(now - SENT_KEPT)
    seqs = [
        int(r[0])
        for r in conn.execute(
            "SELECT seq FROM outbox_sent WHERE acked_at >= ? "
            "AND mutation_id NOT IN (SELECT mutation_id FROM outbox) ORDER BY seq",
            (cutoff,),
        )
    ]
    # The seq it had is free: AUTOINCREMENT never hands out a number twice.
    conn.execute(
        "INSERT INTO outbox(seq, mutation_id, complaint_id, op, payload, base_version, authored_at, actor, "
        "state, created_at) SELECT seq, mutation_id, complaint_id, op, payload, base_version, authored_at, "
        "actor, 'pending', created_at FROM outbox_sent WHERE seq IN (SELECT value FROM json_each(?))",
        (json.dumps(seqs),),
    )
    conn.execute(
        "UPDATE complaints SET pending = "
        "(SELECT count(*) FROM outbox WHERE outbox.complaint_id = complaints.id) "
        "WHERE id IN (SELECT complaint_id FROM outbox_sent WHERE seq IN (SELECT value FROM json_each(?)))",
        (json.dumps(seqs),),
    )
    conn.execute("DELETE FROM outbox_sent")
    return [get(conn, seq) for seq in seqs]


def counts(conn: sqlite3.Connection) -> dict[OutboxState, int]:
    """Rows per state, for the status bar ("N pending, M conflicts")."""
    found = dict(conn.execute("SELECT state, count(*) FROM outbox GROUP BY state").fetchall())
    return {state: int(found.get(state.value, 0)) for state in OutboxState}
