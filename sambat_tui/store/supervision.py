"""The supervisor's figures, as SQL aggregates over the cache: workload, escalations, backlog, SLA, medians.

Every function reads an index range (migration 3 and the inbox indexes), never walks the whole table in
Python, and returns small lists. Times are the cache's: complaint columns in UTC epoch seconds, timeline
moments in UTC microseconds. "Open" is every status but closed and archived.

Working days in SQL: a TEMP table of the connection maps each Jakarta day (days since 1970-01-01 in WIB,
UTC+7 without daylight saving) to the number of working days up to it, filled from ``WorkingCalendar`` for
the days a query needs. The working days between two moments are then the difference of two look-ups, the
same count as ``WorkingCalendar.working_days_between`` of their Jakarta dates.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from typing import Final

from sambat_tui.domain.calendar import WorkingCalendar
from sambat_tui.domain.model import DispositionKind, Status, UpdateKind

OPEN: Final = tuple(s.value for s in Status if s.is_open)
_OPEN_MARKS: Final = ", ".join("?" for _ in OPEN)
WIB_OFFSET: Final = 7 * 3600
DAY: Final = 86_400
WEEK: Final = 7 * DAY
_EPOCH_DATE: Final = date(1970, 1, 1)
_WORKDAYS: Final = "temp.supervision_workdays"


class Group(StrEnum):
    """What a workload or median row is about."""

    DESK = "desk"
    PERSON = "person"
    WEEK = "week"


@dataclass(frozen=True, slots=True)
class Load:
    key: str | None
    """A desk id or a user id; None for complaints at no desk / with nobody assigned."""
    open: int
    due_soon: int
    """Open, not overdue, at most ``due_soon`` working days left (the caller's cutoff)."""
    overdue: int
    taken_today: int


@dataclass(frozen=True, slots=True)
class Escalation:
    complaint_id: str
    public_ref: str
    title: str
    status: Status
    desk_id: str | None
    assignee_id: str | None
    escalation_level: int
    escalated_at_us: int
    reason: str
    rule_id: str | None


@dataclass(frozen=True, slots=True)
class Backlog:
    key: str | None
    """A category code, or a kecamatan folded to lower case (None: not given)."""
    open: int
    overdue: int


@dataclass(frozen=True, slots=True)
class WeekSla:
    week: int
    """0 for the first week asked for."""
    met: int
    missed: int


@dataclass(frozen=True, slots=True)
class Median:
    key: str | int | None
    """A desk id (None: no desk), or a week index for ``Group.WEEK``."""
    median_days: float
    count: int


class Measure(StrEnum):
    FIRST_RESPONSE = "first_response"
    CLOSE = "close"


# ------------------------------------------------------------------------------------------- workload


def workload(
    conn: sqlite3.Connection,
    group: Group,
    *,
    now: int,
    due_soon_until: int,
    day_start_us: int,
    day_end_us: int,
    found_takes: list[Take] | None = None,
) -> list[Load]:
    """Open, due soon, overdue and taken today, per desk or per person.

    ``due_soon_until``: the latest deadline (epoch seconds) that counts as due soon
    (``QueryContext.due_cutoff``).
    ``day_start_us``/``day_end_us``: today in Jakarta, UTC microseconds. Taken today: see ``takes``
    (pass ``found_takes`` to reuse them for the other grouping).
    """
    if group not in (Group.DESK, Group.PERSON):
        raise ValueError(f"workload is per desk or per person, not per {group}")
    column = "desk_id" if group is Group.DESK else "assignee_id"
    rows = conn.execute(
        f"SELECT {column}, count(*), sum(due_at >= ? AND due_at <= ?), sum(due_at < ?) "
        f"FROM complaints INDEXED BY inbox_due WHERE status IN ({_OPEN_MARKS}) GROUP BY {column}",
        (now, due_soon_until, now, *OPEN),
    ).fetchall()
    loads = {r[0]: [r[1], r[2] or 0, r[3] or 0, 0] for r in rows}
    day = found_takes if found_takes is not None else takes(conn, day_start_us, day_end_us)
    for key, count in taken(day, group).items():
        loads.setdefault(key, [0, 0, 0, 0])[3] = count
    return sorted(
        (Load(key, *values) for key, values in loads.items()),
        key=lambda load: (load.key is None, load.key or ""),
    )


_TAKES: Final = f"""
WITH moved AS (
    SELECT t.id, t.complaint_id, t.at_us,
           json_extract(t.data, '$.status_after') AS after,
           json_extract(t.data, '$.author_id') AS author
    FROM timeline AS t INDEXED BY timeline_kind
    WHERE t.kind = '{UpdateKind.STATUS_CHANGE.value}' AND t.at_us >= ? AND t.at_us < ?
),
-- Each look-back reads one complaint's own timeline (timeline_order): the kind index would read every
-- row of that kind for every change of the day.
judged AS (
    SELECT moved.complaint_id, moved.author, moved.after,
           coalesce(
               (SELECT json_extract(p.data, '$.status_after') FROM timeline AS p INDEXED BY timeline_order
                WHERE p.complaint_id = moved.complaint_id AND p.kind = '{UpdateKind.STATUS_CHANGE.value}'
                  AND (p.at_us < moved.at_us OR (p.at_us = moved.at_us AND p.id < moved.id))
                ORDER BY p.at_us DESC, p.id DESC LIMIT 1),
               CASE WHEN EXISTS (SELECT 1 FROM timeline AS r INDEXED BY timeline_order
                                 WHERE r.complaint_id = moved.complaint_id
                                 AND r.kind = '{DispositionKind.AUTO_ROUTE.value}')
                    THEN '{Status.ASSIGNED.value}' ELSE '{Status.RECEIVED.value}' END
           ) AS before
    FROM moved
)
"""


@dataclass(frozen=True, slots=True)
class Take:
    complaint_id: str
    desk_id: str | None
    """Where the complaint is now."""
    author: str | None
    """Who took it."""


def takes(conn: sqlite3.Connection, start_us: int, end_us: int) -> list[Take]:
    """The takes between two moments (one per complaint and person), with the desk each complaint is at now.

    The server writes a ``status_change`` update for every transition; only ``take`` leaves the status as it
    was. So a take is a status change whose status equals the one before it: the previous status change of
    the complaint, or, when there is none, its status at intake (assigned when it was routed automatically).
    The result is as long as the period's takes (a day's work), never the cache.
    """
    sql = (
        _TAKES + "SELECT DISTINCT j.complaint_id, c.desk_id, j.author FROM judged AS j "
        "JOIN complaints AS c ON c.id = j.complaint_id WHERE j.after = j.before"
    )
    return [Take(r[0], r[1], r[2]) for r in conn.execute(sql, (start_us, end_us))]


def taken(found: list[Take], group: Group) -> dict[str | None, int]:
    """Complaints taken, per desk (where each is now) or per person (who took it)."""
    if group not in (Group.DESK, Group.PERSON):
        raise ValueError(f"takes are per desk or per person, not per {group}")
    seen: dict[str | None, set[str]] = {}
    for take in found:
        seen.setdefault(take.desk_id if group is Group.DESK else take.author, set()).add(take.complaint_id)
    return {key: len(ids) for key, ids in seen.items()}


# ---------------------------------------------------------------------------------------- escalations


def escalations(conn: sqlite3.Connection, *, limit: int = 500, open_only: bool = True) -> list[Escalation]:
    """What the periodic job escalated (``escalate`` dispositions), oldest first."""
    where = f" AND c.status IN ({_OPEN_MARKS})" if open_only else ""
    rows = conn.execute(
        "SELECT c.id, c.public_ref, c.title, c.status, c.desk_id, c.assignee_id, c.escalation_level, "
        "t.at_us, json_extract(t.data, '$.reason'), json_extract(t.data, '$.rule_id') "
        "FROM timeline AS t INDEXED BY timeline_kind JOIN complaints AS c ON c.id = t.complaint_id "
        f"WHERE t.kind = ?{where} ORDER BY t.at_us, t.id LIMIT ?",
        (DispositionKind.ESCALATE.value, *(OPEN if open_only else ()), limit),
    ).fetchall()
    return [
        Escalation(
            complaint_id=r[0],
            public_ref=r[1],
            title=r[2],
            status=Status(r[3]),
            desk_id=r[4],
            assignee_id=r[5],
            escalation_level=r[6],
            escalated_at_us=r[7],
            reason=r[8] if isinstance(r[8], str) else "",
            rule_id=r[9] if isinstance(r[9], str) else None,
        )
        for r in rows
    ]


def escalations_between(conn: sqlite3.Connection, start_us: int, end_us: int) -> int:
    """How many escalations the job wrote in a time range (any status now)."""
    row = conn.execute(
        "SELECT count(*) FROM timeline INDEXED BY timeline_kind WHERE kind = ? AND at_us >= ? AND at_us < ?",
        (DispositionKind.ESCALATE.value, start_us, end_us),
    ).fetchone()
    return int(row[0])


# -------------------------------------------------------------------------------------------- backlog


class BacklogBy(StrEnum):
    CATEGORY = "category"
    KECAMATAN = "kecamatan"


def backlog(conn: sqlite3.Connection, by: BacklogBy, *, now: int) -> list[Backlog]:
    """Open complaints and how many of them are overdue, per category or per kecamatan, largest first.

    Kecamatan are grouped case-insensitively by ``kec_key`` (the folded name), read from the inbox index
    alone; the caller capitalises it for display.
    """
    if by is BacklogBy.CATEGORY:
        sql = (
            "SELECT category_code, count(*), sum(due_at < ?) FROM complaints INDEXED BY inbox_due "
            f"WHERE status IN ({_OPEN_MARKS}) GROUP BY category_code"
        )
    else:
        sql = (
            "SELECT kec_key, count(*), sum(due_at < ?) FROM complaints INDEXED BY inbox_due "
            f"WHERE status IN ({_OPEN_MARKS}) GROUP BY kec_key"
        )
    rows = conn.execute(sql, (now, *OPEN)).fetchall()
    found = [Backlog(r[0], r[1], r[2] or 0) for r in rows]
    return sorted(found, key=lambda b: (-b.open, b.key is None, b.key or ""))


def opened_between(conn: sqlite3.Connection, start: int, end: int) -> int:
    row = conn.execute(
        "SELECT count(*) FROM complaints INDEXED BY complaints_created "
        "WHERE created_at >= ? AND created_at < ?",
        (start, end),
    ).fetchone()
    return int(row[0])


def closed_between(conn: sqlite3.Connection, start: int, end: int) -> int:
    row = conn.execute(
        "SELECT count(*) FROM complaints INDEXED BY complaints_closed WHERE closed_at >= ? AND closed_at < ? "
        "AND status = ?",
        (start, end, Status.CLOSED.value),
    ).fetchone()
    return int(row[0])


# ------------------------------------------------------------------------------------------------ SLA


def response_sla(conn: sqlite3.Connection, *, origin: int, weeks: int, now: int) -> list[WeekSla]:
    """Per week from ``origin`` (a Monday 00:00 WIB, epoch seconds): complaints whose first-response
    deadline fell in the week, answered by it (met) or not (missed: answered late, or still unanswered once
    it passed). Archived complaints and duplicates (their original answers for them) are left out; a
    deadline still ahead and unanswered counts as neither. Weeks without such deadlines are absent."""
    end = origin + weeks * WEEK
    rows = conn.execute(
        "SELECT (response_due - ?) / ? AS week, "
        "sum(first_response_at IS NOT NULL AND first_response_at <= response_due), "
        "sum(coalesce(first_response_at > response_due, response_due < ?)) "
        "FROM complaints INDEXED BY complaints_response_due "
        "WHERE response_due >= ? AND response_due < ? AND status != ? AND duplicate_of IS NULL "
        "GROUP BY week ORDER BY week",
        (origin, WEEK, now, origin, end, Status.ARCHIVED.value),
    ).fetchall()
    return [WeekSla(r[0], r[1] or 0, r[2] or 0) for r in rows]


# -------------------------------------------------------------------------------------------- medians


def jakarta_day(epoch_seconds: int) -> int:
    """Days since 1970-01-01 of the moment's date in Jakarta (the key of the working-day table)."""
    return (epoch_seconds + WIB_OFFSET) // DAY


def _fill_workdays(conn: sqlite3.Connection, calendar: WorkingCalendar, first: int, last: int) -> None:
    """The working-day table for Jakarta days ``first``..``last``: ``through`` = working days after day
    ``first`` up to and including the day (so a difference of two rows is ``working_days_between``)."""
    conn.execute(
        f"CREATE TEMP TABLE IF NOT EXISTS {_WORKDAYS.removeprefix('temp.')} "
        "(day INTEGER PRIMARY KEY, through INTEGER NOT NULL)"
    )
    conn.execute(f"DELETE FROM {_WORKDAYS}")
    rows: list[tuple[int, int]] = []
    through = 0
    for day in range(first, last + 1):
        if day > first and calendar.is_working_day(_EPOCH_DATE + timedelta(days=day)):
            through += 1
        rows.append((day, through))
    conn.executemany(f"INSERT INTO {_WORKDAYS} (day, through) VALUES (?, ?)", rows)


_MEASURES: Final[dict[Measure, tuple[str, str, str]]] = {
    # (end column, its index, extra condition)
    Measure.FIRST_RESPONSE: ("first_response_at", "complaints_first_response", ""),
    Measure.CLOSE: ("closed_at", "complaints_closed", f" AND c.status = '{Status.CLOSED.value}'"),
}


def medians(
    conn: sqlite3.Connection,
    measure: Measure,
    group: Group,
    *,
    start: int,
    end: int,
    calendar: WorkingCalendar,
) -> list[Median]:
    """Median working days from intake to the first response (or to close) of the complaints that reached
    it in ``[start, end)`` (epoch seconds), per desk, or per week counted from ``start``. Duplicates are
    left out (they follow their original). The median of an even count is the mean of the middle two.
    """
    column, index, extra = _MEASURES[measure]
    if group is Group.DESK:
        key = "c.desk_id"
    elif group is Group.WEEK:
        key = f"(c.{column} - {int(start)}) / {WEEK}"
    else:
        raise ValueError(f"medians are per desk or per week, not per {group}")
    where = f"c.{column} >= ? AND c.{column} < ? AND c.duplicate_of IS NULL{extra}"
    bounds = conn.execute(
        f"SELECT min(c.created_at), max(c.{column}) FROM complaints AS c INDEXED BY {index} WHERE {where}",
        (start, end),
    ).fetchone()
    if bounds[0] is None:
        return []
    # Every intake day and every end day of the rows lies in this range (an end lies before ``end``).
    first_day = min(jakarta_day(bounds[0]), jakarta_day(start))
    last_day = max(jakarta_day(bounds[1]), jakarta_day(end))
    _fill_workdays(conn, calendar, first_day, last_day)
    rows = conn.execute(
        f"""
        WITH spans AS (
            SELECT {key} AS k, done.through - made.through AS days
            FROM complaints AS c INDEXED BY {index}
            JOIN {_WORKDAYS} AS made ON made.day = (c.created_at + {WIB_OFFSET}) / {DAY}
            JOIN {_WORKDAYS} AS done ON done.day = (c.{column} + {WIB_OFFSET}) / {DAY}
            WHERE {where}
        ),
        ranked AS (
            SELECT k, days,
                   row_number() OVER (PARTITION BY k ORDER BY days) AS n,
                   count(*) OVER (PARTITION BY k) AS total
            FROM spans
        )
        SELECT k, avg(days), max(total) FROM ranked
        WHERE n IN ((total + 1) / 2, (total + 2) / 2)
        GROUP BY k
        ORDER BY k IS NULL, k
        """,
        (start, end),
    ).fetchall()
    return [Median(r[0], float(r[1]), r[2]) for r in rows]
