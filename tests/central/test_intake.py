"""PUT /v1/complaints/{id}: intake with a client id, routed at once, with its SLA clocks; idempotent."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

import pytest

from sambat_tui.domain.calendar import WorkingCalendar
from sambat_tui.domain.model import SlaClass
from sambat_tui.domain.routing import Router
from sambat_tui.domain.sla import SlaPolicy, deadlines_for
from tests.central.support import START, Api, assert_problem


def _history(api: Api, complaint_id: str) -> dict[str, list[dict[str, object]]]:
    response = api.get(f"/v1/complaints/{complaint_id}/history", "coordinator")
    assert response.status_code == 200, response.text
    data: dict[str, list[dict[str, object]]] = response.json()
    return data


def test_a_categorised_complaint_is_routed_at_once_with_a_disposition(api: Api) -> None:
    complaint = api.new_complaint(category_code="PJU")
    assert complaint["status"] == "assigned"
    assert (complaint["agency_id"], complaint["desk_id"]) == ("dpuprpkp", "dpuprpkp.pju")
    assert complaint["version"] == 1 and complaint["assignee_id"] is None
    [route] = _history(api, complaint["id"])["dispositions"]
    assert route["kind"] == "auto_route" and route["actor_id"] is None
    assert route["to_agency_id"] == "dpuprpkp" and route["to_desk_id"] == "dpuprpkp.pju"
    assert route["rule_id"] and route["reason"]


def test_an_unroutable_complaint_waits_in_triage_with_the_reason(api: Api) -> None:
    response = api.intake(title="Halo admin", description="Terima kasih atas pelayanannya selama ini.")
    assert response.status_code == 201, response.text
    complaint = response.json()
    assert complaint["status"] == "received"
    assert complaint["agency_id"] is None and complaint["desk_id"] is None
    history = _history(api, complaint["id"])
    assert history["dispositions"] == []
    [note] = history["updates"]
    assert note["kind"] == "system" and note["author_id"] == "system" and note["body"]


def test_deadlines_come_from_the_category_class_and_the_working_calendar(
    api: Api, calendar: WorkingCalendar, policy: SlaPolicy
) -> None:
    complaint = api.new_complaint(category_code="SARPRAS_SEKOLAH")
    expected = deadlines_for(START, SlaClass.PEMERIKSAAN_LAPANGAN, calendar, policy)
    sla = complaint["sla"]
    assert sla["class"] == "pemeriksaan_lapangan"
    assert datetime.fromisoformat(sla["verify_due"]) == expected.verify_due
    assert datetime.fromisoformat(sla["response_due"]) == expected.response_due
    assert datetime.fromisoformat(sla["resolve_due"]) == expected.resolve_due
    assert sla["reply_due"] is None


def test_public_refs_count_up_per_year(api: Api) -> None:
    refs = [api.new_complaint()["public_ref"] for _ in range(3)]
    assert refs == ["MLG-2026-000001", "MLG-2026-000002", "MLG-2026-000003"]


def test_the_same_intake_again_returns_the_same_complaint_with_200(api: Api) -> None:
    cid = str(uuid.uuid4())
    first = api.intake(complaint_id=cid, category_code="SAMPAH", reporter={"name": "Bu Sri"})
    assert first.status_code == 201
    api.act(cid, "take", "operator.dlh")
    again = api.intake(complaint_id=cid, category_code="SAMPAH", reporter={"name": "Bu Sri"})
    assert again.status_code == 200
    assert again.json()["public_ref"] == first.json()["public_ref"]
    assert again.json()["version"] == 2  # the complaint as it is now
    assert again.headers["etag"] == '"v2"'
    assert len(_history(api, cid)["dispositions"]) == 1  # routed once, not twice


def test_another_payload_under_the_same_id_is_a_conflict(api: Api) -> None:
    cid = str(uuid.uuid4())
    assert api.intake(complaint_id=cid, category_code="SAMPAH").status_code == 201
    assert_problem(api.intake(complaint_id=cid, category_code="PJU"), 409, "id_conflict")


def test_an_operator_records_walk_ins_only_and_other_roles_none(api: Api) -> None:
    walk_in = api.intake("operator.dinkes", channel="walk_in", category_code="PUSKESMAS")
    assert walk_in.status_code == 201, walk_in.text
    assert_problem(api.intake("operator.dinkes", channel="web"), 403, "forbidden")
    for user in ("field.dinkes", "supervisor.dinkes", "auditor"):
        assert_problem(api.intake(user, channel="walk_in"), 403, "forbidden")


@pytest.mark.parametrize(
    ("fields", "where"),
    [
        ({"category_code": "NO_SUCH"}, "category_code"),
        ({"location": {"kecamatan": "Gotham"}}, "kecamatan"),
        ({"location": {"lat": 91}}, "lat"),
        ({"visibility": "secret"}, "visibility"),
        ({"reporter": {"email": "not-an-email"}}, "email"),
    ],
)
def test_bad_intake_fields_are_validation_problems(api: Api, fields: dict[str, Any], where: str) -> None:
    body = assert_problem(api.intake("coordinator", None, **fields), 422, "validation_failed")
    assert any(e["loc"][-1] == where for e in body["errors"]), body


def test_intake_keeps_location_media_and_external_refs(api: Api) -> None:
    complaint = api.new_complaint(
        channel="lapor",
        location={
            "lat": -7.97,
            "lon": 112.63,
            "address": "Jl. Ijen 1",
            "kelurahan": "Oro-oro Dowo",
            "kecamatan": "Klojen",
        },
        media=[{"url": "https://example.invalid/a.jpg", "kind": "photo"}],
        external_refs=[{"system": "lapor", "ref": "4821733"}],
        priority="high",
        visibility="anonim",
    )
    again = api.complaint(complaint["id"])
    assert again["location"]["kecamatan"] == "Klojen" and again["location"]["lat"] == -7.97
    assert again["media"] == [{"url": "https://example.invalid/a.jpg", "kind": "photo"}]
    assert again["external_refs"] == [{"system": "lapor", "ref": "4821733"}]
    assert (again["priority"], again["visibility"], again["channel"]) == ("high", "anonim", "lapor")


def test_keyword_routing_records_the_rule_and_the_matched_words(api: Api, router: Router) -> None:
    title, description = "Lampu PJU mati", "Lampu jalan di depan masjid mati sejak tiga hari, gelap sekali."
    decision = router.route(title=title, description=description)
    assert decision.routed and decision.matched, "the shipped rules route a dead street light"
    complaint = api.intake(title=title, description=description).json()
    assert (complaint["agency_id"], complaint["desk_id"]) == (decision.agency_id, decision.desk_id)
    assert complaint["category_code"] == decision.category_code
    [route] = _history(api, complaint["id"])["dispositions"]
    assert route["rule_id"] == decision.rule_id
    assert route["matched"] == list(decision.matched)
    assert route["reason"] == decision.explanation


def test_an_external_referral_is_not_due_for_an_answer_after_its_resolution(
    api: Api, calendar: WorkingCalendar
) -> None:
    complaint = api.new_complaint(
        category_code="LUAR_KEWENANGAN",
        title="Listrik padam",
        description="Listrik PLN padam sejak pagi di gang kami, trafo meledak.",
    )
    assert complaint["agency_id"] == "pln" and complaint["sla"]["class"] == "ringan"
    sla = {k: datetime.fromisoformat(v) for k, v in complaint["sla"].items() if k.endswith("_due") and v}
    assert sla["resolve_due"] == calendar.add_working_days(START, 2)
    assert sla["verify_due"] <= sla["resolve_due"] and sla["response_due"] <= sla["resolve_due"]
