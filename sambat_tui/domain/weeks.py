"""ISO weeks in Jakarta time, the unit of the supervisor's charts and the weekly report (``2026-W05``).

A week runs from Monday 00:00 WIB to the next Monday 00:00 WIB. Asia/Jakarta has kept UTC+7 without daylight
saving since 1964, so a week's bounds are exact seconds and a moment's week is plain arithmetic.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sambat_tui.domain.calendar import JAKARTA, jakarta_date

_WEEK = re.compile(r"^(\d{4})-?W(\d{2})$", re.IGNORECASE)
ONE_WEEK = timedelta(weeks=1)


class WeekError(ValueError):
    """Not an ISO week such as ``2026-W05``. ``code`` names the message and ``params`` fill it, so a caller
    can say it in the user's language (the text of the exception is English, for logs)."""

    def __init__(self, code: str, message: str, /, **params: object) -> None:
        super().__init__(message)
        self.code = code
        self.params: dict[str, object] = params


@dataclass(frozen=True, order=True, slots=True)
class IsoWeek:
    year: int
    week: int

    def __post_init__(self) -> None:
        last = date(self.year, 12, 28).isocalendar().week  # 28 December always lies in the last ISO week
        if not 1 <= self.week <= last:
            raise WeekError(
                "week.range",
                f"{self.year} has ISO weeks 1 to {last}, not {self.week}",
                year=self.year,
                last=last,
                week=self.week,
            )

    @classmethod
    def parse(cls, text: str) -> IsoWeek:
        match = _WEEK.match(text.strip())
        if match is None:
            raise WeekError(
                "week.format",
                f"not an ISO week (expected YYYY-Www, e.g. 2026-W05): {text[:40]!r}",
                text=text[:40],
            )
        year, week = int(match.group(1)), int(match.group(2))
        if year < 1:
            raise WeekError("week.year", f"year {year} is out of range", year=year)
        return cls(year, week)

    @classmethod
    def of(cls, moment: datetime) -> IsoWeek:
        """The week a moment falls in, in Jakarta."""
        iso = jakarta_date(moment).isocalendar()
        return cls(iso.year, iso.week)

    @property
    def monday(self) -> date:
        return date.fromisocalendar(self.year, self.week, 1)

    @property
    def sunday(self) -> date:
        return date.fromisocalendar(self.year, self.week, 7)

    @property
    def start(self) -> datetime:
        """Monday 00:00 WIB, as an aware UTC datetime."""
        return datetime.combine(self.monday, time.min, tzinfo=JAKARTA).astimezone(UTC)

    @property
    def end(self) -> datetime:
        """The next Monday 00:00 WIB (exclusive)."""
        return self.start + ONE_WEEK

    def shifted(self, weeks: int) -> IsoWeek:
        return IsoWeek.of(self.start + weeks * ONE_WEEK + timedelta(hours=12))

    def __str__(self) -> str:
        return f"{self.year:04d}-W{self.week:02d}"


def last_weeks(until: IsoWeek, count: int) -> tuple[IsoWeek, ...]:
    """``count`` consecutive weeks ending with ``until``, oldest first."""
    if count < 1:
        raise ValueError(f"count must be at least 1, got {count}")
    return tuple(until.shifted(-i) for i in reversed(range(count)))
