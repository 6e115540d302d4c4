"""POST dispositions: reassign within an agency, dispose to another; targets checked, reason required."""

from __future__ import annotations

import pytest

from tests.central.support import Api, assert_problem


def test_a_supervisor_disposes_to_another_agency_which_starts_fresh(api: Api) -> None:
    complaint = api.new_complaint(category_code="DRAINASE")
    api.act(complaint, "take", "operator.dpuprpkp")
    api.act(complaint, "start", "operator.dpuprpkp")
    response = api.dispose(complaint, "supervisor.dpuprpkp", to_agency="dlh", to_desk="dlh.kebersihan")
    assert response.status_code == 200, response.text
    result = response.json()
    moved = result["complaint"]
    assert (moved["status"], moved["agency_id"], moved["desk_id"], moved["assignee_id"]) == (
        "assigned",
        "dlh",
        "dlh.kebersihan",
        None,
    )
    [disposition] = result["dispositions"]
    assert disposition["kind"] == "dispose" and disposition["actor_id"] == "supervisor.dpuprpkp"
    assert (disposition["from_agency_id"], disposition["from_desk_id"]) == ("dpuprpkp", "dpuprpkp.drainase")
    assert [u["status_after"] for u in result["updates"]] == ["assigned"]
    # The old agency no longer sees it; the new one does.
    assert_problem(api.get(f"/v1/complaints/{complaint['id']}", "supervisor.dpuprpkp"), 404, "not_found")
    assert api.get(f"/v1/complaints/{complaint['id']}", "operator.dlh").status_code == 200


def test_a_dispose_without_a_desk_uses_the_category_desk_of_the_new_agency(api: Api) -> None:
    complaint = api.intake(title="Sampah menumpuk", description="TPS penuh", category_code="SAMPAH").json()
    api.act(complaint, "return", "operator.dlh", "Lokasi di saluran, urusan PU")
    moved = api.dispose(complaint, "coordinator", to_agency="dpuprpkp").json()["complaint"]
    assert moved["desk_id"] is None  # SAMPAH's usual desk is DLH's
    back = api.dispose(complaint, "coordinator", to_agency="dlh").json()["complaint"]
    assert back["desk_id"] == "dlh.kebersihan"


def test_a_supervisor_reassigns_to_a_person_inside_the_agency(api: Api) -> None:
    complaint = api.new_complaint()
    response = api.dispose(
        complaint, "supervisor.dpuprpkp", "reassign", to_agency="dpuprpkp", to_user="field.dpuprpkp"
    )
    assert response.status_code == 200, response.text
    moved = response.json()["complaint"]
    assert moved["assignee_id"] == "field.dpuprpkp" and moved["desk_id"] == "dpuprpkp.jalan"
    assert moved["status"] == "assigned" and response.json()["updates"] == []
    assert api.get(f"/v1/complaints/{complaint['id']}", "field.dpuprpkp").status_code == 200


def test_the_coordinator_re_disposes_a_returned_complaint(api: Api) -> None:
    complaint = api.new_complaint()
    api.act(complaint, "return", "operator.dpuprpkp", "Bukan wewenang")
    moved = api.dispose(complaint, "coordinator", to_agency="bbpjn", to_desk="bbpjn.rujukan").json()[
        "complaint"
    ]
    assert (moved["status"], moved["agency_id"]) == ("assigned", "bbpjn")


@pytest.mark.parametrize(
    ("user", "kind", "to_agency", "status", "code"),
    [
        ("operator.dpuprpkp", "dispose", "dlh", 403, "forbidden"),
        ("field.dpuprpkp", "reassign", "dpuprpkp", 404, "not_found"),  # not assigned to them: out of scope
        ("supervisor.dpuprpkp", "reassign", "dlh", 403, "forbidden"),
        ("supervisor.dpuprpkp", "dispose", "dpuprpkp", 403, "forbidden"),
        ("supervisor.dlh", "dispose", "dishub", 404, "not_found"),
        ("coordinator", "escalate", "dlh", 403, "forbidden"),
        ("coordinator", "auto_route", "dlh", 403, "forbidden"),
        ("auditor", "dispose", "dlh", 403, "forbidden"),
    ],
)
def test_who_may_dispose_where(
    api: Api, user: str, kind: str, to_agency: str, status: int, code: str
) -> None:
    complaint = api.new_complaint()
    assert_problem(api.dispose(complaint, user, kind, to_agency=to_agency, to_desk=None), status, code)
    assert api.complaint(complaint["id"])["version"] == 1


@pytest.mark.parametrize(
    ("fields", "where"),
    [
        ({"to_agency": "nowhere"}, "to_agency"),
        ({"to_agency": "dlh", "to_desk": "dishub.parkir"}, "to_desk"),
        ({"to_agency": "dlh", "to_user": "operator.dishub"}, "to_user"),
        ({"to_agency": "dlh", "to_user": "nobody"}, "to_user"),
    ],
)
def test_targets_must_exist_and_belong_together(api: Api, fields: dict[str, str], where: str) -> None:
    complaint = api.new_complaint()
    body = assert_problem(api.dispose(complaint, "coordinator", **fields), 422, "validation_failed")
    assert body["errors"][0]["loc"] == ["body", where]


def test_reassign_needs_a_desk_or_a_person(api: Api) -> None:
    complaint = api.new_complaint()
    assert_problem(
        api.dispose(complaint, "supervisor.dpuprpkp", "reassign", to_agency="dpuprpkp"),
        422,
        "validation_failed",
    )


def test_a_reason_is_required(api: Api) -> None:
    complaint = api.new_complaint()
    assert_problem(
        api.dispose(complaint, "coordinator", to_agency="dlh", reason="  "), 422, "validation_failed"
    )


def test_closed_complaints_take_no_disposition(api: Api) -> None:
    complaint = api.new_complaint()
    api.act(complaint, "archive", "coordinator", "Tidak jelas")
    assert_problem(api.dispose(complaint, "coordinator", to_agency="dlh"), 409, "invalid_transition")


def test_dispositions_need_if_match_and_replay_by_key(api: Api) -> None:
    complaint = api.new_complaint()
    url = f"/v1/complaints/{complaint['id']}/dispositions"
    body = {"kind": "dispose", "to_agency": "dlh", "reason": "Sampah, bukan jalan"}
    assert_problem(
        api.client.post(url, json=body, headers=api.headers("coordinator")), 428, "precondition_required"
    )
    headers = api.headers("coordinator", **{"If-Match": '"v1"', "Idempotency-Key": "k-1"})
    first = api.client.post(url, json=body, headers=headers)
    again = api.client.post(url, json=body, headers=headers)
    assert first.status_code == again.status_code == 200 and first.content == again.content
    assert_problem(
        api.client.post(url, json={**body, "to_agency": "dishub"}, headers=headers),
        422,
        "idempotency_key_reused",
    )
    history = api.get(f"/v1/complaints/{complaint['id']}/history", "coordinator").json()
    assert [d["kind"] for d in history["dispositions"]] == ["auto_route", "dispose"]
