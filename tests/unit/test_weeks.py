"""ISO weeks in Jakarta: parsing, bounds, a moment's week, and runs of weeks."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sambat_tui.domain.weeks import IsoWeek, WeekError, last_weeks


def test_a_week_runs_from_monday_midnight_wib_to_the_next_monday() -> None:
    week = IsoWeek.parse("2026-W05")
    assert week.monday == date(2026, 1, 26) and week.sunday == date(2026, 2, 1)
    assert week.start == datetime(2026, 1, 25, 17, 0, tzinfo=UTC)
    assert week.end - week.start == timedelta(weeks=1)
    assert str(week) == "2026-W05"


def test_a_moment_belongs_to_its_jakarta_week() -> None:
    sunday_night_utc = datetime(2026, 2, 1, 16, 59, tzinfo=UTC)  # 23:59 WIB on Sunday
    assert IsoWeek.of(sunday_night_utc) == IsoWeek(2026, 5)
    assert IsoWeek.of(sunday_night_utc + timedelta(minutes=1)) == IsoWeek(2026, 6)


@pytest.mark.parametrize("text", ["2026-05", "2026-W00", "2026-W54", "W05", "2026-W5", "", "0000-W01"])
def test_malformed_or_impossible_weeks_are_refused(text: str) -> None:
    with pytest.raises(WeekError):
        IsoWeek.parse(text)


def test_week_53_exists_only_in_long_years() -> None:
    assert IsoWeek.parse("2026-W53").monday == date(2026, 12, 28)
    with pytest.raises(WeekError):
        IsoWeek.parse("2027-W53")


def test_runs_of_weeks_cross_the_year() -> None:
    weeks = last_weeks(IsoWeek(2027, 2), 4)
    assert [str(w) for w in weeks] == ["2026-W52", "2026-W53", "2027-W01", "2027-W02"]
    with pytest.raises(ValueError):
        last_weeks(IsoWeek(2027, 2), 0)


@given(st.datetimes(min_value=datetime(2001, 1, 1), max_value=datetime(2090, 1, 1), timezones=st.just(UTC)))
def test_every_moment_lies_inside_its_week_and_shifting_walks_whole_weeks(moment: datetime) -> None:
    week = IsoWeek.of(moment)
    assert week.start <= moment < week.end
    assert IsoWeek.parse(str(week)) == week
    assert week.shifted(1).start == week.end
    assert week.shifted(-1).end == week.start
