"""The shipped holiday list and the checks on a city's own copy."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest

from sambat_tui.domain.calendar import WorkingCalendar
from sambat_tui.domain.holidays import HolidayFileError, HolidayKind, parse_holidays, read_holidays

SHIPPED = read_holidays()


def easter_sunday(year: int) -> date:
    """Anonymous Gregorian computus (Meeus/Jones/Butcher), independent of the data file."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = divmod(b, 4)
    g = (8 * b + 13) // 25
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    j = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * j) // 451
    month, day = divmod(h + j - 7 * m + 114, 31)
    return date(year, month, day + 1)


def kinds_on(day: date) -> HolidayKind | None:
    return next((h.kind for h in SHIPPED if h.day == day), None)


# --- the shipped file -------------------------------------------------------------------------------


def test_shipped_file_covers_2025_to_2027() -> None:
    assert {h.day.year for h in SHIPPED} == {2025, 2026, 2027}
    assert [h.day for h in SHIPPED] == sorted(h.day for h in SHIPPED)


@pytest.mark.parametrize(("year", "cuti_bersama"), [(2025, 11), (2026, 8)])
def test_counts_match_the_skb(year: int, cuti_bersama: int) -> None:
    of_year = [h for h in SHIPPED if h.day.year == year]
    assert sum(h.kind is HolidayKind.LIBUR_NASIONAL for h in of_year) == 17
    assert sum(h.kind is HolidayKind.CUTI_BERSAMA for h in of_year) == cuti_bersama


def test_every_listed_day_is_a_day_off_whatever_its_weekday() -> None:
    cal = WorkingCalendar.load()
    for holiday in SHIPPED:
        assert not cal.is_working_day(holiday.day), holiday
        # A national holiday may fall on a weekend; cuti bersama is only ever declared on a weekday.
        if holiday.kind is HolidayKind.CUTI_BERSAMA:
            assert holiday.day.weekday() < 5, holiday


@pytest.mark.parametrize("year", [2025, 2026, 2027])
def test_fixed_date_holidays_are_listed(year: int) -> None:
    for month, day in [(1, 1), (5, 1), (6, 1), (8, 17), (12, 25)]:
        assert kinds_on(date(year, month, day)) is HolidayKind.LIBUR_NASIONAL, (year, month, day)


@pytest.mark.parametrize("year", [2025, 2026, 2027])
def test_easter_based_holidays_are_listed(year: int) -> None:
    easter = easter_sunday(year)
    for offset in (-2, 0, 39):  # Wafat, Paskah, Kenaikan
        assert kinds_on(easter + timedelta(days=offset)) is HolidayKind.LIBUR_NASIONAL, (year, offset)


@pytest.mark.parametrize("year", [2025, 2026, 2027])
def test_idul_fitri_is_two_consecutive_days(year: int) -> None:
    days = [h.day for h in SHIPPED if h.day.year == year and h.name.startswith("Idul Fitri")]
    assert len(days) == 2
    assert days[1] - days[0] == timedelta(days=1)


def test_computus_reference_dates() -> None:
    # Sanity for the test helper itself, on Easters everybody can check.
    assert easter_sunday(2024) == date(2024, 3, 31)
    assert easter_sunday(2026) == date(2026, 4, 5)


# --- a city's copy ----------------------------------------------------------------------------------

GOOD = "date,name,kind\n2026-01-01,Tahun Baru,libur_nasional\n2026-03-20,Cuti,cuti_bersama\n"


def test_a_city_file_is_read_from_its_path(tmp_path: Path) -> None:
    path = tmp_path / "holidays.csv"
    path.write_text("\ufeff" + GOOD + "\n2026-03-23,Cuti lagi,cuti_bersama\n", encoding="utf-8")
    cal = WorkingCalendar.load(path)
    assert set(cal.holidays) == {date(2026, 1, 1), date(2026, 3, 20), date(2026, 3, 23)}
    assert cal.covered_years == range(2026, 2027)


@pytest.mark.parametrize(
    ("text", "line", "fragment"),
    [
        (GOOD + "2026-02-30,Bad,libur_nasional\n", 4, "no such day"),
        (GOOD + "17/08/2026,Merdeka,libur_nasional\n", 4, "YYYY-MM-DD"),
        (GOOD + "20260817,Merdeka,libur_nasional\n", 4, "YYYY-MM-DD"),
        (GOOD + "2026-01-01,Again,libur_nasional\n", 4, "listed twice (first on line 2)"),
        (GOOD + "2026-08-17,Merdeka,libur\n", 4, "unknown kind 'libur'"),
        (GOOD + "2026-08-17,Merdeka\n", 4, "expected 3 fields"),
        (GOOD + "2026-08-17,Merdeka,libur_nasional,extra\n", 4, "expected 3 fields"),
        (GOOD + "2026-08-17,,libur_nasional\n", 4, "has no name"),
        ("# source: SKB\n" + GOOD, 1, "expected the header"),
        (GOOD + "# 2027 below\n", 4, "comment lines are not allowed"),
        ("tanggal,nama,jenis\n2026-01-01,x,libur_nasional\n", 1, "expected the header"),
    ],
)
def test_malformed_rows_name_their_line(text: str, line: int, fragment: str) -> None:
    with pytest.raises(HolidayFileError) as caught:
        parse_holidays(text, source="kota.csv")
    assert caught.value.line == line
    assert fragment in str(caught.value)
    assert str(caught.value).startswith(f"kota.csv, line {line}: ")


def test_a_quoted_name_with_a_comma_is_one_field() -> None:
    (holiday,) = parse_holidays('date,name,kind\n2026-08-17,"Hari Kemerdekaan, ke-81",libur_nasional\n')
    assert holiday.name == "Hari Kemerdekaan, ke-81"


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("", "the file is empty"),
        ("date,name,kind\n", "lists no holidays"),
        ("date,name,kind\n2025-01-01,a,libur_nasional\n2027-01-01,b,libur_nasional\n", "no holiday in 2026"),
    ],
)
def test_whole_file_problems(text: str, fragment: str) -> None:
    with pytest.raises(HolidayFileError, match=fragment):
        parse_holidays(text, source="kota.csv")


def test_load_reports_the_city_path(tmp_path: Path) -> None:
    path = tmp_path / "libur.csv"
    path.write_text(GOOD + "2026-13-01,x,libur_nasional\n", encoding="utf-8")
    with pytest.raises(HolidayFileError, match=r"libur\.csv, line 4: "):
        WorkingCalendar.load(path)
