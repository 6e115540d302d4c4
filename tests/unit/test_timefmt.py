"""Times for people in Jakarta and RFC 3339 for machines, with fixed moments."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sambat_tui.domain.calendar import JAKARTA
from sambat_tui.domain.timefmt import (
    format_age,
    format_date,
    format_datetime,
    format_working_days_left,
    parse_rfc3339,
    to_rfc3339,
)


def utc(
    year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0, micro: int = 0
) -> datetime:
    return datetime(year, month, day, hour, minute, second, micro, tzinfo=UTC)


@pytest.mark.parametrize(
    ("moment", "lang", "expected"),
    [
        (utc(2026, 11, 28, 7, 5), "id", "28 Nov 2026 14.05 WIB"),
        (utc(2026, 11, 28, 7, 5), "en", "28 Nov 2026 14:05 WIB"),
        (datetime(2026, 11, 28, 14, 5, tzinfo=JAKARTA), "id", "28 Nov 2026 14.05 WIB"),
        (datetime(2026, 11, 28, 8, 5, tzinfo=timezone(timedelta(hours=8))), "id", "28 Nov 2026 07.05 WIB"),
        (utc(2026, 1, 2, 2, 3), "id", "2 Jan 2026 09.03 WIB"),
        # the WIB boundary: 17:00 UTC is midnight in Jakarta, and the date moves on
        (utc(2026, 11, 27, 16, 59, 59), "id", "27 Nov 2026 23.59 WIB"),
        (utc(2026, 11, 27, 17, 0), "id", "28 Nov 2026 00.00 WIB"),
        (utc(2026, 12, 31, 17, 0), "en", "1 Jan 2027 00:00 WIB"),
    ],
)
def test_format_datetime(moment: datetime, lang: str, expected: str) -> None:
    assert format_datetime(moment, lang) == expected


def test_every_month_abbreviation() -> None:
    days = [utc(2026, month, 15, 5, 0) for month in range(1, 13)]
    assert [format_date(d).split()[1] for d in days] == (
        ["Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agu", "Sep", "Okt", "Nov", "Des"]
    )
    assert [format_date(d, "en").split()[1] for d in days] == (
        ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
    )


def test_format_date() -> None:
    assert format_date(date(2026, 8, 17)) == "17 Agu 2026"
    assert format_date(date(2026, 8, 17), "en") == "17 Aug 2026"
    assert format_date(utc(2026, 8, 16, 16, 59)) == "16 Agu 2026"
    assert format_date(utc(2026, 8, 16, 17, 0)) == "17 Agu 2026"


def test_naive_times_and_bad_languages_are_refused() -> None:
    naive = datetime(2026, 11, 28, 14, 5)
    with pytest.raises(ValueError, match="naive"):
        format_datetime(naive)
    with pytest.raises(ValueError, match="naive"):
        format_date(naive)
    with pytest.raises(ValueError, match="naive"):
        format_age(naive, utc(2026, 11, 28, 14, 5))
    with pytest.raises(ValueError, match="naive"):
        to_rfc3339(naive)
    with pytest.raises(ValueError, match="unknown language 'fr'"):
        format_datetime(utc(2026, 11, 28), "fr")
    with pytest.raises(TypeError, match="str"):
        format_date("2026-11-28")  # type: ignore[arg-type]


NOW = utc(2026, 11, 28, 7, 0)


@pytest.mark.parametrize(
    ("ago", "id_text", "en_text", "id_compact", "en_compact"),
    [
        (timedelta(seconds=0), "baru saja", "just now", "<1m", "<1m"),
        (timedelta(seconds=59), "baru saja", "just now", "<1m", "<1m"),
        (timedelta(minutes=1), "1 menit", "1 minute", "1m", "1m"),
        (timedelta(minutes=59, seconds=59), "59 menit", "59 minutes", "59m", "59m"),
        (timedelta(hours=1), "1 jam", "1 hour", "1j", "1h"),
        (timedelta(hours=2, minutes=30), "2 jam", "2 hours", "2j", "2h"),
        (timedelta(hours=23, minutes=59), "23 jam", "23 hours", "23j", "23h"),
        (timedelta(days=1), "1 hari", "1 day", "1h", "1d"),
        (timedelta(days=3, hours=5), "3 hari", "3 days", "3h", "3d"),
        (timedelta(days=400), "400 hari", "400 days", "400h", "400d"),
        (timedelta(days=999), "999 hari", "999 days", "999h", "999d"),
        (timedelta(days=1000), "1000 hari", "1000 days", "2th", "2y"),  # compact: at most 4 characters
        (timedelta(days=1097), "1097 hari", "1097 days", "3th", "3y"),
        (-timedelta(minutes=5), "baru saja", "just now", "<1m", "<1m"),  # a client clock ahead
    ],
)
def test_format_age(ago: timedelta, id_text: str, en_text: str, id_compact: str, en_compact: str) -> None:
    since = NOW - ago
    assert format_age(since, NOW) == id_text
    assert format_age(since, NOW, "en") == en_text
    assert format_age(since, NOW, compact=True) == id_compact
    assert format_age(since, NOW, "en", compact=True) == en_compact


def test_age_across_zones_is_the_same_instant() -> None:
    since = datetime(2026, 11, 28, 10, 0, tzinfo=JAKARTA)  # 03:00 UTC
    assert format_age(since, NOW) == "4 jam"


@pytest.mark.parametrize(
    ("days", "id_text", "en_text"),
    [
        (5, "sisa 5 hari kerja", "5 working days left"),
        (2, "sisa 2 hari kerja", "2 working days left"),
        (1, "sisa 1 hari kerja", "1 working day left"),
        (0, "jatuh tempo hari ini", "due today"),
        (-1, "terlambat 1 hari kerja", "1 working day overdue"),
        (-3, "terlambat 3 hari kerja", "3 working days overdue"),
    ],
)
def test_format_working_days_left(days: int, id_text: str, en_text: str) -> None:
    assert format_working_days_left(days) == id_text
    assert format_working_days_left(days, "en") == en_text


def test_working_days_must_be_an_int() -> None:
    with pytest.raises(TypeError):
        format_working_days_left(True)
    with pytest.raises(TypeError):
        format_working_days_left(1.5)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("moment", "kwargs", "expected"),
    [
        (utc(2026, 11, 28, 7, 5), {}, "2026-11-28T07:05:00.000000Z"),
        (utc(2026, 11, 28, 7, 5, 9, 120), {}, "2026-11-28T07:05:09.000120Z"),
        (utc(2026, 11, 28, 7, 5, 9, 120), {"timespec": "seconds"}, "2026-11-28T07:05:09Z"),
        (utc(2026, 11, 28, 7, 5, 9, 123456), {"timespec": "milliseconds"}, "2026-11-28T07:05:09.123Z"),
        (utc(2026, 11, 28, 7, 5), {"zone": JAKARTA, "timespec": "seconds"}, "2026-11-28T14:05:00+07:00"),
        (datetime(2026, 11, 28, 14, 5, tzinfo=JAKARTA), {"timespec": "seconds"}, "2026-11-28T07:05:00Z"),
        (utc(2026, 11, 27, 17, 0), {"zone": JAKARTA, "timespec": "seconds"}, "2026-11-28T00:00:00+07:00"),
    ],
)
def test_to_rfc3339(moment: datetime, kwargs: dict[str, object], expected: str) -> None:
    assert to_rfc3339(moment, **kwargs) == expected  # type: ignore[arg-type]


def test_to_rfc3339_rejects_an_unknown_timespec() -> None:
    with pytest.raises(ValueError, match="timespec"):
        to_rfc3339(NOW, timespec="hours")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-11-28T07:05:00Z", utc(2026, 11, 28, 7, 5)),
        ("2026-11-28t07:05:00z", utc(2026, 11, 28, 7, 5)),
        ("2026-11-28 07:05:00Z", utc(2026, 11, 28, 7, 5)),
        ("2026-11-28T14:05:00+07:00", utc(2026, 11, 28, 7, 5)),
        ("2026-11-28T00:30:00+07:00", utc(2026, 11, 27, 17, 30)),
        ("2026-11-27T20:05:00-11:00", utc(2026, 11, 28, 7, 5)),
        ("2026-11-28T07:05:00-00:00", utc(2026, 11, 28, 7, 5)),
        ("2026-11-28T07:05:00.5Z", utc(2026, 11, 28, 7, 5, 0, 500_000)),
        ("2026-11-28T07:05:00.123456789Z", utc(2026, 11, 28, 7, 5, 0, 123_456)),
        ("2026-11-28T23:59:59.9999999+00:00", utc(2026, 11, 28, 23, 59, 59, 999_999)),
    ],
)
def test_parse_rfc3339(text: str, expected: datetime) -> None:
    parsed = parse_rfc3339(text)
    assert parsed == expected
    assert parsed.utcoffset() == timedelta(0)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("2026-11-28T07:05:00", "no UTC offset"),
        ("2026-11-28 07:05:00.123", "no UTC offset"),
        ("2026-11-28", "not an RFC 3339"),
        ("2026-11-28T07:05Z", "not an RFC 3339"),
        ("28 Nov 2026 14.05 WIB", "not an RFC 3339"),
        ("2026-11-28T07:05:00+0700", "not an RFC 3339"),
        ("2026-11-28T07:05:00Z ", "not an RFC 3339"),
        ("２０２６-11-28T07:05:00Z", "not an RFC 3339"),  # full-width digits are not digits here
        ("2026-02-30T07:05:00Z", "not a valid date-time"),
        ("2026-11-28T24:00:00Z", "not a valid date-time"),
        ("2026-11-28T07:05:00+24:00", "impossible UTC offset"),
        ("2026-12-31T23:59:60Z", "leap second"),
        ("0001-01-01T00:00:00+01:00", "not a valid date-time"),
        ("", "not an RFC 3339"),
    ],
)
def test_parse_rfc3339_refuses(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_rfc3339(text)


def test_parse_rfc3339_wants_text() -> None:
    with pytest.raises(TypeError):
        parse_rfc3339(b"2026-11-28T07:05:00Z")  # type: ignore[arg-type]


aware_moments = st.datetimes(
    min_value=datetime(1970, 1, 2), max_value=datetime(9999, 12, 30), timezones=st.just(UTC)
) | st.datetimes(min_value=datetime(1970, 1, 2), max_value=datetime(9999, 12, 30), timezones=st.just(JAKARTA))


@given(aware_moments)
def test_rfc3339_round_trip_and_text_order(moment: datetime) -> None:
    text = to_rfc3339(moment)
    assert parse_rfc3339(text) == moment
    assert len(text) == len("2026-11-28T07:05:00.000000Z")
    assert parse_rfc3339(to_rfc3339(moment, zone=JAKARTA)) == moment


@given(aware_moments, aware_moments)
def test_default_text_sorts_like_the_time(a: datetime, b: datetime) -> None:
    assert (to_rfc3339(a) < to_rfc3339(b)) == (a < b)
