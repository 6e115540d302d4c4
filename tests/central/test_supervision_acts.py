"""POST visibility and POST duplicate: roles, preconditions, idempotency, the feed, duplicates following."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest

from sambat_tui.central.jobs import run_jobs
from tests.central.support import Api, assert_problem


def _post(
    api: Api,
    complaint: dict[str, Any],
    path: str,
    body: dict[str, Any],
    user: str,
    *,
    key: str | None = None,
    if_match: str | None = "auto",
) -> httpx.Response:
    cid = complaint["id"]
    headers = api.headers(user, **{"Idempotency-Key": key or str(uuid.uuid4())})
    if if_match == "auto":
        if_match = f'"v{api.version(cid)}"'
    if if_match is not None:
        headers["If-Match"] = if_match
    return api.client.post(f"/v1/complaints/{cid}/{path}", json=body, headers=headers)


def _visibility(
    api: Api, complaint: dict[str, Any], value: str, user: str = "coordinator", **kw: Any
) -> httpx.Response:
    return _post(api, complaint, "visibility", {"visibility": value, "reason": "Data pribadi"}, user, **kw)


def _link(
    api: Api, complaint: dict[str, Any], original: dict[str, Any] | None, user: str = "coordinator", **kw: Any
) -> httpx.Response:
    body = {"duplicate_of": None if original is None else original["id"], "reason": "Lokasi sama"}
    return _post(api, complaint, "duplicate", body, user, **kw)


def _history(api: Api, complaint: dict[str, Any]) -> dict[str, Any]:
    response = api.get(f"/v1/complaints/{complaint['id']}/history", "coordinator")
    assert response.status_code == 200, response.text
    data: dict[str, Any] = response.json()
    return data


# --- visibility ---


def test_the_coordinator_makes_a_report_secret_with_a_system_update_and_a_feed_upsert(api: Api) -> None:
    complaint = api.new_complaint()
    _, cursor = api.all_changes("operator.dpuprpkp")
    response = _visibility(api, complaint, "rahasia")
    assert response.status_code == 200, response.text
    result = response.json()
    assert result["complaint"]["visibility"] == "rahasia"
    assert result["complaint"]["version"] == complaint["version"] + 1
    assert response.headers["ETag"] == f'"v{complaint["version"] + 1}"'
    [note] = result["updates"]
    assert note["kind"] == "system" and "public" in note["body"] and "Data pribadi" in note["body"]
    changes, _ = api.all_changes("operator.dpuprpkp", cursor)
    kinds = [(c["entity"], c["op"]) for c in changes]
    assert ("complaint", "upsert") in kinds and ("update", "upsert") in kinds
    [upsert] = [c for c in changes if c["entity"] == "complaint"]
    assert upsert["data"]["visibility"] == "rahasia"


@pytest.mark.parametrize("user", ["operator.dpuprpkp", "supervisor.dpuprpkp", "field.dpuprpkp", "auditor"])
def test_only_the_coordinator_sets_visibility(api: Api, user: str) -> None:
    complaint = api.new_complaint()
    assert_problem(_visibility(api, complaint, "anonim", user), 403, "forbidden")
    assert api.complaint(complaint["id"])["visibility"] == "public"


def test_visibility_needs_if_match_and_a_fresh_version(api: Api) -> None:
    complaint = api.new_complaint()
    assert_problem(_visibility(api, complaint, "anonim", if_match=None), 428, "precondition_required")
    stale = _visibility(api, complaint, "anonim", if_match='"v99"')
    body = assert_problem(stale, 412, "version_mismatch")
    assert body["current"]["visibility"] == "public"


def test_a_retried_visibility_change_replays_and_a_reused_key_is_refused(api: Api) -> None:
    complaint = api.new_complaint()
    first = _visibility(api, complaint, "anonim", key="k-vis")
    again = _visibility(api, complaint, "anonim", key="k-vis", if_match='"v1"')
    assert again.status_code == 200 and again.headers.get("Idempotent-Replayed") == "true"
    assert again.json() == first.json()
    assert_problem(_visibility(api, complaint, "rahasia", key="k-vis"), 422, "idempotency_key_reused")
    assert len([u for u in _history(api, complaint)["updates"] if u["kind"] == "system"]) == 1


def test_the_same_visibility_again_changes_nothing(api: Api) -> None:
    complaint = api.new_complaint()
    response = _visibility(api, complaint, "public")
    assert response.status_code == 200
    assert response.json()["complaint"]["version"] == complaint["version"]
    assert response.json()["updates"] == []


def test_a_blank_reason_or_unknown_visibility_is_a_validation_error(api: Api) -> None:
    complaint = api.new_complaint()
    blank = _post(api, complaint, "visibility", {"visibility": "anonim", "reason": "  "}, "coordinator")
    assert_problem(blank, 422, "validation_failed")
    unknown = _post(api, complaint, "visibility", {"visibility": "private", "reason": "x"}, "coordinator")
    assert_problem(unknown, 422, "validation_failed")


# --- duplicates ---


def test_a_supervisor_links_a_duplicate_which_takes_the_original_status(api: Api) -> None:
    original = api.new_complaint()
    api.act(original, "start", "operator.dpuprpkp")
    duplicate = api.new_complaint()
    response = _link(api, duplicate, original, "supervisor.dpuprpkp")
    assert response.status_code == 200, response.text
    result = response.json()
    linked = result["complaint"]
    assert linked["duplicate_of"] == original["id"] and linked["status"] == "in_progress"
    kinds = sorted(u["kind"] for u in result["updates"])
    assert kinds == ["status_change", "system"]
    assert all(original["public_ref"] in u["body"] for u in result["updates"])


def test_duplicates_follow_every_status_change_of_the_original_in_the_same_write(api: Api) -> None:
    original = api.new_complaint()
    first, second = api.new_complaint(), api.new_complaint()
    for duplicate in (first, second):
        assert _link(api, duplicate, original).status_code == 200
    api.act(original, "take", "operator.dpuprpkp")
    api.act(original, "start", "operator.dpuprpkp")
    assert api.complaint(first["id"])["status"] == "in_progress"
    responded = api.update(
        original, "operator.dpuprpkp", "public_response", "Sudah ditambal", status_after="responded"
    )
    assert responded.status_code == 201, responded.text
    for duplicate in (first, second):
        current = api.complaint(duplicate["id"])
        assert current["status"] == "responded"
        follows = [u for u in _history(api, duplicate)["updates"] if u["kind"] == "status_change"]
        assert [u["status_after"] for u in follows] == ["in_progress", "responded"]
        assert all(u["author_id"] == "system" for u in follows)
    api.act(original, "close", "supervisor.dpuprpkp")
    closed = api.complaint(second["id"])
    assert closed["status"] == "closed" and closed["closed_at"] is not None


def test_duplicates_follow_a_close_by_the_periodic_job(api: Api) -> None:
    original, duplicate = api.new_complaint(), api.new_complaint()
    assert _link(api, duplicate, original).status_code == 200
    api.update(original, "operator.dpuprpkp", "public_response", "Selesai", status_after="responded")
    report = run_jobs(api.context, api.clock.advance(days=30))
    assert report.closed == 1
    assert api.complaint(duplicate["id"])["status"] == "closed"


def test_a_dispose_of_the_original_moves_only_its_status_to_the_duplicate(api: Api) -> None:
    original, duplicate = api.new_complaint(), api.new_complaint()
    api.act(original, "start", "operator.dpuprpkp")
    assert _link(api, duplicate, original).status_code == 200
    moved = api.dispose(original, "coordinator", to_agency="dlh").json()["complaint"]
    assert moved["status"] == "assigned"
    follower = api.complaint(duplicate["id"])
    assert (follower["status"], follower["agency_id"]) == ("assigned", "dpuprpkp")


def test_links_never_chain_or_loop(api: Api) -> None:
    a, b, c = api.new_complaint(), api.new_complaint(), api.new_complaint()
    assert _link(api, b, a).status_code == 200
    assert_problem(_link(api, c, b), 422, "validation_failed")  # b is itself a duplicate
    assert_problem(_link(api, a, c), 422, "validation_failed")  # a has duplicates of its own
    assert_problem(_link(api, c, c), 422, "validation_failed")


def test_unlinking_keeps_the_status_and_stops_following(api: Api) -> None:
    original, duplicate = api.new_complaint(), api.new_complaint()
    assert _link(api, duplicate, original).status_code == 200
    response = _link(api, duplicate, None)
    assert response.status_code == 200, response.text
    assert response.json()["complaint"]["duplicate_of"] is None
    api.act(original, "start", "operator.dpuprpkp")
    assert api.complaint(duplicate["id"])["status"] == "assigned"


def test_a_closed_complaint_is_not_linked_and_an_archived_duplicate_stays_archived(api: Api) -> None:
    original, closed, archived = api.new_complaint(), api.new_complaint(), api.new_complaint()
    api.act(closed, "archive", "coordinator", "Iseng")
    assert_problem(_link(api, closed, original), 409, "invalid_transition")
    assert _link(api, archived, original).status_code == 200
    api.act(archived, "archive", "coordinator", "Sama dengan laporan lain")
    api.act(original, "start", "operator.dpuprpkp")
    assert api.complaint(archived["id"])["status"] == "archived"


@pytest.mark.parametrize("user", ["operator.dpuprpkp", "field.dpuprpkp", "auditor"])
def test_desk_roles_and_the_auditor_may_not_link(api: Api, user: str) -> None:
    original, duplicate = api.new_complaint(), api.new_complaint()
    assert_problem(_link(api, duplicate, original, user), 403, "forbidden")


def test_a_supervisor_links_only_inside_their_agency(api: Api) -> None:
    ours = api.new_complaint()
    theirs = api.intake(title="Sampah menumpuk", description="TPS penuh", category_code="SAMPAH").json()
    assert_problem(_link(api, ours, theirs, "supervisor.dpuprpkp"), 422, "validation_failed")
    assert_problem(_link(api, theirs, ours, "supervisor.dpuprpkp"), 404, "not_found")
