"""POST transitions: If-Match (428/412), Idempotency-Key (replay/422), the status machine, the timeline."""

from __future__ import annotations

import uuid

import pytest

from tests.central.support import Api, assert_problem

OP = "operator.dpuprpkp"


def test_take_sets_the_assignee_and_writes_a_status_change(api: Api) -> None:
    complaint = api.new_complaint()
    response = api.act(complaint, "take", OP)
    assert response.status_code == 200, response.text
    result = response.json()
    assert result["complaint"]["assignee_id"] == OP and result["complaint"]["version"] == 2
    assert response.headers["etag"] == '"v2"'
    [update] = result["updates"]
    assert update["kind"] == "status_change" and update["status_after"] == "assigned"
    assert update["author_id"] == OP


def test_a_missing_if_match_is_428(api: Api) -> None:
    complaint = api.new_complaint()
    body = assert_problem(api.act(complaint, "start", OP, if_match=None), 428, "precondition_required")
    assert '"v1"' in body["detail"]
    assert api.complaint(complaint["id"])["status"] == "assigned"


def test_a_stale_if_match_is_412_with_the_current_complaint(api: Api) -> None:
    complaint = api.new_complaint()
    assert api.act(complaint, "take", OP, version=1).status_code == 200
    response = api.act(complaint, "start", OP, version=1)
    body = assert_problem(response, 412, "version_mismatch")
    assert body["current"]["version"] == 2 and body["current"]["assignee_id"] == OP
    assert body["current"]["sla"]["class"] == "normatif"
    assert response.headers["etag"] == '"v2"'


@pytest.mark.parametrize("header", ['W/"v1"', '"v9", "v1"', "*"])
def test_if_match_accepts_weak_lists_and_star(api: Api, header: str) -> None:
    complaint = api.new_complaint()
    assert api.act(complaint, "start", OP, if_match=header).status_code == 200


def test_the_same_key_and_payload_replays_the_first_answer(api: Api) -> None:
    complaint = api.new_complaint()
    key = str(uuid.uuid4())
    first = api.act(complaint, "start", OP, version=1, key=key)
    # The retry still carries the old version: a committed-then-timed-out request must not become a 412.
    retry = api.act(complaint, "start", OP, version=1, key=key)
    assert retry.status_code == 200 and retry.content == first.content
    assert retry.headers["etag"] == '"v2"' and retry.headers["idempotent-replayed"] == "true"
    history = api.get(f"/v1/complaints/{complaint['id']}/history", OP).json()
    assert [u["status_after"] for u in history["updates"]] == ["in_progress"]


def test_the_same_key_with_another_payload_is_422(api: Api) -> None:
    complaint = api.new_complaint()
    key = str(uuid.uuid4())
    assert api.act(complaint, "start", OP, key=key).status_code == 200
    assert_problem(api.act(complaint, "hold", OP, key=key), 422, "idempotency_key_reused")


def test_keys_belong_to_their_user(api: Api) -> None:
    complaint = api.new_complaint()
    key = str(uuid.uuid4())
    assert api.act(complaint, "take", OP, key=key).status_code == 200
    other = api.act(complaint, "take", "supervisor.dpuprpkp", key=key)
    assert other.status_code == 200 and other.json()["complaint"]["assignee_id"] == "supervisor.dpuprpkp"


def test_a_refusal_is_not_remembered_under_the_key(api: Api) -> None:
    complaint = api.new_complaint()
    key = str(uuid.uuid4())
    assert_problem(api.act(complaint, "start", OP, version=7, key=key), 412, "version_mismatch")
    assert api.act(complaint, "start", OP, version=1, key=key).status_code == 200


def test_an_invalid_key_is_a_validation_problem(api: Api) -> None:
    complaint = api.new_complaint()
    assert_problem(api.act(complaint, "start", OP, key="x" * 201), 422, "validation_failed")


def test_the_status_machine_is_enforced(api: Api) -> None:
    complaint = api.new_complaint()
    assert_problem(api.act(complaint, "resume", OP), 409, "invalid_transition")
    assert_problem(api.act(complaint, "archive", OP, "spam"), 403, "forbidden")
    assert_problem(api.act(complaint, "reopen", "coordinator"), 403, "forbidden")
    assert_problem(api.act(complaint, "start", "auditor"), 403, "forbidden")


def test_respond_goes_through_the_updates_endpoint(api: Api) -> None:
    complaint = api.new_complaint()
    body = assert_problem(api.act(complaint, "respond", OP), 422, "validation_failed")
    assert "updates" in body["detail"]


def test_return_needs_a_reason_and_writes_a_return_disposition(api: Api) -> None:
    complaint = api.new_complaint()
    assert_problem(api.act(complaint, "return", OP), 422, "validation_failed")
    response = api.act(complaint, "return", OP, "Jalan provinsi, bukan kewenangan kota")
    assert response.status_code == 200, response.text
    result = response.json()
    assert result["complaint"]["status"] == "returned"
    [back] = result["dispositions"]
    assert back["kind"] == "return" and back["from_agency_id"] == "dpuprpkp"
    assert back["to_agency_id"] == "diskominfo" and back["actor_id"] == OP
    assert back["reason"] == "Jalan provinsi, bukan kewenangan kota"
    assert result["updates"][0]["body"] == "Jalan provinsi, bukan kewenangan kota"


def test_close_and_archive_set_closed_at(api: Api) -> None:
    one, two = api.new_complaint(), api.new_complaint()
    assert api.act(one, "start", OP).status_code == 200
    closed = api.act(one, "close", "supervisor.dpuprpkp").json()["complaint"]
    assert closed["status"] == "closed" and closed["closed_at"] == closed["updated_at"]
    archived = api.act(two, "archive", "coordinator", "Duplikat MLG-2026-000001").json()["complaint"]
    assert archived["status"] == "archived" and archived["closed_at"] is not None


def test_verify_needs_an_agency(api: Api) -> None:
    unrouted = api.intake(title="Halo admin", description="Terima kasih atas pelayanannya selama ini.").json()
    body = assert_problem(api.act(unrouted, "verify", "coordinator"), 409, "invalid_transition")
    assert "dispose" in body["detail"]
