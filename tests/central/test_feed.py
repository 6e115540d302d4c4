"""GET /v1/changes: paging, opaque cursors, scope-aware upserts and evicts, compaction and 410."""

from __future__ import annotations

import base64
import uuid
from dataclasses import replace
from datetime import timedelta
from typing import Any

import pytest

from sambat_tui.central.feed import Cursor, encode_cursor
from sambat_tui.contract import ChangePage, CursorExpiredReason
from tests.central.support import START, Api, assert_problem

REFERENCE = {"agency", "desk", "user", "category"}


def _complaint_changes(changes: list[dict[str, Any]], complaint_id: str) -> list[tuple[str, int]]:
    return [
        (c["op"], c["version"]) for c in changes if c["entity"] == "complaint" and c["id"] == complaint_id
    ]


def test_a_bootstrap_gets_reference_data_and_own_complaints_only(api: Api) -> None:
    mine = api.new_complaint(category_code="SAMPAH")
    theirs = api.new_complaint(category_code="PARKIR")
    changes, _ = api.all_changes("operator.dlh")
    assert {c["entity"] for c in changes} == REFERENCE | {"complaint", "disposition"}
    ids = {c["id"] for c in changes if c["entity"] == "complaint"}
    assert ids == {mine["id"]}
    assert theirs["id"] not in {
        c["data"].get("complaint_id") for c in changes if c["entity"] == "disposition"
    }
    everything, _ = api.all_changes("auditor")
    assert {mine["id"], theirs["id"]} <= {c["id"] for c in everything if c["entity"] == "complaint"}


def test_pages_follow_each_other_without_gaps_or_repeats(api: Api) -> None:
    for _ in range(5):
        api.new_complaint()
    whole = api.changes("coordinator", limit=1000)
    assert not whole["has_more"]
    paged, _ = api.all_changes("coordinator", limit=7)
    assert [c["seq"] for c in paged] == [c["seq"] for c in whole["changes"]]
    assert [c["seq"] for c in paged] == sorted({c["seq"] for c in paged})
    ChangePage.model_validate(whole)  # the wire model reads what the server writes


def test_the_final_cursor_resumes_with_only_what_is_new(api: Api) -> None:
    complaint = api.new_complaint()
    _, cursor = api.all_changes("operator.dpuprpkp")
    assert api.changes("operator.dpuprpkp", cursor)["changes"] == []
    api.act(complaint, "take", "operator.dpuprpkp")
    fresh = api.changes("operator.dpuprpkp", cursor)["changes"]
    assert [(c["entity"], c["op"]) for c in fresh] == [("complaint", "upsert"), ("update", "upsert")]
    assert fresh[0]["data"]["assignee_id"] == "operator.dpuprpkp" and fresh[0]["version"] == 2


def test_cursors_are_opaque_url_safe_text(api: Api) -> None:
    page = api.changes("coordinator", limit=3)
    cursor = page["next_cursor"]
    assert isinstance(cursor, str) and not cursor.isdigit()
    assert set(cursor) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")


@pytest.mark.parametrize(
    "cursor",
    [
        "garbage!",
        "12",
        base64.urlsafe_b64encode(b"not.a.cursor").decode(),
        base64.urlsafe_b64encode(b"abc.-5").decode(),
        "\u00e9\u00e9",
        "A" * 201,
    ],
)
def test_a_garbage_cursor_is_a_validation_problem(api: Api, cursor: str) -> None:
    response = api.get("/v1/changes", "coordinator", params={"cursor": cursor})
    assert_problem(response, 422, "validation_failed")


def _expired(api: Api, cursor: Cursor, reason: str) -> dict[str, Any]:
    """The 410 a cursor gets, with its ``reason`` member in the body."""
    response = api.get("/v1/changes", "coordinator", params={"cursor": encode_cursor(cursor)})
    body = assert_problem(response, 410, "cursor_expired")
    assert body["reason"] == reason, body
    return body


def test_a_cursor_from_another_database_is_expired_as_other_database(api: Api) -> None:
    foreign = _expired(api, Cursor("0123456789abcdef", 0, 1), "other_database")
    assert "another database" in foreign["detail"]
    assert CursorExpiredReason.OTHER_DATABASE == "other_database"  # what the client compares with


@pytest.mark.parametrize(
    ("seq_ahead", "generation_ahead"),
    [(100, 0), (1, 0), (0, 1)],
    ids=["far-ahead", "one-ahead", "later-generation"],
)
def test_a_cursor_of_this_database_from_its_future_is_another_database(
    api: Api, seq_ahead: int, generation_ahead: int
) -> None:
    # The database went back in time (a file copied back): this epoch, but past its watermark or of a
    # compaction it has not had. It was a 422 that a desk met on every pull, for ever.
    api.new_complaint()
    with api.context.storage.read() as tx:
        state = tx.feed_state()
    ahead = Cursor(state.epoch, state.generation + generation_ahead, state.watermark + seq_ahead)
    _expired(api, ahead, "other_database")
    at_the_watermark = Cursor(state.epoch, state.generation, state.watermark)
    assert api.changes("coordinator", encode_cursor(at_the_watermark))["changes"] == []


@pytest.mark.parametrize("limit", [0, 1001, -1])
def test_the_page_limit_is_bounded(api: Api, limit: int) -> None:
    assert_problem(api.get("/v1/changes", "coordinator", params={"limit": limit}), 422, "validation_failed")


def test_the_default_page_is_500(api: Api) -> None:
    template = api.context.storage
    first = api.new_complaint()
    with template.read() as tx:
        stored = tx.complaint(first["id"])
    assert stored is not None
    copies = [
        (
            replace(
                stored,
                complaint=stored.complaint.model_copy(update={"id": uuid.uuid4(), "public_ref": f"X-{n}"}),
            ),
            None,
        )
        for n in range(600)
    ]
    with template.write(START) as tx:
        tx.insert_complaints(copies)
    page = api.get("/v1/changes", "coordinator").json()
    assert len(page["changes"]) == 500 and page["has_more"]


def test_a_dispose_evicts_from_the_old_scope_and_brings_the_timeline_to_the_new(api: Api) -> None:
    complaint = api.new_complaint(category_code="DRAINASE")
    cid = complaint["id"]
    api.update(complaint, "operator.dpuprpkp", body="Catatan internal PU")
    _, old_cursor = api.all_changes("operator.dpuprpkp")
    _, new_cursor = api.all_changes("operator.dlh")
    _, sup_cursor = api.all_changes("supervisor.dpuprpkp")

    assert (
        api.dispose(complaint, "supervisor.dpuprpkp", to_agency="dlh", to_desk="dlh.kebersihan").status_code
        == 200
    )

    old = api.changes("operator.dpuprpkp", old_cursor)["changes"]
    assert [(c["entity"], c["op"], c["data"]) for c in old] == [("complaint", "evict", None)]
    assert old[0]["id"] == cid
    sup = api.changes("supervisor.dpuprpkp", sup_cursor)["changes"]
    assert [(c["entity"], c["op"]) for c in sup] == [("complaint", "evict")]

    new = api.changes("operator.dlh", new_cursor)["changes"]
    assert _complaint_changes(new, cid) == [("upsert", 2)]  # the note did not change the complaint
    timeline = {(c["entity"], c["data"]["kind"]) for c in new if c["entity"] in ("update", "disposition")}
    # The new desk gets the whole timeline, written before it had the complaint included.
    assert {
        ("update", "internal_note"),
        ("disposition", "auto_route"),
        ("disposition", "dispose"),
    } <= timeline

    _, moved_cursor = api.all_changes("operator.dpuprpkp", old_cursor)
    assert api.update(complaint, "operator.dlh", body="Catatan DLH").status_code == 201
    assert api.act(complaint, "take", "operator.dlh").status_code == 200
    assert api.changes("operator.dpuprpkp", moved_cursor)["changes"] == []  # the old desk hears no more of it
    assert len(api.changes("operator.dlh", new_cursor)["changes"]) > len(new)


def test_taking_a_complaint_brings_it_to_the_field_officer(api: Api) -> None:
    complaint = api.new_complaint()
    api.update(complaint, "operator.dpuprpkp", body="Untuk petugas lapangan")
    _, cursor = api.all_changes("field.dpuprpkp")
    api.dispose(complaint, "supervisor.dpuprpkp", "reassign", to_agency="dpuprpkp", to_user="field.dpuprpkp")
    new = api.changes("field.dpuprpkp", cursor)["changes"]
    assert _complaint_changes(new, complaint["id"]) == [("upsert", 2)]
    assert "Untuk petugas lapangan" in {c["data"].get("body") for c in new if c["entity"] == "update"}


def test_compaction_drops_superseded_rows_and_expires_older_cursors(api: Api) -> None:
    complaint = api.new_complaint()
    _, early = api.all_changes("operator.dpuprpkp")
    api.act(complaint, "take", "operator.dpuprpkp")
    api.act(complaint, "start", "operator.dpuprpkp")
    _, late = api.all_changes("operator.dpuprpkp")
    before, _ = api.all_changes("coordinator")

    with api.context.storage.write(START + timedelta(days=100)) as tx:
        dropped = tx.compact_feed(START + timedelta(days=1))
    assert dropped == 2  # versions 1 and 2 of the complaint; v3 and the timeline stay

    expired = assert_problem(
        api.get("/v1/changes", "operator.dpuprpkp", params={"cursor": early}), 410, "cursor_expired"
    )
    assert expired["reason"] == CursorExpiredReason.COMPACTED == "compacted"
    assert api.changes("operator.dpuprpkp", late)["changes"] == []
    after, _ = api.all_changes("coordinator")
    assert len(after) == len(before) - 2
    assert _complaint_changes(after, complaint["id"]) == [("upsert", 3)]


def test_compaction_keeps_recent_rows(api: Api) -> None:
    complaint = api.new_complaint()
    api.act(complaint, "take", "operator.dpuprpkp")
    with api.context.storage.write(START) as tx:
        assert tx.compact_feed(START - timedelta(days=1)) == 0
    _, cursor = api.all_changes("coordinator")
    assert api.get("/v1/changes", "coordinator", params={"cursor": cursor}).status_code == 200


class Replica:
    """What a client keeps from the feed: complaints in scope and their timelines; evict drops both."""

    def __init__(self) -> None:
        self.complaints: dict[str, dict[str, Any]] = {}
        self.timeline: dict[str, dict[str, Any]] = {}

    def apply(self, changes: list[dict[str, Any]]) -> None:
        for change in changes:
            if change["entity"] == "complaint":
                if change["op"] == "evict":
                    self.complaints.pop(change["id"], None)
                    self.timeline = {
                        k: v for k, v in self.timeline.items() if v["complaint_id"] != change["id"]
                    }
                else:
                    self.complaints[change["id"]] = change["data"]
            elif change["entity"] in ("update", "disposition"):
                self.timeline[change["id"]] = change["data"]

    def state(self) -> tuple[dict[str, int], set[str]]:
        orphans = {k for k, v in self.timeline.items() if v["complaint_id"] not in self.complaints}
        assert not orphans, f"timeline entries without their complaint: {orphans}"
        return {k: v["version"] for k, v in self.complaints.items()}, set(self.timeline)


def _truth(api: Api, user: str) -> tuple[dict[str, int], set[str]]:
    versions: dict[str, int] = {}
    cursor: str | None = None
    while True:
        params: dict[str, Any] = {"limit": 200, **({"cursor": cursor} if cursor else {})}
        page = api.get("/v1/complaints", user, params=params).json()
        versions.update({c["id"]: c["version"] for c in page["complaints"]})
        if not page["has_more"]:
            break
        cursor = page["next_cursor"]
    entries: set[str] = set()
    for cid in versions:
        history = api.get(f"/v1/complaints/{cid}/history", user).json()
        entries |= {u["id"] for u in history["updates"]} | {d["id"] for d in history["dispositions"]}
    return versions, entries


USERS = (
    "operator.dpuprpkp",
    "field.dpuprpkp",
    "supervisor.dpuprpkp",
    "operator.dlh",
    "supervisor.dlh",
    "coordinator",
)


def test_incremental_and_fresh_replicas_both_equal_the_server(api: Api) -> None:
    replicas = {user: Replica() for user in USERS}
    cursors: dict[str, str | None] = dict.fromkeys(USERS)

    def sync() -> None:
        for user in USERS:
            changes, cursors[user] = api.all_changes(user, cursors[user], limit=13)
            replicas[user].apply(changes)

    def check(label: str) -> None:
        for user in USERS:
            fresh = Replica()
            fresh.apply(api.all_changes(user, limit=17)[0])
            truth = _truth(api, user)
            assert replicas[user].state() == truth, f"{label}: incremental replica of {user}"
            assert fresh.state() == truth, f"{label}: fresh replica of {user}"

    road, drain, trash = (api.new_complaint(category_code=c) for c in ("JALAN_RUSAK", "DRAINASE", "SAMPAH"))
    sync()
    api.update(road, "operator.dpuprpkp", body="Catatan 1")
    api.dispose(road, "supervisor.dpuprpkp", "reassign", to_agency="dpuprpkp", to_user="field.dpuprpkp")
    api.act(road, "start", "field.dpuprpkp")
    api.update(drain, "operator.dpuprpkp", body="Bukan drainase, sampah")
    api.dispose(drain, "supervisor.dpuprpkp", to_agency="dlh", to_desk="dlh.kebersihan")
    sync()
    check("after the first moves")
    api.act(trash, "return", "operator.dlh", "Salah kirim")
    api.dispose(trash, "coordinator", to_agency="dpuprpkp", to_desk="dpuprpkp.upt-utara")
    api.dispose(trash, "supervisor.dpuprpkp", "reassign", to_agency="dpuprpkp", to_desk="dpuprpkp.jalan")
    api.dispose(drain, "supervisor.dlh", to_agency="dpuprpkp", to_desk="dpuprpkp.drainase")
    api.update(drain, "operator.dpuprpkp", body="Kembali lagi")
    sync()
    check("after moves back and forth")
    with api.context.storage.write(START + timedelta(days=200)) as tx:
        assert tx.compact_feed(START + timedelta(days=1)) > 0
    for user in USERS:
        replicas[user], cursors[user] = Replica(), None  # their cursors expired: bootstrap again
    sync()
    check("after compaction")
