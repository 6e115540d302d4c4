"""The outbox: local order, per-complaint heads, states, retries, pending counts on complaints."""

from __future__ import annotations

import sqlite3
from datetime import timedelta
from typing import Any

import pytest

from sambat_tui.store import outbox
from sambat_tui.store.outbox import OutboxError, OutboxState
from tests.store.factory import NOW, make_complaint, pending_of

A, B = make_complaint(1)["id"], make_complaint(2)["id"]


def add(conn: sqlite3.Connection, complaint_id: str, name: str, **payload: Any) -> outbox.OutboxEntry:
    return outbox.append(
        conn,
        mutation_id=name,
        complaint_id=complaint_id,
        op="transition",
        payload=payload or {"action": "take"},
        base_version=4,
        authored_at=NOW + timedelta(hours=7),
        actor="operator.dpuprpkp",
        now=NOW,
    )


def test_append_keeps_what_was_queued(conn: sqlite3.Connection) -> None:
    entry = add(conn, A, "m1", action="hold", reason="menunggu material")
    assert entry == outbox.get(conn, entry.seq) == outbox.find(conn, "m1")
    assert (entry.op, entry.payload, entry.base_version, entry.actor) == (
        "transition",
        {"action": "hold", "reason": "menunggu material"},
        4,
        "operator.dpuprpkp",
    )
    assert entry.authored_at == NOW + timedelta(hours=7) and entry.created_at == NOW
    assert (entry.state, entry.attempts, entry.next_attempt_at) == (OutboxState.PENDING, 0, None)
    assert pending_of(conn, A) == 1
    with pytest.raises(sqlite3.IntegrityError):
        add(conn, B, "m1")


def test_seq_is_local_order_and_never_reused(conn: sqlite3.Connection) -> None:
    first = add(conn, A, "m1")
    outbox.remove(conn, first.seq)
    second = add(conn, A, "m2")
    assert second.seq > first.seq


def test_ready_sends_one_head_per_complaint_in_local_order(conn: sqlite3.Connection) -> None:
    a1, b1, a2 = add(conn, A, "a1"), add(conn, B, "b1"), add(conn, A, "a2")
    assert [e.mutation_id for e in outbox.ready(conn, NOW)] == ["a1", "b1"]
    outbox.mark_sending(conn, a1.seq)
    assert [e.mutation_id for e in outbox.ready(conn, NOW)] == ["b1"]
    outbox.remove(conn, a1.seq)  # acknowledged
    assert [e.mutation_id for e in outbox.ready(conn, NOW)] == ["b1", "a2"]
    failed = outbox.mark_failed(
        conn, outbox.mark_sending(conn, b1.seq).seq, "timeout", NOW + timedelta(seconds=30)
    )
    assert failed.attempts == 1 and failed.last_error == "timeout"
    assert [e.mutation_id for e in outbox.ready(conn, NOW)] == ["a2"]
    assert [e.mutation_id for e in outbox.ready(conn, NOW + timedelta(seconds=30))] == ["b1", "a2"]
    outbox.mark_conflict(conn, a2.seq, "Laporan sudah ditutup")
    later = add(conn, A, "a3")
    # A conflict blocks what was queued after it for the same complaint.
    assert [e.mutation_id for e in outbox.ready(conn, NOW + timedelta(minutes=1))] == ["b1"]
    assert later.seq > a2.seq


def test_conflict_requeue_and_edit(conn: sqlite3.Connection) -> None:
    entry = add(conn, A, "m1")
    conflict = outbox.mark_conflict(conn, outbox.mark_sending(conn, entry.seq).seq, "version_mismatch", "412")
    assert (conflict.state, conflict.server_reason, conflict.last_error) == (
        OutboxState.CONFLICT,
        "version_mismatch",
        "412",
    )
    edited = outbox.requeue(conn, entry.seq, payload={"action": "start"}, base_version=9)
    assert (edited.state, edited.payload, edited.base_version) == (
        OutboxState.PENDING,
        {"action": "start"},
        9,
    )
    retried = outbox.requeue(conn, entry.seq)
    assert retried.payload == {"action": "start"} and retried.base_version == 9


def test_crash_while_sending_goes_back_to_pending(conn: sqlite3.Connection) -> None:
    entry = add(conn, A, "m1")
    outbox.mark_sending(conn, entry.seq)
    assert outbox.reset_sending(conn) == 1
    assert outbox.get(conn, entry.seq).state is OutboxState.PENDING


def test_remove_counts_down_and_unknown_rows_are_errors(conn: sqlite3.Connection) -> None:
    first, second = add(conn, A, "m1"), add(conn, A, "m2")
    assert pending_of(conn, A) == 2
    assert outbox.remove(conn, first.seq).mutation_id == "m1"
    assert pending_of(conn, A) == 1
    outbox.remove(conn, second.seq)
    assert pending_of(conn, A) == 0
    for call in (
        lambda: outbox.get(conn, 999),
        lambda: outbox.remove(conn, 999),
        lambda: outbox.mark_sending(conn, 999),
    ):
        with pytest.raises(OutboxError):
            call()
    assert outbox.find(conn, "nope") is None


def test_listing_and_counts(conn: sqlite3.Connection) -> None:
    entries = [add(conn, A if i % 2 else B, f"m{i}") for i in range(5)]
    outbox.mark_conflict(conn, entries[1].seq, "forbidden")
    outbox.mark_sending(conn, entries[2].seq)
    assert outbox.counts(conn) == {
        OutboxState.PENDING: 3,
        OutboxState.SENDING: 1,
        OutboxState.FAILED: 0,
        OutboxState.CONFLICT: 1,
    }
    assert [e.mutation_id for e in outbox.list_entries(conn, limit=2)] == ["m0", "m1"]
    assert [e.mutation_id for e in outbox.list_entries(conn, after_seq=entries[1].seq)] == ["m2", "m3", "m4"]
    only_conflicts = outbox.list_entries(conn, states=frozenset({OutboxState.CONFLICT}))
    assert [e.mutation_id for e in only_conflicts] == ["m1"]
    assert [e.mutation_id for e in outbox.for_complaint(conn, A)] == ["m1", "m3"]


def test_naive_times_are_refused(conn: sqlite3.Connection) -> None:
    with pytest.raises(ValueError):
        outbox.append(
            conn,
            mutation_id="m",
            complaint_id=A,
            op="transition",
            payload={},
            base_version=1,
            authored_at=NOW.replace(tzinfo=None),
            actor="x",
        )
    entry = add(conn, A, "m1")
    with pytest.raises(ValueError):
        outbox.mark_failed(conn, entry.seq, "x", NOW.replace(tzinfo=None))
