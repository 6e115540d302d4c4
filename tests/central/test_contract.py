"""The wire models: aliases, strictness of requests, tolerance of answers, and the text rules."""

from __future__ import annotations

from datetime import UTC, datetime
from uuid import uuid4

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from sambat_tui.contract import (
    PROBLEM_KINDS,
    Change,
    Complaint,
    IntakeRequest,
    ProblemCode,
    Sla,
    TransitionRequest,
    UpdateRequest,
    check_text,
)

NOW = datetime(2026, 2, 2, 2, 0, tzinfo=UTC)


def _complaint(**changes: object) -> Complaint:
    data: dict[str, object] = {
        "id": str(uuid4()),
        "public_ref": "MLG-2026-000001",
        "channel": "web",
        "classification": "pengaduan",
        "title": "Lampu jalan mati",
        "description": "Sudah seminggu gelap.",
        "visibility": "public",
        "status": "assigned",
        "sla": {"class": "ringan", "verify_due": NOW, "response_due": NOW, "resolve_due": NOW},
        "version": 3,
        "created_at": NOW,
        "updated_at": NOW,
    }
    data.update(changes)
    return Complaint.model_validate(data)


def test_sla_class_travels_as_class() -> None:
    sla = Sla(sla_class="ringan", verify_due=NOW, response_due=NOW, resolve_due=NOW)
    dumped = sla.model_dump(mode="json")
    assert dumped["class"] == "ringan" and "sla_class" not in dumped
    assert Sla.model_validate(dumped) == sla


def test_complaint_round_trips_through_json_and_carries_its_etag() -> None:
    complaint = _complaint()
    assert Complaint.model_validate_json(complaint.model_dump_json()) == complaint
    assert complaint.etag == '"v3"'


def test_answers_ignore_unknown_fields_but_requests_refuse_them() -> None:
    complaint = _complaint(added_by_a_newer_server=1)
    assert not hasattr(complaint, "added_by_a_newer_server")
    with pytest.raises(ValidationError, match="Extra inputs"):
        TransitionRequest.model_validate({"action": "take", "reasn": "typo"})


@pytest.mark.parametrize(
    "text",
    ["a\x00b", "\x00", "lone \ud800 high", "lone \udfff low"],
    ids=["nul-inside", "nul-alone", "high-surrogate", "low-surrogate"],
)
def test_text_refuses_nul_and_lone_surrogates(text: str) -> None:
    with pytest.raises(ValueError):
        check_text(text)
    with pytest.raises(ValidationError):
        UpdateRequest(kind="internal_note", body=text, authored_at=NOW)


@given(st.text(alphabet=st.characters(exclude_categories=["Cs"], exclude_characters="\x00")))
def test_any_other_text_passes_unchanged(text: str) -> None:
    assert check_text(text) is text


@pytest.mark.parametrize("blank", ["", "   ", "\n\t"])
def test_titles_and_reasons_must_say_something(blank: str) -> None:
    with pytest.raises(ValidationError):
        IntakeRequest(channel="web", title=blank, description="x")
    with pytest.raises(ValidationError):
        TransitionRequest(action="return", reason=blank)


def test_requests_need_aware_times_and_valid_identity_numbers() -> None:
    with pytest.raises(ValidationError, match="timezone"):
        UpdateRequest.model_validate(
            {"kind": "internal_note", "body": "x", "authored_at": "2026-02-02T09:00:00"}
        )
    with pytest.raises(ValidationError):
        IntakeRequest.model_validate(
            {"channel": "web", "title": "t", "description": "d", "reporter": {"nik": "12345"}}
        )
    ok = IntakeRequest.model_validate(
        {"channel": "web", "title": "t", "description": "d", "reporter": {"nik": "3573010101010001"}}
    )
    assert ok.reporter is not None and ok.reporter.nik == "3573010101010001"


def test_change_evict_carries_no_data() -> None:
    change = Change(seq=7, entity="complaint", id="x", op="evict", version=2)
    assert change.model_dump(mode="json")["data"] is None


def test_every_problem_code_has_a_status_and_two_titles() -> None:
    assert set(PROBLEM_KINDS) == set(ProblemCode)
    for kind in PROBLEM_KINDS.values():
        assert 400 <= kind.status < 600 and kind.title and kind.title_en and kind.title != kind.title_en
