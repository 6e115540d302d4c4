"""Time for the seeder: when complaints arrive (weighted towards office hours) and when desks act.

Intake times are drawn by inverting the cumulative hourly weight over the window, from a per-index uniform
number, so complaint ``i`` always gets the same moment, the moments grow with ``i`` (public references run in
time order) and any chunk can be made without the ones before it.

Desk acts land in office hours (08:00-16:00 WIB) of working days: a duration in working days is laid out on
a line of office minutes built from the real ``WorkingCalendar``.
"""

from __future__ import annotations

import math
from bisect import bisect_right
from datetime import UTC, date, datetime, time, timedelta
from itertools import accumulate

from sambat_tui.domain.calendar import JAKARTA, WorkingCalendar

_OFFICE_START = time(8, 0)
_OFFICE_START_MINUTE = 8 * 60
OFFICE_MINUTES = 8 * 60
_MASK64 = (1 << 64) - 1

# Relative intake per hour of the day in Jakarta: citizens write in the morning and after work.
_HOURLY: tuple[float, ...] = (
    0.15, 0.08, 0.05, 0.05, 0.12, 0.35, 0.7, 1.1, 1.6, 1.9, 1.9, 1.7,
    1.4, 1.5, 1.6, 1.5, 1.3, 1.1, 1.0, 1.1, 1.1, 0.9, 0.6, 0.3,
)  # fmt: skip
_DAY_OFF_FACTOR = 0.45
_JAKARTA_OFFSET = JAKARTA.utcoffset(None)
_JAKARTA_SECONDS = 7 * 3600
_DAY_SECONDS = 86_400
_EPOCH_DAY = date(1970, 1, 1)


def unit(seed: int, index: int) -> float:
    """A uniform number in [0, 1) for ``index``: the splitmix64 finaliser, cheap and the same everywhere."""
    z = (seed * 0x9E3779B97F4A7C15 + (index + 1) * 0xBF58476D1CE4E5B9) & _MASK64
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & _MASK64
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & _MASK64
    return ((z ^ (z >> 31)) >> 11) / float(1 << 53)


class IntakeTimes:
    """Moments of ``count`` intakes spread over ``days`` days before ``end``."""

    def __init__(self, calendar: WorkingCalendar, end: datetime, days: int, count: int, seed: int) -> None:
        if count < 1:
            raise ValueError(f"count must be at least 1, got {count}")
        end = end.astimezone(UTC).replace(minute=0, second=0, microsecond=0)
        self.start = end - timedelta(days=days)
        self._count = count
        self._seed = seed
        hours = days * 24
        weights: list[float] = []
        for h in range(hours):
            local = (self.start + timedelta(hours=h)).astimezone(JAKARTA)
            factor = 1.0 if calendar.is_working_day(local.date()) else _DAY_OFF_FACTOR
            # A city that keeps adopting the channel: a little more each week.
            growth = 0.8 + 0.4 * h / hours
            weights.append(_HOURLY[local.hour] * factor * growth)
        self._cumulative = list(accumulate(weights))
        self._total = self._cumulative[-1]

    def at(self, index: int) -> datetime:
        target = (index + unit(self._seed, index)) / self._count * self._total
        hour = min(bisect_right(self._cumulative, target), len(self._cumulative) - 1)
        before = self._cumulative[hour - 1] if hour else 0.0
        share = (target - before) / (self._cumulative[hour] - before)
        micros = int(min(max(share, 0.0), 0.999999999) * 3_600_000_000)
        return self.start + timedelta(hours=hour, microseconds=micros)

    def first_index_at_or_after(self, moment: datetime) -> int:
        """The smallest index whose intake is at ``moment`` or later (``count`` when there is none)."""
        low, high = 0, self._count
        while low < high:
            middle = (low + high) // 2
            if self.at(middle) >= moment:
                high = middle
            else:
                low = middle + 1
        return low


def jakarta_day(moment: datetime) -> date:
    """``calendar.jakarta_date`` by arithmetic: ``calendar.JAKARTA`` is UTC+7 (WIB), without DST."""
    return ((moment if moment.tzinfo is UTC else moment.astimezone(UTC)) + _JAKARTA_OFFSET).date()


class OfficeClock:
    """Office minutes of working days between two dates, for laying out desk acts.

    Jakarta keeps UTC+7 all year (``calendar.JAKARTA``), so local time is plain arithmetic on Unix
    seconds, which is what makes the clock cheap enough to ask a few million times.
    """

    def __init__(self, calendar: WorkingCalendar, first: date, last: date) -> None:
        if last < first:
            raise ValueError(f"the clock's last day {last} is before its first day {first}")
        self._first = (first - _EPOCH_DAY).days
        self._days = (last - first).days + 1
        self._starts: list[int] = []
        """Unix seconds of 08:00 WIB of each working day."""
        self._index: list[int] = []
        """Per day from ``first``: the number of working days before it (its own index if it works)."""
        self._working: list[bool] = []
        for offset_days in range(self._days):
            day = first + timedelta(days=offset_days)
            self._index.append(len(self._starts))
            works = calendar.is_working_day(day)
            self._working.append(works)
            if works:
                start = datetime.combine(day, _OFFICE_START, tzinfo=UTC) - _JAKARTA_OFFSET
                self._starts.append(int(start.timestamp()))
        if not self._starts:
            raise ValueError(f"no working day between {first} and {last}")

    def minutes(self, moment: datetime) -> float:
        """Office minutes from the first working day up to ``moment`` (a day off counts as nothing)."""
        day, into = divmod(moment.timestamp() + _JAKARTA_SECONDS, _DAY_SECONDS)
        position = int(day) - self._first
        if position < 0:
            return 0.0
        if position >= self._days:
            return float(len(self._starts) * OFFICE_MINUTES)
        index = self._index[position]
        if not self._working[position]:
            return float(index * OFFICE_MINUTES)
        return index * OFFICE_MINUTES + min(max(into / 60 - _OFFICE_START_MINUTE, 0.0), float(OFFICE_MINUTES))

    def moment(self, minutes: float) -> datetime | None:
        """The moment ``minutes`` office minutes in (whole seconds); None beyond the clock's last day."""
        index, into = divmod(max(minutes, 0.0), OFFICE_MINUTES)
        if index >= len(self._starts):
            return None
        return datetime.fromtimestamp(self._starts[int(index)] + math.floor(into * 60), UTC)

    def after(self, moment: datetime, working_days: float) -> datetime | None:
        """``working_days`` of office time after ``moment``; None when that lies beyond the clock."""
        return self.moment(self.minutes(moment) + working_days * OFFICE_MINUTES)
