"""Times for people in Asia/Jakarta, and RFC 3339 text for machines.

People read "28 Nov 2026 14.05 WIB" (Indonesian writes the time with a dot; English keeps the colon and the
"WIB"), ages like "3 hari", and SLA clocks like "sisa 2 hari kerja". Machines exchange RFC 3339 with an
offset; a time without one is refused, never guessed, because the server stores UTC and a naive time has no
meaning.

The wording lives here rather than in the UI catalogues because headless commands (``list --plain``, export)
print the same words without loading the UI.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta, timezone, tzinfo
from typing import Literal

from sambat_tui.domain.calendar import JAKARTA  # re-exported: the zone every time here is shown in

__all__ = [
    "JAKARTA",
    "LANGUAGES",
    "format_age",
    "format_date",
    "format_datetime",
    "format_working_days_left",
    "parse_rfc3339",
    "to_rfc3339",
]

LANGUAGES: tuple[str, ...] = ("id", "en")

_MONTHS: dict[str, tuple[str, ...]] = {
    "id": ("Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agu", "Sep", "Okt", "Nov", "Des"),
    "en": ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"),
}
_TIME_SEPARATOR = {"id": ".", "en": ":"}
# Jakarta has been UTC+7 since 1964; the label is the one people know, whatever tzdata calls older offsets.
_ZONE_LABEL = "WIB"


def _check_lang(lang: str) -> str:
    if lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}; expected one of: {', '.join(LANGUAGES)}")
    return lang


def _require_aware(moment: datetime, name: str) -> None:
    if not isinstance(moment, datetime):
        raise TypeError(f"{name} must be a datetime, got {type(moment).__name__}")
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{name} must be timezone-aware, got naive {moment.isoformat()}")


def _day_text(day: date, lang: str) -> str:
    return f"{day.day} {_MONTHS[lang][day.month - 1]} {day.year}"


def format_datetime(moment: datetime, lang: str = "id") -> str:
    """``28 Nov 2026 14.05 WIB`` (``14:05`` in English), in Jakarta time."""
    _check_lang(lang)
    _require_aware(moment, "moment")
    local = moment.astimezone(JAKARTA)
    separator = _TIME_SEPARATOR[lang]
    return f"{_day_text(local.date(), lang)} {local.hour:02d}{separator}{local.minute:02d} {_ZONE_LABEL}"


def format_date(day: date, lang: str = "id") -> str:
    """``28 Nov 2026``. An aware datetime counts as the Jakarta date it falls on."""
    _check_lang(lang)
    if isinstance(day, datetime):
        _require_aware(day, "day")
        day = day.astimezone(JAKARTA).date()
    elif not isinstance(day, date):
        raise TypeError(f"day must be a date or a datetime, got {type(day).__name__}")
    return _day_text(day, lang)


# (seconds per unit, Indonesian word, English singular and plural, compact id, compact en), largest first.
_AGE_UNITS: tuple[tuple[int, str, str, str, str, str], ...] = (
    (86_400, "hari", "day", "days", "h", "d"),
    (3_600, "jam", "hour", "hours", "j", "h"),
    (60, "menit", "minute", "minutes", "m", "m"),
)
_COMPACT_DAYS_MAX = 1000
"""From this many days on a compact age is in whole years (``2th``, tahun / ``2y``)."""
_JUST_NOW = {"id": "baru saja", "en": "just now"}
_JUST_NOW_COMPACT = {"id": "<1m", "en": "<1m"}


def format_age(since: datetime, now: datetime, lang: str = "id", *, compact: bool = False) -> str:
    """How long ago ``since`` was, in its largest whole unit: ``3 hari``, ``2 jam``, ``3 days``, ``1 hour``.

    Below a minute it is "baru saja" / "just now"; ``compact`` gives ``3h``/``2j`` (Indonesian hari/jam) or
    ``3d``/``2h`` for narrow columns. A ``since`` after ``now`` (a client clock ahead of the server's) counts
    as just now rather than as a negative age.
    """
    _check_lang(lang)
    _require_aware(since, "since")
    _require_aware(now, "now")
    seconds = max(0, int((now - since).total_seconds()))
    if compact and seconds >= _COMPACT_DAYS_MAX * 86_400:
        # Four characters at most: "1097h" would lose its unit in a narrow column (years of history cached).
        return f"{seconds // (365 * 86_400)}{'th' if lang == 'id' else 'y'}"
    for unit_seconds, word_id, one_en, many_en, short_id, short_en in _AGE_UNITS:
        count = seconds // unit_seconds
        if count:
            if compact:
                return f"{count}{short_id if lang == 'id' else short_en}"
            if lang == "id":
                return f"{count} {word_id}"
            return f"{count} {one_en if count == 1 else many_en}"
    return (_JUST_NOW_COMPACT if compact else _JUST_NOW)[lang]


def format_working_days_left(days: int, lang: str = "id") -> str:
    """An SLA clock from ``WorkingCalendar.working_days_left``: 0 is due today, below 0 is overdue.

    ``sisa 2 hari kerja`` / ``jatuh tempo hari ini`` / ``terlambat 3 hari kerja``, and in English
    ``2 working days left`` / ``due today`` / ``3 working days overdue``.
    """
    _check_lang(lang)
    if isinstance(days, bool) or not isinstance(days, int):
        raise TypeError(f"days must be an int, got {type(days).__name__}")
    count = abs(days)
    if lang == "id":
        if days == 0:
            return "jatuh tempo hari ini"
        return f"sisa {count} hari kerja" if days > 0 else f"terlambat {count} hari kerja"
    if days == 0:
        return "due today"
    unit = "working day" if count == 1 else "working days"
    return f"{count} {unit} left" if days > 0 else f"{count} {unit} overdue"


def to_rfc3339(
    moment: datetime,
    *,
    zone: tzinfo = UTC,
    timespec: Literal["seconds", "milliseconds", "microseconds"] = "microseconds",
) -> str:
    """RFC 3339 text of an aware datetime, in ``zone`` (UTC by default, written ``Z``).

    The default keeps microseconds and a fixed width, so the text of two UTC times sorts as the times do and
    parses back to the same instant. ``zone=JAKARTA`` gives ``+07:00`` for people; ``timespec="seconds"``
    drops the fraction for exports.
    """
    _require_aware(moment, "moment")
    if timespec not in ("seconds", "milliseconds", "microseconds"):
        raise ValueError(f"timespec must be seconds, milliseconds or microseconds, got {timespec!r}")
    text = moment.astimezone(zone).isoformat(timespec=timespec)
    return text[:-6] + "Z" if text.endswith("+00:00") else text


_RFC3339 = re.compile(
    r"(?P<year>[0-9]{4})-(?P<month>[0-9]{2})-(?P<day>[0-9]{2})"
    r"[Tt ](?P<hour>[0-9]{2}):(?P<minute>[0-9]{2}):(?P<second>[0-9]{2})(?:\.(?P<fraction>[0-9]+))?"
    r"(?P<offset>[Zz]|(?P<sign>[+-])(?P<off_hour>[0-9]{2}):(?P<off_minute>[0-9]{2}))?"
)


def parse_rfc3339(text: str) -> datetime:
    """The aware UTC datetime of an RFC 3339 date-time; a time without an offset is refused.

    ``T``, ``t`` or a space separate date and time; fractions beyond microseconds are cut, not rounded, so
    ``23:59:59.9999999`` stays on its day. A leap second (``:60``) is refused: Python cannot represent it.
    """
    if not isinstance(text, str):
        raise TypeError(f"expected str, got {type(text).__name__}")
    match = _RFC3339.fullmatch(text)
    if match is None:
        raise ValueError(f"not an RFC 3339 date-time: {text[:64]!r}")
    if match["offset"] is None:
        raise ValueError(f"{text!r} has no UTC offset; naive times are refused (add Z or +07:00)")
    if match["second"] == "60":
        raise ValueError(f"{text!r} is a leap second, which cannot be represented")
    if match["sign"] is None:
        offset = UTC
    else:
        off_hour, off_minute = int(match["off_hour"]), int(match["off_minute"])
        if off_hour > 23 or off_minute > 59:
            raise ValueError(f"{text!r} has an impossible UTC offset")
        delta = timedelta(hours=off_hour, minutes=off_minute)
        offset = timezone(-delta if match["sign"] == "-" else delta)
    fraction = (match["fraction"] or "")[:6].ljust(6, "0")
    try:
        moment = datetime(
            int(match["year"]),
            int(match["month"]),
            int(match["day"]),
            int(match["hour"]),
            int(match["minute"]),
            int(match["second"]),
            int(fraction),
            tzinfo=offset,
        ).astimezone(UTC)
    except (ValueError, OverflowError) as error:
        raise ValueError(f"{text!r} is not a valid date-time: {error}") from None
    return moment
