"""Working days (hari kerja) in Asia/Jakarta: Monday to Friday minus national holidays and cuti bersama.

Every SLA deadline is counted here. A deadline is the end of a working day in Jakarta (23:59:59.999999 WIB),
returned as an aware UTC datetime, because the server stores UTC. Dates outside the years the holiday list
covers still compute, with weekends only; ``covers`` lets a caller warn that the list needs its next year.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Mapping
from datetime import UTC, date, datetime, time, timedelta, timezone
from pathlib import Path
from types import MappingProxyType

from sambat_tui.domain.holidays import read_holidays

JAKARTA = timezone(timedelta(hours=7), "WIB")
"""Asia/Jakarta, which has kept UTC+7 (WIB) without daylight saving since 1964: a fixed offset is exact for
every date a complaint can carry, and needs no time-zone database (``zoneinfo`` and the search for its files
were ~5 ms of the app's start)."""
_ONE_DAY = timedelta(days=1)


def _require_aware(value: datetime, name: str) -> None:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name} must be timezone-aware (got naive {value.isoformat()}); deadlines are UTC")


def _require_plain_date(value: date, name: str) -> None:
    # datetime is a subclass of date; taking its date part silently would use the wrong time zone.
    if isinstance(value, datetime):
        raise TypeError(f"{name} must be a date, not a datetime; convert with jakarta_date() first")


def jakarta_date(moment: datetime) -> date:
    """The calendar date in Jakarta at an aware moment."""
    _require_aware(moment, "moment")
    return moment.astimezone(JAKARTA).date()


def end_of_day(day: date) -> datetime:
    """The last instant of a Jakarta day, as an aware UTC datetime."""
    return datetime.combine(day, time.max, tzinfo=JAKARTA).astimezone(UTC)


def _weekdays_through(ordinal: int) -> int:
    # Ordinal 1 (0001-01-01) is a Monday, so ordinals 1..7 are Monday..Sunday.
    weeks, rest = divmod(ordinal, 7)
    return weeks * 5 + min(rest, 5)


class WorkingCalendar:
    def __init__(self, holidays: Mapping[date, str]) -> None:
        for day in holidays:
            _require_plain_date(day, "a holiday key")
        self._holidays: Mapping[date, str] = MappingProxyType(dict(holidays))
        # Only holidays on weekdays change a count; sorted ordinals make counting a bisection.
        self._weekday_holidays = sorted(d.toordinal() for d in self._holidays if d.weekday() < 5)
        years = sorted({d.year for d in self._holidays})
        if years and len(years) != years[-1] - years[0] + 1:
            missing = sorted(set(range(years[0], years[-1] + 1)) - set(years))
            raise ValueError(f"holidays skip the year(s) {missing}; a covered range must have no gap")
        self._years = range(years[0], years[-1] + 1) if years else range(0)

    @classmethod
    def load(cls, path: Path | None = None) -> WorkingCalendar:
        """Read a holiday file (default: the shipped ``domain/data/holidays.csv``)."""
        return cls({h.day: h.name for h in read_holidays(path)})

    @property
    def holidays(self) -> Mapping[date, str]:
        return self._holidays

    @property
    def covered_years(self) -> range:
        """The years the holiday list covers (empty when it lists none)."""
        return self._years

    def covers(self, d: date) -> bool:
        """Whether the holiday list covers d's year; outside it only weekends are skipped."""
        _require_plain_date(d, "d")
        return d.year in self._years

    def holiday_name(self, d: date) -> str | None:
        _require_plain_date(d, "d")
        return self._holidays.get(d)

    def is_working_day(self, d: date) -> bool:
        _require_plain_date(d, "d")
        return d.weekday() < 5 and d not in self._holidays

    def add_working_days(self, start: datetime, n: int) -> datetime:
        """End of the n-th working day after start's Jakarta date, as an aware UTC datetime.

        n = 0 means the working day start falls on, or the next one when start is on a day off.
        """
        _require_aware(start, "start")
        if n < 0:
            raise ValueError(f"n must be zero or more working days, got {n}")
        day = jakarta_date(start)
        if n == 0:
            while not self.is_working_day(day):
                day += _ONE_DAY
            return end_of_day(day)
        remaining = n
        while remaining:
            day += _ONE_DAY
            if self.is_working_day(day):
                remaining -= 1
        return end_of_day(day)

    def working_days_between(self, start: date, end: date) -> int:
        """Working days after start up to and including end; negative when end is before start."""
        _require_plain_date(start, "start")
        _require_plain_date(end, "end")
        return self._working_days_through(end.toordinal()) - self._working_days_through(start.toordinal())

    def working_days_left(self, due: datetime, now: datetime) -> int:
        """Working days from now's Jakarta date to the due date: 0 = due today, below 0 = overdue.

        Once the due moment has passed the answer is at most -1, even over a weekend, so that a negative
        number and ``is_overdue`` always agree.
        """
        _require_aware(due, "due")
        _require_aware(now, "now")
        due_day, today = jakarta_date(due), jakarta_date(now)
        if now > due:
            return -max(1, self.working_days_between(due_day, today))
        return self.working_days_between(today, due_day)

    def is_overdue(self, due: datetime, now: datetime) -> bool:
        _require_aware(due, "due")
        _require_aware(now, "now")
        return now > due

    def _working_days_through(self, ordinal: int) -> int:
        return _weekdays_through(ordinal) - bisect_right(self._weekday_holidays, ordinal)
