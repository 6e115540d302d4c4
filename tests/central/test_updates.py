"""PUT updates/{update_id}: notes, public responses (with the respond transition), citizen replies."""

from __future__ import annotations

import uuid
from datetime import datetime

import pytest

from sambat_tui.domain.calendar import WorkingCalendar
from sambat_tui.domain.sla import SlaPolicy, reply_due_after
from tests.central.support import START, Api, assert_problem

OP = "operator.dpuprpkp"


def test_a_note_is_appended_without_touching_the_complaint(api: Api) -> None:
    complaint = api.new_complaint()
    response = api.update(complaint, OP, body="Cek lokasi besok pagi")
    assert response.status_code == 201, response.text
    result = response.json()
    assert result["complaint"]["version"] == 1
    [note] = result["updates"]
    assert note["kind"] == "internal_note" and note["author_id"] == OP
    assert note["authored_at"] == "2026-02-02T02:30:00Z"  # the author's clock, shown
    assert note["recorded_at"] == "2026-02-02T02:00:00Z"  # the server's clock, orders


def test_respond_applies_the_transition_and_opens_the_reply_window(
    api: Api, calendar: WorkingCalendar, policy: SlaPolicy
) -> None:
    complaint = api.new_complaint()
    response = api.update(complaint, OP, "public_response", "Sudah ditambal.", status_after="responded")
    assert response.status_code == 201, response.text
    result = response.json()
    after = result["complaint"]
    assert after["status"] == "responded" and after["version"] == 2
    assert after["first_response_at"] == "2026-02-02T02:00:00Z"
    assert datetime.fromisoformat(after["sla"]["reply_due"]) == reply_due_after(START, calendar, policy)
    assert [(u["kind"], u["status_after"]) for u in result["updates"]] == [
        ("public_response", "responded"),
        ("status_change", "responded"),
    ]
    assert response.headers["etag"] == '"v2"'


def test_respond_from_a_wrong_status_writes_nothing(api: Api) -> None:
    complaint = api.new_complaint()
    uid = str(uuid.uuid4())
    api.act(complaint, "archive", "coordinator", "Spam")
    assert_problem(
        api.update(complaint, OP, "public_response", "x", update_id=uid, status_after="responded"),
        409,
        "invalid_transition",
    )
    assert_problem(
        api.update(complaint, "coordinator", "public_response", "x", update_id=uid, status_after="responded"),
        403,
        "forbidden",
    )
    other = api.new_complaint()
    api.act(other, "return", OP, "Bukan wewenang")
    assert_problem(
        api.update(other, OP, "public_response", "x", update_id=uid, status_after="responded"),
        409,
        "invalid_transition",
    )
    history = api.get(f"/v1/complaints/{other['id']}/history", OP).json()
    assert all(u["id"] != uid for u in history["updates"])


def test_the_same_update_again_replays_the_first_answer(api: Api) -> None:
    complaint = api.new_complaint()
    uid = str(uuid.uuid4())
    first = api.update(
        complaint, OP, "public_response", "Sudah ditambal.", update_id=uid, status_after="responded"
    )
    again = api.update(
        complaint, OP, "public_response", "Sudah ditambal.", update_id=uid, status_after="responded"
    )
    assert first.status_code == 201 and again.status_code == 200
    assert again.content == first.content
    assert api.complaint(complaint["id"])["version"] == 2


def test_another_payload_under_the_same_update_id_is_409(api: Api) -> None:
    complaint, other = api.new_complaint(), api.new_complaint()
    uid = str(uuid.uuid4())
    assert api.update(complaint, OP, body="satu", update_id=uid).status_code == 201
    assert_problem(api.update(complaint, OP, body="dua", update_id=uid), 409, "id_conflict")
    assert_problem(api.update(other, OP, body="satu", update_id=uid), 409, "id_conflict")
    assert_problem(
        api.update(complaint, "supervisor.dpuprpkp", body="satu", update_id=uid), 409, "id_conflict"
    )


@pytest.mark.parametrize(
    ("kind", "status_after"),
    [
        ("status_change", None),
        ("system", None),
        ("internal_note", "responded"),
        ("public_response", "closed"),
    ],
)
def test_server_only_kinds_and_other_status_afters_are_refused(
    api: Api, kind: str, status_after: str | None
) -> None:
    complaint = api.new_complaint()
    assert_problem(api.update(complaint, OP, kind, "x", status_after=status_after), 422, "validation_failed")


def test_only_the_coordinator_enters_citizen_replies(api: Api) -> None:
    complaint = api.new_complaint()
    assert_problem(api.update(complaint, OP, "citizen_reply", "Belum beres"), 403, "forbidden")
    assert_problem(api.update(complaint, "auditor", "internal_note", "x"), 403, "forbidden")
    assert api.update(complaint, "coordinator", "citizen_reply", "Terima kasih").status_code == 201


def test_a_citizen_reply_inside_the_window_reopens(api: Api) -> None:
    complaint = api.new_complaint()
    api.update(complaint, OP, "public_response", "Sudah ditambal.", status_after="responded")
    api.clock.advance(days=3)
    response = api.update(complaint, "coordinator", "citizen_reply", "Masih berlubang, Pak")
    assert response.status_code == 201, response.text
    result = response.json()
    assert result["complaint"]["status"] == "in_progress"
    assert result["complaint"]["sla"]["reply_due"] is None
    assert [(u["kind"], u["author_id"], u["status_after"]) for u in result["updates"]] == [
        ("citizen_reply", "coordinator", None),
        ("status_change", "system", "in_progress"),
    ]


def test_a_citizen_reply_after_the_window_is_recorded_only(api: Api) -> None:
    complaint = api.new_complaint()
    api.update(complaint, OP, "public_response", "Sudah ditambal.", status_after="responded")
    api.clock.advance(days=30)
    result = api.update(complaint, "coordinator", "citizen_reply", "Terlambat").json()
    assert result["complaint"]["status"] == "responded" and len(result["updates"]) == 1


def test_a_public_response_without_status_after_marks_the_first_response(api: Api) -> None:
    complaint = api.new_complaint()
    result = api.update(complaint, OP, "public_response", "Sedang kami jadwalkan.").json()
    assert result["complaint"]["status"] == "assigned"
    assert result["complaint"]["first_response_at"] is not None and result["complaint"]["version"] == 2
