"""SLA policy loading, deadlines from intake, the reply window, and the clock state."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sambat_tui.domain.calendar import JAKARTA, WorkingCalendar
from sambat_tui.domain.model import SlaClass
from sambat_tui.domain.sla import (
    SlaPolicy,
    SlaPolicyError,
    SlaState,
    deadlines_for,
    reply_due_after,
    sla_state,
)

CAL = WorkingCalendar.load()
POLICY = SlaPolicy.load()


def wib(y: int, m: int, d: int, hh: int = 10) -> datetime:
    return datetime(y, m, d, hh, tzinfo=JAKARTA)


def day_of(moment: datetime) -> date:
    return moment.astimezone(JAKARTA).date()


# --- the policy -------------------------------------------------------------------------------------


def test_shipped_file_holds_the_published_rules() -> None:
    assert (POLICY.verify_days, POLICY.response_days, POLICY.reply_window_days, POLICY.due_soon_days) == (
        3,
        5,
        10,
        1,
    )
    assert dict(POLICY.resolve_days) == {
        SlaClass.RINGAN: 2,
        SlaClass.NORMATIF: 5,
        SlaClass.TANPA_PEMERIKSAAN: 14,
        SlaClass.PEMERIKSAAN_LAPANGAN: 60,
    }
    assert SlaPolicy() == POLICY


def test_a_city_file_overrides_some_keys(tmp_path: Path) -> None:
    path = tmp_path / "sla.toml"
    path.write_text("verify_days = 2\n[resolve_days]\nringan = 1\n", encoding="utf-8")
    policy = SlaPolicy.load(path)
    assert policy.verify_days == 2
    assert policy.response_days == 5
    assert policy.resolve_days[SlaClass.RINGAN] == 1
    assert policy.resolve_days[SlaClass.PEMERIKSAAN_LAPANGAN] == 60


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("verify_dayz = 3\n", "unknown key(s) verify_dayz"),
        ("verify_days = -1\n", "verify_days must be zero or more"),
        ("verify_days = 2.5\n", "verify_days must be a whole number"),
        ("verify_days = true\n", "verify_days must be a whole number"),
        ('response_days = "5"\n', "response_days must be a whole number"),
        ("[resolve_days]\nberat = 3\n", "unknown class 'berat'"),
        ("[resolve_days]\nnormatif = -5\n", "resolve_days.normatif must be zero or more"),
        ("resolve_days = 5\n", "resolve_days must be a table"),
        ("verify_days = \n", "not valid TOML"),
    ],
)
def test_a_bad_city_file_names_the_file_and_the_key(tmp_path: Path, text: str, fragment: str) -> None:
    path = tmp_path / "kota-sla.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(SlaPolicyError) as caught:
        SlaPolicy.load(path)
    assert str(caught.value).startswith(f"{path}: ")
    assert fragment in str(caught.value)


def test_a_policy_in_code_needs_every_class() -> None:
    with pytest.raises(SlaPolicyError, match="lacks normatif"):
        SlaPolicy(resolve_days={c: 3 for c in SlaClass if c is not SlaClass.NORMATIF})


def test_the_policy_does_not_change_when_the_callers_dict_does() -> None:
    table = dict.fromkeys(SlaClass, 4)
    policy = SlaPolicy(resolve_days=table)
    table[SlaClass.RINGAN] = 99
    assert policy.resolve_days[SlaClass.RINGAN] == 4
    with pytest.raises(TypeError):
        policy.resolve_days[SlaClass.RINGAN] = 1  # type: ignore[index]


# --- deadlines --------------------------------------------------------------------------------------


def test_deadlines_of_a_complaint_made_before_lebaran_2026() -> None:
    # Mon 16 March 2026. Off: 18 (cuti Nyepi), 19 (Nyepi), 20, 23, 24 (cuti Idul Fitri) and the weekends.
    # Working days after it: 17, 25, 26, 27, 30, 31 March, 1, 2 April, (3 Wafat) 6 April, ...
    deadlines = deadlines_for(wib(2026, 3, 16), SlaClass.NORMATIF, CAL, POLICY)
    assert deadlines.sla_class is SlaClass.NORMATIF
    assert day_of(deadlines.verify_due) == date(2026, 3, 26)
    assert day_of(deadlines.response_due) == date(2026, 3, 30)
    assert day_of(deadlines.resolve_due) == date(2026, 3, 30)
    assert deadlines.reply_due is None
    for due in (deadlines.verify_due, deadlines.response_due, deadlines.resolve_due):
        assert due.tzinfo is UTC


def test_a_light_class_is_verified_and_followed_up_by_its_resolution_deadline() -> None:
    # ringan: resolved within 2 working days (Wed 25 March): verified and answered by then, not on day 3 or 5.
    deadlines = deadlines_for(wib(2026, 3, 16), SlaClass.RINGAN, CAL, POLICY)
    assert day_of(deadlines.resolve_due) == date(2026, 3, 25)
    assert deadlines.verify_due == deadlines.response_due == deadlines.resolve_due


def test_field_inspection_class_takes_sixty_working_days() -> None:
    created = wib(2026, 6, 2)
    deadlines = deadlines_for(created, SlaClass.PEMERIKSAAN_LAPANGAN, CAL, POLICY)
    assert CAL.working_days_between(day_of(created), day_of(deadlines.resolve_due)) == 60
    # 16 June, 17 and 25 August 2026 are weekday holidays in that span: later than 12 plain weeks.
    assert day_of(deadlines.resolve_due) > day_of(created) + timedelta(weeks=12)


def test_reply_window_counts_working_days_from_the_response() -> None:
    # Fri 11 Dec 2026 + 10 working days: 14-18, 21-23, (24 cuti, 25 Natal) 28, 29 December.
    assert day_of(reply_due_after(wib(2026, 12, 11), CAL, POLICY)) == date(2026, 12, 29)


# --- clock state ------------------------------------------------------------------------------------


def test_state_moves_from_ok_to_due_soon_to_overdue() -> None:
    due = deadlines_for(wib(2026, 2, 2), SlaClass.NORMATIF, CAL, POLICY).resolve_due  # Mon 9 Feb
    assert day_of(due) == date(2026, 2, 9)
    assert sla_state(due, wib(2026, 2, 5), CAL, POLICY) is SlaState.OK  # 2 working days left
    assert sla_state(due, wib(2026, 2, 6), CAL, POLICY) is SlaState.DUE_SOON  # 1 left
    assert sla_state(due, wib(2026, 2, 7), CAL, POLICY) is SlaState.DUE_SOON  # Saturday: still 1
    assert sla_state(due, wib(2026, 2, 9, 23), CAL, POLICY) is SlaState.DUE_SOON  # due today
    assert sla_state(due, wib(2026, 2, 10, 0), CAL, POLICY) is SlaState.OVERDUE


def test_due_soon_days_is_configurable() -> None:
    due = deadlines_for(wib(2026, 2, 2), SlaClass.NORMATIF, CAL, POLICY).resolve_due
    strict = SlaPolicy(due_soon_days=0)
    wide = SlaPolicy(due_soon_days=3)
    assert sla_state(due, wib(2026, 2, 6), CAL, strict) is SlaState.OK
    assert sla_state(due, wib(2026, 2, 9), CAL, strict) is SlaState.DUE_SOON
    assert sla_state(due, wib(2026, 2, 4), CAL, wide) is SlaState.DUE_SOON


# deadline=None: Hypothesis' per-example time limit is a timing assertion, and CI machines are shared.
moments = st.datetimes(
    min_value=datetime(2025, 1, 1), max_value=datetime(2027, 10, 1), timezones=st.just(UTC)
)


@settings(deadline=None)
@given(due=moments, now=moments, soon=st.integers(min_value=0, max_value=5))
def test_state_agrees_with_the_calendar(due: datetime, now: datetime, soon: int) -> None:
    policy = SlaPolicy(due_soon_days=soon)
    state = sla_state(due, now, CAL, policy)
    assert (state is SlaState.OVERDUE) == (now > due)
    if now <= due:
        left = CAL.working_days_left(due, now)
        assert (state is SlaState.DUE_SOON) == (left <= soon)


@settings(deadline=None)
@given(created=moments, sla_class=st.sampled_from(list(SlaClass)))
def test_every_deadline_is_after_intake_on_a_working_day(created: datetime, sla_class: SlaClass) -> None:
    deadlines = deadlines_for(created, sla_class, CAL, POLICY)
    for due in (deadlines.verify_due, deadlines.response_due, deadlines.resolve_due):
        assert due > created
        assert CAL.is_working_day(day_of(due))
    assert deadlines.verify_due <= deadlines.response_due


days = st.integers(min_value=0, max_value=70)


@settings(deadline=None)
@given(
    created=moments,
    sla_class=st.sampled_from(list(SlaClass)),
    verify=days,
    response=days,
    resolve=st.fixed_dictionaries({c: days for c in SlaClass}),
)
def test_no_deadline_is_ever_after_the_resolution_and_none_is_moved_later(
    created: datetime, sla_class: SlaClass, verify: int, response: int, resolve: dict[SlaClass, int]
) -> None:
    policy = SlaPolicy(verify_days=verify, response_days=response, resolve_days=resolve)
    deadlines = deadlines_for(created, sla_class, CAL, policy)
    assert deadlines.verify_due <= deadlines.resolve_due
    assert deadlines.response_due <= deadlines.resolve_due
    # The resolution target is the class's own, and each other clock is its own unless that came later.
    assert deadlines.resolve_due == CAL.add_working_days(created, resolve[sla_class])
    for due, own in (
        (deadlines.verify_due, CAL.add_working_days(created, verify)),
        (deadlines.response_due, CAL.add_working_days(created, response)),
    ):
        assert due == min(own, deadlines.resolve_due)
