"""Reading GeoReport v2 arguments: query strings and form bodies, with the spec's rules for optional ones.

"Optional means that the response should be the same whether a parameter is passed and is empty or is not
passed at all": every reader here treats an empty (or blank) value as absent. Lists are "comma delimited"
and may also be "declared multiple times"; both forms are read. Dates are W3C date-times with an offset.
Every problem found is kept, so that one 400 answer names all of them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime, time, timedelta, timezone

from sambat_tui.central.open311.errors import bad_request
from sambat_tui.domain.calendar import JAKARTA

_W3C_DATETIME = re.compile(
    r"(?P<date>[0-9]{4}-[0-9]{2}-[0-9]{2})"
    r"[Tt](?P<hour>[0-9]{2}):(?P<minute>[0-9]{2})(?::(?P<second>[0-9]{2})(?:\.(?P<fraction>[0-9]+))?)?"
    r"(?P<zone>[Zz]|[+\- ][0-9]{2}:?[0-9]{2})"
)
_W3C_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
EARLIEST_YEAR, LATEST_YEAR = 1900, 2999
"""Dates outside these years are refused: Python's datetimes end at years 1 and 9999, and a window of 90 days
or a time zone added to a date at either end would overflow into a server error."""
_TRUE = frozenset({"true", "1", "yes"})
_FALSE = frozenset({"false", "0", "no"})


def parse_w3c(text: str) -> datetime:
    """A W3C date-time (``2026-11-02T09:00:00+07:00``, ``...Z``, seconds optional) as an aware UTC datetime.

    A bare date (``2026-11-02``) is that day from 00:00 in Jakarta, the jurisdiction's zone. A space where
    the offset's sign should be is read as ``+``: a client that did not percent-encode ``+07:00`` in a query
    string sends exactly that. A time without an offset is refused: the spec requires one, and so is a year
    before ``EARLIEST_YEAR`` or after ``LATEST_YEAR``.
    """
    value = text.strip()
    if _W3C_DATE.fullmatch(value):
        try:
            day = date.fromisoformat(value)
        except ValueError:
            raise ValueError("tanggal tidak ada / no such date") from None
        _in_range(day)
        return datetime.combine(day, time.min, tzinfo=JAKARTA).astimezone(UTC)
    match = _W3C_DATETIME.fullmatch(value)
    if match is None:
        raise ValueError("bukan tanggal W3C / not a W3C date-time (e.g. 2026-11-02T09:00:00+07:00)")
    zone = match["zone"]
    if zone in ("Z", "z"):
        offset = UTC
    else:
        digits = zone[1:].replace(":", "")
        hours, minutes = int(digits[:2]), int(digits[2:])
        if hours > 23 or minutes > 59:
            raise ValueError("zona waktu tidak mungkin / impossible UTC offset")
        delta = timedelta(hours=hours, minutes=minutes)
        offset = timezone(-delta if zone[0] == "-" else delta)
    fraction = (match["fraction"] or "")[:6].ljust(6, "0")
    try:
        moment = datetime.combine(
            date.fromisoformat(match["date"]),
            time(int(match["hour"]), int(match["minute"]), int(match["second"] or 0), int(fraction)),
            tzinfo=offset,
        )
    except ValueError:
        raise ValueError("tanggal atau jam tidak ada / no such date or time") from None
    _in_range(moment.date())
    return moment.astimezone(UTC)


def _in_range(day: date) -> None:
    if not EARLIEST_YEAR <= day.year <= LATEST_YEAR:
        raise ValueError(
            f"tahun harus {EARLIEST_YEAR}-{LATEST_YEAR} / the year must be {EARLIEST_YEAR}-{LATEST_YEAR}"
        )


class ParamReader:
    """Arguments by name, from (name, value) pairs in the order they came; problems are collected."""

    def __init__(self, pairs: Iterable[tuple[str, str]]) -> None:
        self._values: dict[str, list[str]] = {}
        for name, value in pairs:
            self._values.setdefault(name, []).append(value)
        self.errors: list[str] = []

    def names(self) -> list[str]:
        return list(self._values)

    def problem(self, message: str) -> None:
        self.errors.append(message)

    def text(self, name: str) -> str | None:
        """The value of ``name``; None when absent or blank. Sent twice, the last non-blank value counts."""
        values = [v for v in self._values.get(name, ()) if v.strip()]
        return values[-1] if values else None

    def texts(self, name: str) -> tuple[str, ...]:
        """Every value of a comma-delimited list, over every time the parameter was sent; blanks dropped."""
        found: list[str] = []
        for value in self._values.get(name, ()):
            found.extend(part.strip() for part in value.split(",") if part.strip())
        return tuple(dict.fromkeys(found))

    def raw(self, name: str) -> Sequence[str]:
        """Every value as sent, blanks included (attribute answers keep their own rules)."""
        return tuple(self._values.get(name, ()))

    def moment(self, name: str) -> datetime | None:
        value = self.text(name)
        if value is None:
            return None
        try:
            return parse_w3c(value)
        except ValueError as error:
            self.problem(f"{name}: {error}")
            return None

    def flag(self, name: str) -> bool:
        value = self.text(name)
        if value is None:
            return False
        lowered = value.strip().lower()
        if lowered in _TRUE:
            return True
        if lowered not in _FALSE:
            self.problem(f"{name}: harus true atau false / must be true or false")
        return False

    def integer(self, name: str, *, low: int, high: int) -> int | None:
        value = self.text(name)
        if value is None:
            return None
        stripped = value.strip()
        if not stripped.isascii() or not stripped.isdigit():
            self.problem(f"{name}: harus bilangan bulat {low}-{high} / must be a whole number {low}-{high}")
            return None
        number = int(stripped)
        if not low <= number <= high:
            self.problem(f"{name}: harus antara {low} dan {high} / must be between {low} and {high}")
            return None
        return number

    def check(self) -> None:
        """Raise one 400 that lists every problem found so far."""
        if self.errors:
            raise bad_request(self.errors)
