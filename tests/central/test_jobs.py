"""The periodic job: escalation once per missed deadline, auto-close after the reply window, housekeeping."""

from __future__ import annotations

import time
from datetime import datetime, timedelta

from sambat_tui.central.jobs import JobReport, JobRunner, run_jobs
from sambat_tui.domain.calendar import WorkingCalendar
from tests.central.support import START, Api


def _history(api: Api, complaint_id: str) -> dict[str, list[dict[str, object]]]:
    data: dict[str, list[dict[str, object]]] = api.get(
        f"/v1/complaints/{complaint_id}/history", "coordinator"
    ).json()
    return data


def _escalations(api: Api, complaint_id: str) -> list[str]:
    return [str(d["rule_id"]) for d in _history(api, complaint_id)["dispositions"] if d["kind"] == "escalate"]


def test_nothing_happens_before_a_deadline(api: Api) -> None:
    api.new_complaint()
    assert run_jobs(api.context, START + timedelta(days=1)) == JobReport()


def test_a_missed_response_escalates_once(api: Api) -> None:
    complaint = api.new_complaint(category_code="SARPRAS_SEKOLAH")  # 60-day resolution, 5-day response
    response_due = datetime.fromisoformat(complaint["sla"]["response_due"])
    assert run_jobs(api.context, response_due - timedelta(minutes=1)).escalated == 0
    assert run_jobs(api.context, response_due + timedelta(minutes=1)).escalated == 1
    assert run_jobs(api.context, response_due + timedelta(days=1)).escalated == 0
    after = api.complaint(complaint["id"])
    assert after["escalation_level"] == 1 and after["status"] == "assigned" and after["version"] == 2
    [escalation] = [d for d in _history(api, complaint["id"])["dispositions"] if d["kind"] == "escalate"]
    assert escalation["rule_id"] == "sla.response" and escalation["actor_id"] is None
    assert escalation["to_agency_id"] == "disdik" and escalation["reason"]


def test_each_missed_deadline_escalates_once(api: Api) -> None:
    unrouted = api.intake(title="Halo admin", description="Terima kasih atas pelayanannya selama ini.").json()
    routed = api.new_complaint(category_code="JALAN_RUSAK")
    late = START + timedelta(days=30)
    report = run_jobs(api.context, late)
    assert report.escalated == 4
    assert sorted(_escalations(api, unrouted["id"])) == ["sla.resolve", "sla.verify"]
    assert sorted(_escalations(api, routed["id"])) == ["sla.resolve", "sla.response"]
    assert api.complaint(unrouted["id"])["escalation_level"] == 2
    escalated_to = {d["to_agency_id"] for d in _history(api, unrouted["id"])["dispositions"]}
    assert escalated_to == {"diskominfo"}  # no agency yet: up to the coordinator
    assert run_jobs(api.context, late + timedelta(days=30)).escalated == 0


def test_an_answered_complaint_does_not_escalate_for_its_response(api: Api) -> None:
    complaint = api.new_complaint(category_code="SARPRAS_SEKOLAH")
    api.update(complaint, "operator.disdik", "public_response", "Sudah kami tinjau.")
    run_jobs(api.context, START + timedelta(days=20))
    assert _escalations(api, complaint["id"]) == []


def test_a_responded_complaint_closes_when_the_reply_window_passes(api: Api) -> None:
    complaint = api.new_complaint()
    responded = api.update(
        complaint, "operator.dpuprpkp", "public_response", "Sudah.", status_after="responded"
    )
    reply_due = datetime.fromisoformat(responded.json()["complaint"]["sla"]["reply_due"])
    assert run_jobs(api.context, reply_due - timedelta(minutes=1)).closed == 0
    assert run_jobs(api.context, reply_due + timedelta(minutes=1)).closed == 1
    closed = api.complaint(complaint["id"])
    assert closed["status"] == "closed" and closed["closed_at"] is not None
    last = _history(api, complaint["id"])["updates"][-1]
    assert (last["kind"], last["author_id"], last["status_after"]) == ("status_change", "system", "closed")
    assert run_jobs(api.context, reply_due + timedelta(days=5)).closed == 0


def test_a_reopened_complaint_is_not_closed(api: Api, calendar: WorkingCalendar) -> None:
    complaint = api.new_complaint()
    api.update(complaint, "operator.dpuprpkp", "public_response", "Sudah.", status_after="responded")
    api.update(complaint, "coordinator", "citizen_reply", "Belum, Pak")
    assert run_jobs(api.context, START + timedelta(days=60)).closed == 0
    assert api.complaint(complaint["id"])["status"] == "in_progress"


def test_housekeeping_compacts_the_feed_and_purges_old_idempotency_keys(api: Api) -> None:
    complaint = api.new_complaint()
    api.act(complaint, "start", "operator.dpuprpkp", key="old-key")
    report = run_jobs(api.context, START + timedelta(days=120))
    assert report.compacted >= 1 and report.purged == 1
    with api.context.storage.read() as tx:
        assert tx.stored_response("operator.dpuprpkp", "old-key") is None


def test_idempotency_keys_live_at_least_thirty_days(api: Api) -> None:
    complaint = api.new_complaint()
    first = api.act(complaint, "start", "operator.dpuprpkp", key="field-office", version=1)
    run_jobs(api.context, START + timedelta(days=30))
    retry = api.act(complaint, "start", "operator.dpuprpkp", key="field-office", version=1)
    assert retry.status_code == 200 and retry.content == first.content


def test_the_runner_runs_the_jobs_in_the_background(api: Api) -> None:
    complaint = api.new_complaint(category_code="SARPRAS_SEKOLAH")
    api.clock.advance(days=20)
    runner = JobRunner(api.context, interval=0.01)
    runner.start()
    try:
        deadline = time.monotonic() + 10
        while api.complaint(complaint["id"])["escalation_level"] == 0 and time.monotonic() < deadline:
            time.sleep(0.01)
    finally:
        runner.stop()
    assert api.complaint(complaint["id"])["escalation_level"] == 1
