"""Working-day arithmetic in Asia/Jakarta against known 2026 dates, plus properties over 2025-2027."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sambat_tui.domain.calendar import JAKARTA, WorkingCalendar, end_of_day, jakarta_date

CAL = WorkingCalendar.load()


def wib(y: int, m: int, d: int, hh: int = 10, mm: int = 0) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=JAKARTA)


def due_date(moment: datetime) -> date:
    """The Jakarta date of a deadline, after checking it is the last instant of that day in UTC."""
    assert moment.tzinfo is UTC
    local = moment.astimezone(JAKARTA)
    assert (local.hour, local.minute, local.second, local.microsecond) == (23, 59, 59, 999_999)
    return local.date()


# --- known 2026 dates -------------------------------------------------------------------------------


def test_five_days_across_nyepi_and_idul_fitri_2026() -> None:
    # Tue 17 March; then 18 cuti Nyepi, 19 Nyepi, 20 cuti, 21-22 Idul Fitri (weekend), 23-24 cuti.
    # Working days after that: 25, 26, 27, 30, 31 March.
    assert due_date(CAL.add_working_days(wib(2026, 3, 17), 5)) == date(2026, 3, 31)


def test_deadline_is_end_of_day_wib_in_utc() -> None:
    assert CAL.add_working_days(wib(2026, 3, 17), 5) == datetime(2026, 3, 31, 16, 59, 59, 999_999, tzinfo=UTC)


def test_across_a_weekend() -> None:
    # Thu 5 Feb 2026 -> Fri 6 (1), Mon 9 (2), Tue 10 (3).
    assert due_date(CAL.add_working_days(wib(2026, 2, 5), 2)) == date(2026, 2, 9)
    assert due_date(CAL.add_working_days(wib(2026, 2, 5), 3)) == date(2026, 2, 10)


def test_from_a_saturday() -> None:
    assert due_date(CAL.add_working_days(wib(2026, 2, 7), 1)) == date(2026, 2, 9)
    assert due_date(CAL.add_working_days(wib(2026, 2, 7), 5)) == date(2026, 2, 13)


def test_from_a_holiday() -> None:
    # Fri 16 Jan 2026 is Isra Mikraj -> the first working day after it is Mon 19 Jan.
    assert due_date(CAL.add_working_days(wib(2026, 1, 16), 1)) == date(2026, 1, 19)


def test_across_imlek_and_its_cuti_bersama() -> None:
    # Fri 13 Feb 2026; Mon 16 cuti bersama, Tue 17 Imlek -> Wed 18 Feb.
    assert due_date(CAL.add_working_days(wib(2026, 2, 13), 1)) == date(2026, 2, 18)


def test_start_date_is_taken_in_jakarta_not_utc() -> None:
    # 24 March 20:00 UTC is already Wed 25 March 03:00 WIB: one working day later is Thu 26 March
    # (counting from the UTC date, 24 March, would give 25 March).
    late = datetime(2026, 3, 24, 20, 0, tzinfo=UTC)
    assert jakarta_date(late) == date(2026, 3, 25)
    assert due_date(CAL.add_working_days(late, 1)) == date(2026, 3, 26)
    # Friday 18:00 UTC is Saturday 01:00 WIB: zero working days lands on Monday, not that Friday.
    friday_night = datetime(2026, 2, 6, 18, 0, tzinfo=UTC)
    assert due_date(CAL.add_working_days(friday_night, 0)) == date(2026, 2, 9)


def test_zero_days_is_the_current_or_next_working_day() -> None:
    assert due_date(CAL.add_working_days(wib(2026, 2, 5), 0)) == date(2026, 2, 5)
    assert due_date(CAL.add_working_days(wib(2026, 2, 7), 0)) == date(2026, 2, 9)
    assert due_date(CAL.add_working_days(wib(2026, 3, 18), 0)) == date(2026, 3, 25)


def test_is_working_day_on_known_days() -> None:
    assert CAL.is_working_day(date(2026, 3, 25))
    assert not CAL.is_working_day(date(2026, 3, 20))  # cuti bersama, a Friday
    assert not CAL.is_working_day(date(2026, 8, 17))  # HUT RI, a Monday
    assert not CAL.is_working_day(date(2026, 3, 28))  # Saturday
    assert CAL.holiday_name(date(2026, 8, 17)) == "Hari Kemerdekaan Republik Indonesia"
    assert CAL.holiday_name(date(2026, 8, 18)) is None


def test_working_days_between_known_spans() -> None:
    assert CAL.working_days_between(date(2026, 3, 17), date(2026, 3, 31)) == 5
    assert CAL.working_days_between(date(2026, 3, 31), date(2026, 3, 17)) == -5
    assert CAL.working_days_between(date(2026, 2, 2), date(2026, 2, 2)) == 0
    # Whole of March 2026: 22 weekdays minus 18, 19, 20, 23, 24.
    assert CAL.working_days_between(date(2026, 2, 28), date(2026, 3, 31)) == 17


def test_working_days_left_and_overdue_on_known_dates() -> None:
    due = CAL.add_working_days(wib(2026, 3, 17), 5)  # end of Tue 31 March
    assert CAL.working_days_left(due, wib(2026, 3, 31, 23, 59)) == 0
    assert CAL.working_days_left(due, wib(2026, 3, 30)) == 1
    assert CAL.working_days_left(due, wib(2026, 3, 21)) == 5  # Idul Fitri Saturday
    assert not CAL.is_overdue(due, wib(2026, 3, 31, 23, 59))
    assert CAL.is_overdue(due, wib(2026, 4, 1, 0, 0))
    assert CAL.working_days_left(due, wib(2026, 4, 1)) == -1
    assert CAL.working_days_left(due, wib(2026, 4, 6)) == -3  # Wed 1, Thu 2, (Fri 3 Wafat), Mon 6


def test_overdue_over_a_weekend_is_still_negative() -> None:
    due = end_of_day(date(2026, 2, 6))  # Friday
    assert CAL.working_days_left(due, wib(2026, 2, 7)) == -1
    assert CAL.working_days_left(due, wib(2026, 2, 9)) == -1
    assert CAL.working_days_left(due, wib(2026, 2, 10)) == -2


def test_coverage_of_the_shipped_list() -> None:
    assert CAL.covered_years == range(2025, 2028)
    assert CAL.covers(date(2026, 6, 1))
    assert not CAL.covers(date(2028, 1, 3))
    assert not CAL.covers(date(2024, 12, 31))


def test_outside_the_covered_years_only_weekends_are_skipped() -> None:
    # 1 Jan 2028 is a Saturday; nothing is known about 2028 holidays, so Mon 3 Jan counts.
    assert due_date(CAL.add_working_days(wib(2027, 12, 31), 1)) == date(2028, 1, 3)
    assert CAL.is_working_day(date(2028, 8, 17))


def test_empty_calendar_covers_nothing() -> None:
    cal = WorkingCalendar({})
    assert cal.covered_years == range(0)
    assert not cal.covers(date(2026, 1, 1))
    assert cal.is_working_day(date(2026, 1, 1))


def test_calendar_rejects_a_gap_in_years() -> None:
    with pytest.raises(ValueError, match=r"2026"):
        WorkingCalendar({date(2025, 1, 1): "a", date(2027, 1, 1): "b"})


# --- bad arguments ----------------------------------------------------------------------------------


def test_naive_datetimes_are_rejected() -> None:
    naive = datetime(2026, 3, 17, 10, 0)
    with pytest.raises(ValueError, match="timezone-aware"):
        CAL.add_working_days(naive, 1)
    aware = wib(2026, 3, 17)
    with pytest.raises(ValueError, match="timezone-aware"):
        CAL.working_days_left(naive, aware)
    with pytest.raises(ValueError, match="timezone-aware"):
        CAL.working_days_left(aware, naive)
    with pytest.raises(ValueError, match="timezone-aware"):
        CAL.is_overdue(aware, naive)


def test_negative_n_is_rejected() -> None:
    with pytest.raises(ValueError, match="zero or more"):
        CAL.add_working_days(wib(2026, 3, 17), -1)


def test_datetimes_where_dates_are_expected_are_rejected() -> None:
    with pytest.raises(TypeError, match="not a datetime"):
        CAL.is_working_day(wib(2026, 3, 17))
    with pytest.raises(TypeError, match="not a datetime"):
        CAL.working_days_between(wib(2026, 3, 17), date(2026, 3, 20))
    with pytest.raises(TypeError, match="not a datetime"):
        WorkingCalendar({wib(2026, 3, 17): "x"})


# --- properties -------------------------------------------------------------------------------------
# deadline=None: Hypothesis' per-example time limit is a timing assertion, and CI machines are shared.

moments = st.datetimes(
    min_value=datetime(2024, 12, 1), max_value=datetime(2027, 10, 1), timezones=st.just(UTC)
)
days_n = st.integers(min_value=0, max_value=70)


@settings(deadline=None)
@given(start=moments, n=days_n)
def test_add_lands_on_a_working_day(start: datetime, n: int) -> None:
    assert CAL.is_working_day(due_date(CAL.add_working_days(start, n)))


@settings(deadline=None)
@given(start=moments, n=days_n)
def test_add_is_monotonic_in_n(start: datetime, n: int) -> None:
    assert CAL.add_working_days(start, n) <= CAL.add_working_days(start, n + 1)
    if n >= 1:
        assert CAL.add_working_days(start, n) < CAL.add_working_days(start, n + 1)


@settings(deadline=None)
@given(start=moments, n=st.integers(min_value=1, max_value=70))
def test_between_start_and_add_is_n(start: datetime, n: int) -> None:
    day = jakarta_date(start)
    assert CAL.working_days_between(day, due_date(CAL.add_working_days(start, n))) == n


@settings(deadline=None)
@given(start=moments, n=days_n)
def test_working_days_left_is_zero_on_the_due_day(start: datetime, n: int) -> None:
    due = CAL.add_working_days(start, n)
    start_of_due_day = (due - timedelta(hours=23, minutes=59, seconds=59, microseconds=999_999)).astimezone(
        UTC
    )
    assert CAL.working_days_left(due, start_of_due_day) == 0
    assert CAL.working_days_left(due, due) == 0


@settings(deadline=None)
@given(due=moments, now=moments)
def test_overdue_iff_now_after_due_and_left_agrees(due: datetime, now: datetime) -> None:
    assert CAL.is_overdue(due, now) == (now > due)
    assert (CAL.working_days_left(due, now) < 0) == CAL.is_overdue(due, now)


@settings(deadline=None)
@given(a=st.dates(date(2024, 6, 1), date(2028, 6, 1)), b=st.dates(date(2024, 6, 1), date(2028, 6, 1)))
def test_between_matches_a_day_by_day_count(a: date, b: date) -> None:
    lo, hi = sorted((a, b))
    count = sum(CAL.is_working_day(lo + timedelta(days=i)) for i in range(1, (hi - lo).days + 1))
    assert CAL.working_days_between(a, b) == (count if b >= a else -count)
