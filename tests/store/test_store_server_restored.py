"""What the cache does for a server restored from a backup: acknowledged mutations (``outbox_sent``) sent
again in their old place; the server's copy winning whatever the cached version; the timeline entries the
walk after the restore did not see again dropped at its end."""

from __future__ import annotations

import sqlite3
from datetime import timedelta
from typing import Any

from sambat_tui.store import complaints, outbox, search, timeline
from sambat_tui.store.outbox import SENT_KEPT, OutboxState
from tests.store.factory import NOW, iso, make_complaint, pending_of
from tests.support.cache import sent_count

A, B = make_complaint(1)["id"], make_complaint(2)["id"]


def add(conn: sqlite3.Connection, complaint_id: str, name: str, op: str = "transition") -> outbox.OutboxEntry:
    payload: dict[str, Any] = {"action": "take"} if op == "transition" else {"update_id": f"u-{name}"}
    return outbox.append(
        conn,
        mutation_id=name,
        complaint_id=complaint_id,
        op=op,
        payload=payload,
        base_version=4,
        authored_at=NOW,
        actor="operator.dpuprpkp",
        now=NOW,
    )


def test_an_acknowledged_mutation_is_kept_and_comes_back_in_its_old_place(conn: sqlite3.Connection) -> None:
    first, second = add(conn, A, "a1"), add(conn, A, "a2", op="update")
    outbox.acknowledge(conn, first.seq, NOW)
    outbox.acknowledge(conn, second.seq, NOW + timedelta(minutes=1))
    queued = add(conn, A, "a3")  # made after both were sent, still waiting
    assert sent_count(conn) == 2 and pending_of(conn, A) == 1
    again = outbox.send_again(conn, NOW + timedelta(days=1))
    assert [e.mutation_id for e in again] == ["a1", "a2"]
    assert [e.seq for e in again] == [first.seq, second.seq]
    assert again[1].payload == {"update_id": "u-a2"} and again[1].op == "update"
    assert all(e.state is OutboxState.PENDING and e.attempts == 0 for e in again)
    # The push drains a complaint in seq order: the two sent before the queued one go first.
    assert [e.mutation_id for e in outbox.for_complaint(conn, A)] == ["a1", "a2", "a3"]
    assert queued.seq > second.seq
    assert pending_of(conn, A) == 3
    assert sent_count(conn) == 0
    assert outbox.send_again(conn, NOW + timedelta(days=1)) == []


def test_what_is_older_than_the_keeping_time_is_forgotten(conn: sqlite3.Connection) -> None:
    old, recent = add(conn, A, "old"), add(conn, B, "recent")
    outbox.acknowledge(conn, old.seq, NOW)
    outbox.acknowledge(conn, recent.seq, NOW + SENT_KEPT)  # the old one is SENT_KEPT old now: still kept
    assert sent_count(conn) == 2
    later = add(conn, B, "later")
    outbox.acknowledge(conn, later.seq, NOW + SENT_KEPT + timedelta(seconds=1))
    assert sent_count(conn) == 2  # "old" went
    again = outbox.send_again(conn, NOW + SENT_KEPT + timedelta(seconds=1))
    assert [e.mutation_id for e in again] == ["recent", "later"]
    assert pending_of(conn, A) == 0 and pending_of(conn, B) == 2


def test_send_again_leaves_out_what_its_keeping_time_passed_since(conn: sqlite3.Connection) -> None:
    entry = add(conn, A, "a1")
    outbox.acknowledge(conn, entry.seq, NOW)
    assert outbox.send_again(conn, NOW + SENT_KEPT + timedelta(days=1)) == []
    assert outbox.for_complaint(conn, A) == [] and pending_of(conn, A) == 0


def test_a_discarded_mutation_is_not_kept(conn: sqlite3.Connection) -> None:
    entry = add(conn, A, "a1")
    outbox.remove(conn, entry.seq)
    assert sent_count(conn) == 0
    assert outbox.send_again(conn, NOW) == []


def test_the_server_wins_whatever_the_cached_version_after_a_restore(conn: sqlite3.Connection) -> None:
    newer = make_complaint(1, version=9, title="Versi yang hilang bersama server lama")
    complaints.upsert_many(conn, [newer])
    older = make_complaint(1, version=5, title="Versi dari cadangan")
    assert complaints.upsert_many(conn, [older]).stale == 1
    assert complaints.upsert_many(conn, [older], server_wins=True).written == 1
    cached = complaints.get(conn, A)
    assert cached is not None and cached.version == 5 and cached.data["title"] == "Versi dari cadangan"
    search.check(conn)  # its text is indexed anew
    hits = conn.execute("SELECT rowid FROM complaints_fts WHERE complaints_fts MATCH 'cadangan'").fetchall()
    assert hits == conn.execute("SELECT rid FROM complaints WHERE id = ?", (A,)).fetchall()


def _update(entry_id: str, complaint_id: str) -> dict[str, Any]:
    return {
        "id": entry_id,
        "complaint_id": complaint_id,
        "kind": "internal_note",
        "body": f"catatan {entry_id}",
        "author_id": "operator.dpuprpkp",
        "authored_at": iso(NOW),
        "recorded_at": iso(NOW),
        "status_after": None,
    }


def test_entries_the_walk_did_not_see_again_go_unless_queued_again_or_ours(conn: sqlite3.Connection) -> None:
    timeline.upsert_updates(conn, [_update("kept", A), _update("gone", A), _update("resent", A)])
    timeline.put_local_update(conn, _update("local", A))
    timeline.hold_pending(conn, ["resent"])
    timeline.upsert_updates(conn, [_update("kept", A)])  # the server sent it again in walk 1 ...
    timeline.mark_walked(conn, ["kept"], 1)
    assert timeline.drop_unwalked(conn, 1) == 1  # ... "gone" it did not
    entries = {e.id: e.pending for e in timeline.for_complaint(conn, A)}
    assert entries == {"kept": False, "resent": True, "local": True}
    assert timeline.drop_unwalked(conn, 1) == 0
    timeline.upsert_updates(conn, [_update("resent", A)])  # the server took it again: its copy now
    timeline.mark_walked(conn, ["kept"], 2)
    assert timeline.drop_unwalked(conn, 2) == 1  # "resent" is the server's now, and walk 2 did not see it
    assert {e.id for e in timeline.for_complaint(conn, A)} == {"kept", "local"}
