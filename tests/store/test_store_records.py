"""Timeline, reference tables, sync state and quarantine."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from sambat_tui.domain.model import AgencyKind
from sambat_tui.domain.reference import load_reference
from sambat_tui.store import quarantine, reference, sync_state, timeline
from sambat_tui.store.complaints import BadRecord
from sambat_tui.store.db import Store
from sambat_tui.store.reference import RefEntity
from sambat_tui.store.timeline import EntryType
from tests.store.factory import NOW, iso

CID = "11111111-1111-1111-1111-111111111111"


def update(uid: str, kind: str, minutes: int, **extra: Any) -> dict[str, Any]:
    return {
        "id": uid,
        "complaint_id": CID,
        "kind": kind,
        "body": f"body {uid}",
        "status_after": None,
        "author_id": "operator.dpuprpkp",
        # The author's clock runs ahead: it must not order anything.
        "authored_at": iso(NOW + timedelta(minutes=minutes, hours=5)),
        "recorded_at": iso(NOW + timedelta(minutes=minutes)),
        **extra,
    }


def disposition(did: str, minutes: int) -> dict[str, Any]:
    return {
        "id": did,
        "complaint_id": CID,
        "kind": "dispose",
        "from_agency_id": "diskominfo",
        "from_desk_id": None,
        "to_agency_id": "dpuprpkp",
        "to_desk_id": "dpuprpkp.jalan",
        "to_user_id": None,
        "reason": "wewenang PU",
        "actor_id": "coordinator",
        "rule_id": None,
        "matched": [],
        "created_at": iso(NOW + timedelta(minutes=minutes)),
    }


def test_timeline_is_in_recorded_order_with_public_marks(store: Store) -> None:
    with store.transaction() as conn:
        timeline.upsert_updates(conn, [update("u3", "internal_note", 30), update("u1", "citizen_reply", 10)])
        timeline.upsert_dispositions(conn, [disposition("d2", 20)])
        items = timeline.for_complaint(conn, CID)
        public = timeline.for_complaint(conn, CID, public_only=True)
        first_two = timeline.for_complaint(conn, CID, limit=2)
    assert [(i.id, i.entry, i.kind, i.public) for i in items] == [
        ("u1", EntryType.UPDATE, "citizen_reply", True),
        ("d2", EntryType.DISPOSITION, "dispose", False),
        ("u3", EntryType.UPDATE, "internal_note", False),
    ]
    assert items[0].at == NOW + timedelta(minutes=10)
    assert items[1].data["reason"] == "wewenang PU"
    assert [i.id for i in public] == ["u1"] and [i.id for i in first_two] == ["u1", "d2"]


def test_a_local_update_is_pending_until_the_server_copy_arrives(store: Store) -> None:
    local = update("u9", "public_response", 0)
    del local["recorded_at"]
    with store.transaction() as conn:
        timeline.upsert_updates(conn, [update("u1", "status_change", 60)])
        timeline.put_local_update(conn, local)
        before = timeline.for_complaint(conn, CID)
        timeline.upsert_updates(conn, [update("u9", "public_response", 90)])
        timeline.put_local_update(conn, local)  # a late local write never hides the server's copy
        after = timeline.for_complaint(conn, CID)
        assert timeline.delete(conn, "u1") and not timeline.delete(conn, "u1")
    assert [(i.id, i.pending) for i in before] == [("u1", False), ("u9", True)]  # ordered by authored_at
    assert [(i.id, i.pending) for i in after] == [("u1", False), ("u9", False)]
    with pytest.raises(BadRecord):
        timeline.update_row({"id": "x", "complaint_id": CID, "kind": "internal_note"}, pending=True)


def test_bad_timeline_records_are_quarantined(store: Store) -> None:
    with store.transaction() as conn:
        result = timeline.upsert_updates(
            conn,
            [
                update("ok", "internal_note", 1),
                update("bad", "gossip", 2),
                update("naive", "system", 3, recorded_at="2026-03-10T10:00"),
            ],
        )
        bad = timeline.upsert_dispositions(conn, [{**disposition("d", 1), "body": "\ud800"}])
        reasons = sorted(q.reason for q in quarantine.list_recent(conn))
    assert (result.written, result.quarantined, bad.quarantined) == (1, 2, 1)
    assert any("gossip" in r for r in reasons) and any("offset" in r for r in reasons)


def test_reference_tables_from_the_feed_with_versions(store: Store) -> None:
    agency = {
        "id": "dishub",
        "name": "Dinas Perhubungan",
        "short_name": "Dishub",
        "kind": "opd",
        "active": True,
    }
    with store.transaction() as conn:
        reference.upsert_many(conn, RefEntity.AGENCY, [agency], version=3)
        reference.upsert_many(conn, RefEntity.AGENCY, [{**agency, "name": "old"}], version=2)
        result = reference.upsert_many(
            conn,
            RefEntity.DESK,
            [{"id": "dishub.lalin", "agency_id": "dishub", "name": "Lalu lintas"}, {"id": "x"}],
            version=1,
        )
        reference.upsert_many(
            conn,
            RefEntity.USER,
            [
                {
                    "id": "operator.dishub",
                    "name": "Op",
                    "agency_id": "dishub",
                    "desk_ids": ["dishub.lalin"],
                    "roles": ["operator"],
                    "lang": "id",
                }
            ],
            version=1,
        )
        assert reference.get(conn, RefEntity.AGENCY, "dishub") == agency
        assert reference.agencies(conn)[0].kind is AgencyKind.OPD
        assert [d.id for d in reference.desks(conn, "dishub")] == ["dishub.lalin"]
        assert reference.get(conn, RefEntity.USER, "operator.dishub")["roles"] == ["operator"]  # type: ignore[index]
        assert reference.get(conn, RefEntity.DESK, "nope") is None
    assert (result.written, result.quarantined) == (1, 1)


def test_seeded_reference_yields_to_the_server(store: Store) -> None:
    shipped = load_reference()
    with store.transaction() as conn:
        reference.seed(conn, shipped)
        assert len(reference.categories(conn)) == len(shipped.categories)
        assert len(reference.list_all(conn, RefEntity.DESK)) == len(shipped.desks)
        code = shipped.categories[0].code
        server = {**reference.get(conn, RefEntity.CATEGORY, code), "name": "Nama dari server"}  # type: ignore[dict-item]
        reference.upsert_many(conn, RefEntity.CATEGORY, [server], version=5)
        reference.seed(conn, shipped)  # a second seed does not undo the server's row
        assert reference.get(conn, RefEntity.CATEGORY, code)["name"] == "Nama dari server"  # type: ignore[index]


def test_sync_state_round_trips(store: Store) -> None:
    moment = datetime(2026, 3, 10, 10, 0, tzinfo=UTC)
    with store.transaction() as conn:
        assert sync_state.cursor(conn) is None and sync_state.last_sync_at(conn) is None
        sync_state.set_cursor(conn, "c-42")
        sync_state.set_last_sync_at(conn, moment)
        sync_state.set_server_url(conn, "http://127.0.0.1:8000")
        sync_state.set_user_id(conn, "operator.dishub")
        sync_state.put_json(
            conn, sync_state.SyncKey.ME, {"user": {"id": "operator.dishub"}, "roles": ["operator"]}
        )
        with pytest.raises(ValueError):
            sync_state.set_last_sync_at(conn, moment.replace(tzinfo=None))
    with store.read() as conn:
        assert sync_state.cursor(conn) == "c-42"
        assert sync_state.last_sync_at(conn) == moment
        assert sync_state.server_url(conn) == "http://127.0.0.1:8000"
        assert sync_state.user_id(conn) == "operator.dishub"
        assert sync_state.get_json(conn, sync_state.SyncKey.ME)["roles"] == ["operator"]
    with store.transaction() as conn:
        sync_state.clear_cursor(conn)
        assert sync_state.cursor(conn) is None


def test_quarantine_keeps_anything(store: Store) -> None:
    with store.transaction() as conn:
        first = quarantine.put(
            conn, {"title": "\ud800"}, "lone surrogate", entity="complaint", record_id="c\udc80"
        )
        second = quarantine.put(conn, b"\xff\xfe not utf-8", "invalid UTF-8", at=NOW)
        records = quarantine.list_recent(conn)
        assert quarantine.count(conn) == 2
        assert quarantine.delete(conn, first) and not quarantine.delete(conn, first)
    assert [r.id for r in records] == [second, first]
    assert records[0].raw == b"\xff\xfe not utf-8" and records[0].at == NOW
    assert records[1].raw == {"title": "\ud800"}
    assert records[1].record_id == "c\\udc80"
    assert json.dumps(records[1].raw)
