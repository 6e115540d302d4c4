"""Writing complaints from the feed: versions, pending counts, quarantine, local changes, eviction."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from sambat_tui.domain.model import Status
from sambat_tui.store import complaints, outbox, quarantine, search, timeline
from sambat_tui.store.complaints import NO_DUE, BadRecord, active_deadline
from sambat_tui.store.db import Store
from sambat_tui.store.outbox import OutboxState
from tests.store.factory import NOW, deadline, iso, make_complaint


def queue(conn: Any, complaint_id: str, n: int) -> outbox.OutboxEntry:
    return outbox.append(
        conn,
        mutation_id=f"m-{complaint_id}-{n}",
        complaint_id=complaint_id,
        op="transition",
        payload={"action": "take"},
        base_version=1,
        authored_at=NOW,
        actor="operator.dpuprpkp",
        now=NOW,
    )


def test_insert_replace_and_stale_versions(store: Store) -> None:
    first = make_complaint(1, title="Lampu mati")
    with store.transaction() as conn:
        assert complaints.upsert_many(conn, [first]) == complaints.UpsertResult(written=1)
        newer = {**first, "version": 3, "title": "Lampu mati total", "status": "in_progress"}
        assert complaints.upsert_many(conn, [newer]).written == 1
        older = {**first, "version": 2, "title": "stale"}
        assert complaints.upsert_many(conn, [older]) == complaints.UpsertResult(stale=1)
        cached = complaints.get(conn, first["id"])
    assert cached is not None
    assert (cached.version, cached.data["title"], cached.status) == (
        3,
        "Lampu mati total",
        Status.IN_PROGRESS,
    )
    assert cached.data == newer  # the wire object, as delivered


def test_the_same_id_twice_in_one_batch_keeps_the_newest(store: Store) -> None:
    base = make_complaint(1)
    with store.transaction() as conn:
        result = complaints.upsert_many(
            conn, [{**base, "version": 2, "title": "two"}, {**base, "title": "one"}]
        )
        cached = complaints.get(conn, base["id"])
    assert result.written == 1
    assert cached is not None and cached.data["title"] == "two"


def test_batches_stream_in_chunks(store: Store) -> None:
    produced: list[int] = []

    def feed() -> Any:
        for n in range(23):
            produced.append(n)
            yield make_complaint(n)

    with store.transaction() as conn:
        result = complaints.upsert_many(conn, feed(), chunk_size=5)
        assert complaints.total(conn) == 23
    assert result.written == 23 and produced == list(range(23))


@pytest.mark.parametrize(
    ("bad", "reason"),
    [
        ({"title": "lone \ud800 surrogate"}, "UTF-8"),
        ({"description": "nul \x00 inside"}, "NUL"),
        ({"status": "teleported"}, "status"),
        ({"version": "7"}, "version"),
        ({"version": True}, "version"),
        ({"created_at": "2026-03-10T10:00:00"}, "offset"),
        ({"created_at": "yesterday"}, "RFC 3339"),
        ({"sla": None}, "sla"),
        ({"location": "Klojen"}, "location"),
        ({"title": None}, "title"),
    ],
)
def test_a_bad_record_is_quarantined_and_the_batch_goes_on(
    store: Store, bad: dict[str, Any], reason: str
) -> None:
    good = [make_complaint(1), make_complaint(3)]
    broken = make_complaint(2, **bad)
    with store.transaction() as conn:
        result = complaints.upsert_many(conn, [good[0], broken, good[1]])
        (kept,) = quarantine.list_recent(conn)
        assert complaints.get(conn, broken["id"]) is None
        assert complaints.total(conn) == 2
    assert result == complaints.UpsertResult(written=2, quarantined=1)
    assert reason in kept.reason
    assert kept.entity == "complaint" and kept.record_id == broken["id"]


def test_non_objects_are_quarantined(store: Store) -> None:
    with store.transaction() as conn:
        result = complaints.upsert_many(conn, ["not a complaint", make_complaint(1)])  # type: ignore[list-item]
        (kept,) = quarantine.list_recent(conn)
    assert result.quarantined == 1 and kept.raw == "not a complaint"


def test_active_deadline_follows_the_status() -> None:
    dues = {"verify_due": 1, "response_due": 2, "resolve_due": 3}
    assert active_deadline(Status.RECEIVED, **dues, first_response_at=None) == 1
    assert active_deadline(Status.RETURNED, **dues, first_response_at=None) == 1
    for status in (Status.ASSIGNED, Status.IN_PROGRESS, Status.ON_HOLD):
        assert active_deadline(status, **dues, first_response_at=None) == 2
        assert active_deadline(status, **dues, first_response_at=9) == 3
    for status in (Status.RESPONDED, Status.CLOSED, Status.ARCHIVED):
        assert active_deadline(status, **dues, first_response_at=None) is None


def test_due_columns_are_epoch_seconds(store: Store) -> None:
    item = make_complaint(1, status="received")
    closed = make_complaint(2, status="closed", closed_at=iso(NOW))
    with store.transaction() as conn:
        complaints.upsert_many(conn, [item, closed])
        rows = dict(conn.execute("SELECT id, due_at FROM complaints").fetchall())
        verify = conn.execute("SELECT verify_due FROM complaints WHERE id = ?", (item["id"],)).fetchone()[0]
    assert rows[item["id"]] == verify == int(deadline(1).timestamp())
    assert rows[closed["id"]] == NO_DUE


def test_pending_is_kept_by_upserts_and_counted_for_new_rows(store: Store) -> None:
    item = make_complaint(1)
    with store.transaction() as conn:
        queue(conn, item["id"], 1)  # queued before the complaint is (again) cached
        complaints.upsert_many(conn, [item])
        assert complaints.get(conn, item["id"]).pending == 1  # type: ignore[union-attr]
        queue(conn, item["id"], 2)
        complaints.upsert_many(conn, [{**item, "version": 2}])
        assert complaints.get(conn, item["id"]).pending == 2  # type: ignore[union-attr]
        outbox.remove(conn, outbox.for_complaint(conn, item["id"])[0].seq)
        assert complaints.get(conn, item["id"]).pending == 1  # type: ignore[union-attr]
        conn.execute("UPDATE complaints SET pending = 9")
        assert complaints.recount_pending(conn) == 1
        assert complaints.get(conn, item["id"]).pending == 1  # type: ignore[union-attr]


def test_patch_local_changes_the_row_and_its_columns(store: Store) -> None:
    item = make_complaint(1, status="assigned")
    with store.transaction() as conn:
        complaints.upsert_many(conn, [item])
        changed = complaints.patch_local(conn, item["id"], {"status": "in_progress", "assignee_id": "me"})
        row = conn.execute(
            "SELECT status, assignee_id FROM complaints WHERE id = ?", (item["id"],)
        ).fetchone()
        with pytest.raises(KeyError):
            complaints.patch_local(conn, "nope", {"status": "closed"})
        with pytest.raises(BadRecord):
            complaints.patch_local(conn, item["id"], {"status": "nonsense"})
    assert changed.status is Status.IN_PROGRESS and changed.version == item["version"]
    assert tuple(row) == ("in_progress", "me")


def test_local_title_change_is_searchable_and_the_index_stays_consistent(store: Store) -> None:
    item = make_complaint(1, title="Lampu mati")
    with store.transaction() as conn:
        complaints.upsert_many(conn, [item])
        complaints.put_local(conn, {**item, "title": "Trotoar ambles"})
        search.check(conn)
        hits = conn.execute(
            "SELECT rowid FROM complaints_fts WHERE complaints_fts MATCH 'trotoar'"
        ).fetchall()
        gone = conn.execute("SELECT rowid FROM complaints_fts WHERE complaints_fts MATCH 'lampu'").fetchall()
    assert len(hits) == 1 and gone == []


def test_evict_drops_row_timeline_and_text_and_returns_queued_mutations(store: Store) -> None:
    item, other = make_complaint(1, title="Banjir"), make_complaint(2, title="Banjir juga")
    update = {
        "id": "u1",
        "complaint_id": item["id"],
        "kind": "internal_note",
        "body": "cek",
        "status_after": None,
        "author_id": "x",
        "authored_at": iso(NOW),
        "recorded_at": iso(NOW),
    }
    with store.transaction() as conn:
        complaints.upsert_many(conn, [item, other])
        timeline.upsert_updates(conn, [update])
        pending = queue(conn, item["id"], 1)
        sending = outbox.mark_sending(conn, queue(conn, item["id"], 2).seq)
        conflict = outbox.mark_conflict(conn, queue(conn, item["id"], 3).seq, "already closed")
        returned = complaints.evict(conn, item["id"])
        assert complaints.get(conn, item["id"]) is None
        assert timeline.for_complaint(conn, item["id"]) == []
        hits = conn.execute("SELECT rowid FROM complaints_fts WHERE complaints_fts MATCH 'banjir'").fetchall()
        search.check(conn)
        # The outbox keeps every row: queued ones are the sync's to turn into conflicts.
        assert [e.seq for e in outbox.for_complaint(conn, item["id"])] == [
            pending.seq,
            sending.seq,
            conflict.seq,
        ]
        assert complaints.evict(conn, "unknown") == []
    assert [(e.seq, e.state) for e in returned] == [
        (pending.seq, OutboxState.PENDING),
        (sending.seq, OutboxState.SENDING),
    ]
    assert len(hits) == 1


def test_tiebreak_repeats_rid_for_every_way_a_row_arrives(store: Store) -> None:
    with store.transaction() as conn:
        complaints.upsert_many(conn, [make_complaint(n) for n in range(5)], chunk_size=2)
        complaints.evict(conn, make_complaint(4)["id"])
        complaints.upsert_many(conn, [make_complaint(7), {**make_complaint(1), "version": 2}])
        complaints.put_local(conn, make_complaint(9))
        complaints.put_local(conn, {**make_complaint(2), "title": "diubah"})
        rows = conn.execute("SELECT rid, tiebreak FROM complaints ORDER BY rid").fetchall()
    assert len(rows) == 6 and len({rid for rid, _ in rows}) == 6
    assert all(rid == tiebreak for rid, tiebreak in rows)


def test_get_by_ref_and_versions(store: Store) -> None:
    items = [make_complaint(n, version=n + 1) for n in range(3)]
    with store.transaction() as conn:
        complaints.upsert_many(conn, items)
        found = complaints.get_by_ref(conn, "MLG-2026-000002")
        assert complaints.get_by_ref(conn, "MLG-2026-999999") is None
        assert complaints.versions(conn, [items[0]["id"], items[2]["id"], "zzz"]) == {
            items[0]["id"]: 1,
            items[2]["id"]: 3,
        }
    assert found is not None and found.id == items[2]["id"]
    assert found.due_at == datetime.fromtimestamp(int(deadline(2).timestamp()), UTC)
