"""The inbox read side: keyset pages of complaints for a filter query and a sort, and counts for the tabs.

Paging is by keyset only, never OFFSET: a ``Cursor`` is the position (sort key values, ``rid``) of a row,
and a page is "the next ``limit`` rows after (or before) it". Cursors stay valid while rows are inserted or
changed. Every row carries its own cursor, so the UI can continue from any row it shows::

    first = inbox.page(conn, query, ctx, sort=Sort.DUE)                 # top of the list
    more = inbox.page(conn, query, ctx, sort=Sort.DUE, after=first.next_cursor)
    above = inbox.page_before(conn, query, ctx, sort=Sort.DUE, before=more.rows[0].cursor)
    bottom = inbox.last_page(conn, query, ctx, sort=Sort.DUE)           # jump to the end

How a page is found (``Page.plan`` says which way was taken):

- ``walk``: walk the sort's index, one arm per allowed status, merged (``status, sort keys, rid`` indexes:
  ``inbox_due``, ``inbox_age``, ``inbox_priority``). The filter columns (desk, assignee, category,
  kecamatan, visibility, due) sit in those indexes, so rows are filtered from the index alone and the table
  is read only for the rows shown. No temporary B-tree: the merge keeps index order. Words are checked per
  row by a rowid lookup in their match set (``search.hits``: materialised once per search and reused for
  every page until the full-text index changes), or, while no match set exists, on the walked rows
  themselves a batch at a time (``+probe``, ``search.matching``) for as long as that looks cheaper than
  making the match set: a word in half the cache fills a page after a hundred rows.
- ``text`` / ``assignee`` / ``category`` / ``desk``: when the words, or a listed assignee, category or desk,
  match fewer rows than a bound (counted up to that bound first), those rows are read and sorted: at most
  the bound, instead of walking far through the index to fill a page from a rare filter.

Costs: a page costs the rows it shows plus the index entries it skips over; the bounds keep that low for
rare filters. New rare words cost their number of matches once (materialising them), later pages of the
same search nothing more; common words cost the rows walked to fill each page. ``count`` is O(rows of the
allowed statuses) for walk plans (an index-only scan) and O(bound) otherwise; use it for tab badges, not per
key press on a big cache.
"""

from __future__ import annotations

import json
import math
import sqlite3
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Any, Final, NamedTuple

from sambat_tui.domain.calendar import WorkingCalendar
from sambat_tui.domain.model import Priority, SlaClass, Status, Visibility
from sambat_tui.domain.query import ME, Choice, Criteria, DueOp, DueTerm, Query
from sambat_tui.store import search
from sambat_tui.store.complaints import DEADLINE_STATUSES, NO_DUE

DEFAULT_LIMIT: Final = 50
MAX_LIMIT: Final = 1000


class Sort(StrEnum):
    DUE = "due"
    """Active SLA deadline, soonest first; complaints without one last."""
    AGE = "age"
    """Creation time, oldest first."""
    PRIORITY = "priority"
    """Urgent first, then by deadline."""


class Direction(StrEnum):
    ASC = "asc"
    DESC = "desc"

    @property
    def reverse(self) -> Direction:
        return Direction.DESC if self is Direction.ASC else Direction.ASC


_SORT_KEYS: Final[dict[Sort, tuple[str, ...]]] = {
    Sort.DUE: ("due_at",),
    Sort.AGE: ("created_at",),
    Sort.PRIORITY: ("priority_order", "due_at"),
}
_SORT_INDEX: Final[dict[Sort, str]] = {
    Sort.DUE: "inbox_due",
    Sort.AGE: "inbox_age",
    Sort.PRIORITY: "inbox_priority",
}


# Records here are NamedTuples and the SQL helpers plain classes: this module loads before the first
# frame, where making a dataclass costs ~1 ms each (it compiles its generated methods). QueryContext
# (checks in __post_init__) and _Plan (an ``index`` field would shadow tuple.index) stay dataclasses.
class Cursor(NamedTuple):
    """A row's position in one sort order: its sort key values and its row number (``rid``, which the
    ``tiebreak`` column repeats so that index seeks can use it). Opaque to the UI."""

    sort: Sort
    keys: tuple[int, ...]
    rid: int

    def token(self) -> str:
        """A string form, e.g. to remember the position across restarts."""
        return ":".join([self.sort.value, *(str(k) for k in self.keys), str(self.rid)])

    @classmethod
    def from_token(cls, token: str) -> Cursor:
        parts = token.split(":")
        try:
            sort = Sort(parts[0])
            numbers = [int(p) for p in parts[1:]]
        except (ValueError, IndexError):
            raise ValueError(f"not an inbox cursor: {token!r}") from None
        if len(numbers) != len(_SORT_KEYS[sort]) + 1:
            raise ValueError(f"not an inbox cursor: {token!r}")
        return cls(sort, tuple(numbers[:-1]), numbers[-1])


class InboxRow(NamedTuple):
    """What the inbox list shows of a complaint (the full object is ``complaints.get``)."""

    id: str
    public_ref: str
    title: str
    status: Status
    category_code: str | None
    kecamatan: str | None
    kelurahan: str | None
    agency_id: str | None
    desk_id: str | None
    assignee_id: str | None
    priority: Priority
    visibility: Visibility
    sla_class: SlaClass | None
    created_at: datetime
    updated_at: datetime
    due_at: datetime | None
    """The deadline the status runs against; None when none is."""
    resolve_due: datetime | None
    escalation_level: int
    pending: int
    """Outbox rows not yet acknowledged: the pending-sync mark."""
    conflicts: int
    """Of those, the ones in conflict (a person has to look)."""
    version: int
    cursor: Cursor


class Page(NamedTuple):
    rows: tuple[InboxRow, ...]
    """In display order (the requested direction), also for ``page_before``."""
    next_cursor: Cursor | None
    """Where to continue in the direction of travel (after the last row for ``page``, before the first row
    for ``page_before``); None when there is nothing more that way."""
    plan: str = "walk"
    """How the rows were found: ``walk``, ``text``, ``assignee``, ``category``, ``desk`` or ``empty``; with
    ``+probe`` when words were checked on the walked rows (``search.matching``) instead of a match set."""


@dataclass(frozen=True, slots=True)
class QueryContext:
    """What a query needs beyond its text: the moment, the signed-in user (``@me``), the working calendar."""

    now: datetime
    user_id: str | None = None
    calendar: WorkingCalendar | None = None
    """Needed by ``due:`` terms only."""

    def __post_init__(self) -> None:
        if self.now.tzinfo is None or self.now.utcoffset() is None:
            raise ValueError("QueryContext.now must be timezone-aware")

    def now_epoch(self) -> int:
        return math.floor(self.now.timestamp())

    def due_cutoff(self, days: int) -> int:
        """The latest deadline (epoch seconds) with at most ``days`` working days left.

        ``working_days_left(due, now) <= days`` exactly when the due date comes before the (days+1)-th
        working day after today, i.e. when ``due <= add_working_days(now, days + 1) - 1 day`` (the end of the
        calendar day before it; a deadline may fall on a holiday). So ``due:<3d`` cuts at
        ``add_working_days(now, 3)`` minus a day.
        """
        if days < 0:
            raise ValueError(f"days must be zero or more, got {days}")
        if self.calendar is None:
            raise ValueError("due: filters need a QueryContext with a WorkingCalendar")
        start_of_next = self.calendar.add_working_days(self.now, days + 1) - timedelta(days=1)
        return math.floor(start_of_next.timestamp())


# ---------------------------------------------------------------------------------------- SQL parts

_ROW_COLUMNS: Final = (
    "id",
    "public_ref",
    "title",
    "status",
    "category_code",
    "kecamatan",
    "kelurahan",
    "agency_id",
    "desk_id",
    "assignee_id",
    "priority",
    "visibility",
    "sla_class",
    "created_at",
    "updated_at",
    "due_at",
    "resolve_due",
    "escalation_level",
    "pending",
    "version",
    "priority_order",
    "tiebreak",
)
_SELECT: Final = ", ".join(f"c.{name} AS {name}" for name in _ROW_COLUMNS)
_COLUMN_INDEX: Final = {name: i for i, name in enumerate(_ROW_COLUMNS)}

TEXT_FACTOR: Final = 4
"""Text bound = sqrt(TEXT_FACTOR x rows). Below it, reading and sorting every match beats walking the sort
index until a page of matches turns up: measured at 100k rows, ~10 us a match read and sorted against
~0.9 us a walked index entry, of which a page needs about 50 x rows / matches."""
KEY_FACTOR: Final = 2
"""Key bound = sqrt(KEY_FACTOR x rows): a row found through a narrow key index costs a table read
(~25 us measured) before its filters can even be checked."""
TEXT_BOUND_LIMITS: tuple[int, int] = (64, 20_000)
KEY_BOUND_LIMITS: tuple[int, int] = (64, 20_000)
"""Floors and ceilings of the bounds (tests set them to force one plan or the other)."""


PROBE_COST_RATIO: float = 40.0
"""Walking a row and checking it against the words (``search.matching``: ~25-35 us at 1M rows, its text
read from the table) costs about this many match-set entries (~0.65 us each to materialise). Tests set 0
(always walk) or infinity."""
PROBE_FIRST_BATCH: int = 64
PROBE_MIN_WALK: int = 256
PROBE_MAX_BATCH: int = 2048
"""Rows walked per check: the first batch; the rows walked before the share of matches is trusted (the
order of the walk groups similar complaints, so a first batch can say little); the most a batch grows to.
Tests make them tiny."""
PROBE_PRIOR: Final = 0.5
"""Matches assumed when a batch found none: keeps the share above zero, so one empty batch of a rare word
already says "make the match set"."""


def _bound(factor: int, rows: int, limits: tuple[int, int]) -> int:
    low, high = limits
    return max(low, min(high, math.isqrt(factor * max(rows, 1))))


class _Where:
    __slots__ = ("clauses", "params")

    def __init__(self) -> None:
        self.clauses: list[str] = []
        self.params: list[object] = []

    def add(self, clause: str, *params: object) -> None:
        self.clauses.append(clause)
        self.params.extend(params)

    def extend(self, other: _Where) -> None:
        self.clauses.extend(other.clauses)
        self.params.extend(other.params)

    def sql(self) -> str:
        return " AND ".join(self.clauses) if self.clauses else "1"


def _marks(n: int) -> str:
    return ",".join("?" * n)


def _choice_sql(where: _Where, column: str, choice: Choice) -> None:
    if choice.include is not None:
        values = sorted(v for v in choice.include if v is not None)
        terms = []
        if values:
            terms.append(f"{column} IN ({_marks(len(values))})")
        if None in choice.include:
            terms.append(f"{column} IS NULL")
        where.add("(" + " OR ".join(terms) + ")" if terms else "0", *values)
    if choice.exclude:
        values = sorted(v for v in choice.exclude if v is not None)
        if None in choice.exclude:
            where.add(f"{column} IS NOT NULL")
            if values:
                where.add(f"{column} NOT IN ({_marks(len(values))})", *values)
        elif values:
            where.add(f"({column} IS NULL OR {column} NOT IN ({_marks(len(values))}))", *values)


def _resolve_me(choice: Choice, ctx: QueryContext) -> Choice:
    def swap(values: frozenset[str | None]) -> frozenset[str | None]:
        if ME not in values:
            return values
        if ctx.user_id is None:
            raise ValueError("assignee:@me needs a QueryContext with the signed-in user_id")
        return (values - {ME}) | {ctx.user_id}

    return Choice(None if choice.include is None else swap(choice.include), swap(choice.exclude))


class _DueRange:
    """What the positive overdue/due terms say about ``due_at``: ``low < due_at <= high``."""

    __slots__ = ("high", "low")

    def __init__(self) -> None:
        self.low: int | None = None
        self.high: int | None = None

    def above(self, value: int) -> None:
        self.low = value if self.low is None else max(self.low, value)

    def at_most(self, value: int) -> None:
        self.high = value if self.high is None else min(self.high, value)


def _due_bounds(term: DueTerm, ctx: QueryContext) -> tuple[int | None, int | None]:
    """(low, high) with ``low < due_at <= high`` exactly when the (un-negated) term holds.

    Days left are whole working days (``WorkingCalendar.working_days_left``): "at most k days left" is a
    cutoff on due_at (``QueryContext.due_cutoff``), and fewer than 0 days left means the deadline has passed.
    """
    now = ctx.now_epoch()
    if term.op is DueOp.LT:
        return None, (now - 1 if term.days == 0 else ctx.due_cutoff(term.days - 1))
    if term.op is DueOp.LE:
        return None, ctx.due_cutoff(term.days)
    if term.op is DueOp.GT:
        return ctx.due_cutoff(term.days), NO_DUE - 1
    return (now - 1 if term.days == 0 else ctx.due_cutoff(term.days - 1)), NO_DUE - 1


def _range_sql(low: int | None, high: int | None, column: str) -> tuple[str, list[object]]:
    terms: list[str] = []
    params: list[object] = []
    if low is not None:
        terms.append(f"{column} > ?")
        params.append(low)
    if high is not None:
        terms.append(f"{column} <= ?")
        params.append(high)
    return "(" + " AND ".join(terms) + ")", params


def _filters(criteria: Criteria, ctx: QueryContext) -> tuple[_Where, _DueRange]:
    """Everything but statuses and words, as SQL over the alias ``c``, and the due_at range it implies.

    Conditions on due_at are written ``+c.due_at`` so that the planner never seeks the index with them: for
    the due sort the range goes into the keyset bounds instead (``_keyset``), where it cannot take the
    place of the cursor's row value.
    """
    where = _Where()
    due = _DueRange()
    if criteria.visibilities != frozenset(Visibility):
        values = sorted(criteria.visibilities)
        where.add(f"c.visibility IN ({_marks(len(values))})", *values)
    _choice_sql(where, "c.category_code", criteria.categories)
    _choice_sql(where, "c.kec_key", criteria.kecamatan)
    _choice_sql(where, "c.desk_id", criteria.desks)
    _choice_sql(where, "c.assignee_id", _resolve_me(criteria.assignees, ctx))
    now = ctx.now_epoch()
    if criteria.overdue is True:
        where.add("+c.due_at < ?", now)
        due.at_most(now - 1)
    elif criteria.overdue is False:
        where.add("+c.due_at >= ?", now)
        due.above(now - 1)
    for term in criteria.due:
        low, high = _due_bounds(term, ctx)
        clause, params = _range_sql(low, high, "+c.due_at")
        where.add(f"NOT {clause}" if term.negated else clause, *params)
        if not term.negated:
            if low is not None:
                due.above(low)
            if high is not None:
                due.at_most(high)
    return where, due


_TOP: Final = 1 << 62
"""Above every tiebreak: (d, _TOP) sits after every row with due_at d."""


def _keyset(sort: Sort, scan: Direction, cursor: Cursor | None, due: _DueRange) -> _Where:
    """Bounds on the sort's row value: the cursor, and for the due sort the filter's due_at range.

    Both become one lower and one upper row value, so the index seek uses every column of them.
    """
    where = _Where()
    if cursor is not None and cursor.sort is not sort:
        raise ValueError(f"a cursor of the {cursor.sort} sort cannot page the {sort} sort")
    keys = (*_SORT_KEYS[sort], "tiebreak")
    columns = "(" + ", ".join(f"c.{k}" for k in keys) + ")"
    marks = "(" + _marks(len(keys)) + ")"
    lower: list[tuple[int, ...]] = []
    upper: list[tuple[int, ...]] = []
    if cursor is not None:
        (lower if scan is Direction.ASC else upper).append((*cursor.keys, cursor.rid))
    if sort is Sort.DUE:
        # low < due_at  <=>  (due_at, tiebreak) > (low, _TOP);  due_at <= high  <=>  < (high, _TOP).
        if due.low is not None:
            lower.append((due.low, _TOP))
        if due.high is not None:
            upper.append((due.high, _TOP))
    if lower:
        where.add(f"{columns} > {marks}", *max(lower))
    if upper:
        where.add(f"{columns} < {marks}", *min(upper))
    return where


def _order(sort: Sort, scan: Direction, prefix: str = "") -> str:
    word = "" if scan is Direction.ASC else " DESC"
    return ", ".join(f"{prefix}{k}{word}" for k in (*_SORT_KEYS[sort], "tiebreak"))


# ------------------------------------------------------------------------------------------ planning


@dataclass(frozen=True, slots=True)
class _Plan:
    kind: str
    """walk | text | assignee | category | desk | empty"""
    hits: str | None = None
    """The TEMP table holding the rows the query's words match (search.hits), if it has usable words."""
    words: str | None = None
    """The words' FTS5 expression when no match set exists yet: walked rows are checked one batch at a time
    (``_probe_walk``), and the match set is made only if that looks dearer."""
    column: str | None = None
    index: str | None = None
    values: tuple[str, ...] = ()


_KEY_SOURCES: Final = (
    ("assignee", "assignee_id", "complaints_assignee"),
    ("category", "category_code", "complaints_category"),
    ("desk", "desk_id", "complaints_desk"),
)


def _estimated_rows(conn: sqlite3.Connection) -> int:
    # max(rid) is one index step; rids are dense enough for choosing a bound.
    return int(conn.execute("SELECT coalesce(max(rid), 0) FROM complaints").fetchone()[0])


def _plan(
    conn: sqlite3.Connection, criteria: Criteria, ctx: QueryContext, *, materialise: bool = True
) -> _Plan:
    """How to find the rows. Without ``materialise``, words whose match set is not made yet are left to be
    checked on the walked rows (``_Plan.words``) instead of materialising it first."""
    if criteria.empty:
        return _Plan("empty")
    expression = search.match_expression(criteria.words)
    rows = _estimated_rows(conn)
    hits: str | None = None
    words: str | None = None
    if expression is not None:
        # A stale index misses rows a probe would find: one answer for every page, the index's.
        if materialise or search.is_stale(conn):
            matches: search.HitSet | None = search.hits(conn, expression)
        else:
            matches = search.cached_hits(conn, expression)
        if matches is None:
            words = expression
        elif matches.count < _bound(TEXT_FACTOR, rows, TEXT_BOUND_LIMITS):
            return _Plan("text", matches.table)
        else:
            hits = matches.table
    choices = {
        "assignee": _resolve_me(criteria.assignees, ctx),
        "category": criteria.categories,
        "desk": criteria.desks,
    }
    bound = _bound(KEY_FACTOR, rows, KEY_BOUND_LIMITS)
    for kind, column, index in _KEY_SOURCES:
        include = choices[kind].include
        # IS NULL (assignee:none) is left to the walk: unassigned complaints are rarely rare.
        if include is None or None in include:
            continue
        values = tuple(sorted(v for v in include if v is not None))
        found = conn.execute(
            f"SELECT count(*) FROM (SELECT 1 FROM complaints INDEXED BY {index} "
            f"WHERE {column} IN ({_marks(len(values))}) LIMIT ?)",
            (*values, bound),
        ).fetchone()[0]
        if found < bound:
            return _Plan(kind, hits, words, column, index, values)
    return _Plan("walk", hits, words)


def _statuses(criteria: Criteria) -> list[str]:
    statuses = criteria.statuses
    if criteria.overdue is True or any(not term.negated for term in criteria.due):
        # Only these statuses run against a deadline: the others cannot match, so their (large: closed,
        # archived) index ranges are not walked at all.
        statuses &= DEADLINE_STATUSES
    return sorted(s.value for s in statuses)


def _page_sql(
    plan: _Plan,
    criteria: Criteria,
    ctx: QueryContext,
    sort: Sort,
    scan: Direction,
    cursor: Cursor | None,
    select: str = _SELECT,
) -> tuple[str, list[object]]:
    """One SELECT of up to ``?`` (the last parameter, appended by the caller) rows in scan order.

    ``select`` names the columns (``c.`` prefixed, with aliases); it must hold the sort keys and ``tiebreak``.
    """
    where, due = _filters(criteria, ctx)
    where.extend(_keyset(sort, scan, cursor, due))
    statuses = _statuses(criteria)
    if plan.kind == "text":
        status_where = _Where()
        status_where.add(f"c.status IN ({_marks(len(statuses))})", *statuses)
        status_where.extend(where)
        sql = (
            f"SELECT {select} FROM temp.{plan.hits} AS h CROSS JOIN complaints AS c ON c.rid = h.rid "
            f"WHERE {status_where.sql()} ORDER BY {_order(sort, scan, 'c.')} LIMIT ?"
        )
        return sql, status_where.params
    if plan.kind in ("assignee", "category", "desk"):
        assert plan.column is not None and plan.index is not None
        source = _Where()
        source.add(f"c.{plan.column} IN ({_marks(len(plan.values))})", *plan.values)
        source.add(f"c.status IN ({_marks(len(statuses))})", *statuses)
        source.extend(where)
        if plan.hits is not None:
            source.add(f"c.rid IN temp.{plan.hits}")
        sql = (
            f"SELECT {select} FROM complaints AS c INDEXED BY {plan.index} "
            f"WHERE {source.sql()} ORDER BY {_order(sort, scan, 'c.')} LIMIT ?"
        )
        return sql, source.params
    arms: list[str] = []
    params: list[object] = []
    for status in statuses:
        arm = _Where()
        arm.add("c.status = ?", status)
        arm.extend(where)
        if plan.hits is not None:
            # A rowid lookup in the materialised matches: no copy of them, no full-text query per row.
            arm.add(f"c.rid IN temp.{plan.hits}")
        arms.append(f"SELECT {select} FROM complaints AS c INDEXED BY {_SORT_INDEX[sort]} WHERE {arm.sql()}")
        params.extend(arm.params)
    return f"{' UNION ALL '.join(arms)} ORDER BY {_order(sort, scan)} LIMIT ?", params


# ------------------------------------------------------------------------------------------- reading


def _criteria(query: Query | Criteria) -> Criteria:
    return query.criteria() if isinstance(query, Query) else query


def _check_limit(limit: int) -> None:
    if not 1 <= limit <= MAX_LIMIT:
        raise ValueError(f"limit must be between 1 and {MAX_LIMIT}, got {limit}")


def _time(value: int) -> datetime:
    return datetime.fromtimestamp(value, UTC)


_STATUS: Final = {s.value: s for s in Status}
_PRIORITY: Final = {p.value: p for p in Priority}
_VISIBILITY: Final = {v.value: v for v in Visibility}
_SLA_CLASS: Final = {c.value: c for c in SlaClass}
# Enum lookups by value through these dicts: Enum.__call__ is slow enough to show at 50 rows a page.


def _row(values: Sequence[Any], sort: Sort, conflicts: Mapping[str, int]) -> InboxRow:
    (
        complaint_id,
        public_ref,
        title,
        status,
        category_code,
        kecamatan,
        kelurahan,
        agency_id,
        desk_id,
        assignee_id,
        priority,
        visibility,
        sla_class,
        created_at,
        updated_at,
        due_at,
        resolve_due,
        escalation_level,
        pending,
        version,
        priority_order,
        tiebreak,
    ) = values
    keys = {Sort.DUE: (due_at,), Sort.AGE: (created_at,), Sort.PRIORITY: (priority_order, due_at)}[sort]
    return InboxRow(
        id=complaint_id,
        public_ref=public_ref,
        title=title,
        status=_STATUS[status],
        category_code=category_code,
        kecamatan=kecamatan,
        kelurahan=kelurahan,
        agency_id=agency_id,
        desk_id=desk_id,
        assignee_id=assignee_id,
        priority=_PRIORITY[priority],
        visibility=_VISIBILITY[visibility],
        sla_class=None if sla_class is None else _SLA_CLASS[sla_class],
        created_at=_time(created_at),
        updated_at=_time(updated_at),
        due_at=None if due_at >= NO_DUE else _time(due_at),
        resolve_due=None if resolve_due is None else _time(resolve_due),
        escalation_level=escalation_level,
        pending=pending,
        conflicts=conflicts.get(complaint_id, 0),
        version=version,
        cursor=Cursor(sort, keys, tiebreak),
    )


@contextmanager
def _snapshot(conn: sqlite3.Connection) -> Iterator[None]:
    # The plan's probes and the page read must see the same data.
    if conn.in_transaction:
        yield
        return
    conn.execute("BEGIN")
    try:
        yield
    finally:
        conn.execute("COMMIT")


def _fetch(
    conn: sqlite3.Connection,
    query: Query | Criteria,
    ctx: QueryContext,
    sort: Sort,
    scan: Direction,
    cursor: Cursor | None,
    limit: int,
) -> tuple[list[InboxRow], bool, str]:
    _check_limit(limit)
    criteria = _criteria(query)
    with _snapshot(conn):
        plan = _plan(conn, criteria, ctx, materialise=False)
        if plan.kind == "empty":
            return [], False, plan.kind
        found = (
            None
            if plan.words is None
            else _probe_walk(conn, plan, criteria, ctx, sort, scan, cursor, limit + 1)
        )
        if found is None:
            if plan.words is not None:
                plan = _plan(conn, criteria, ctx)
            sql, params = _page_sql(plan, criteria, ctx, sort, scan, cursor)
            found = conn.execute(sql, (*params, limit + 1)).fetchall()
        conflicts = _conflicts(
            conn, [v[_COLUMN_INDEX["id"]] for v in found[:limit] if v[_COLUMN_INDEX["pending"]]]
        )
    rows = [_row(values, sort, conflicts) for values in found[:limit]]
    return rows, len(found) > limit, plan.kind if plan.words is None else f"{plan.kind}+probe"


def _probe_walk(
    conn: sqlite3.Connection,
    plan: _Plan,
    criteria: Criteria,
    ctx: QueryContext,
    sort: Sort,
    scan: Direction,
    cursor: Cursor | None,
    want: int,
) -> list[Any] | None:
    """The first ``want`` rows after ``cursor`` that match ``plan.words``, walking the plan's order and
    checking the walked rows a batch at a time (``search.matching``); None as soon as making the match set
    looks cheaper than walking on (the caller then makes it).

    The estimate is redone after every batch from the share of walked rows that matched: walking on costs
    about ``PROBE_COST_RATIO`` match-set entries per row still to walk, the match set about that share of
    the whole cache. A word in half the complaints fills a page after ~100 rows; a rare one gives up after
    ``PROBE_MIN_WALK`` rows (a few milliseconds) and its match set, small, is made instead.
    """
    assert plan.words is not None
    total = _estimated_rows(conn)
    # The walk reads only the sort keys (from the sort's index: no table read); the table is read for the
    # text of the rows checked, and for whole rows only once they matched.
    keys = (*_SORT_KEYS[sort], "tiebreak")
    select = ", ".join(f"c.{k} AS {k}" for k in keys)
    matched: list[int] = []
    walked = 0
    batch_size = PROBE_FIRST_BATCH
    while len(matched) < want:
        sql, params = _page_sql(plan, criteria, ctx, sort, scan, cursor, select)
        batch = conn.execute(sql, (*params, batch_size)).fetchall()
        walked += len(batch)
        hits = search.matching(conn, plan.words, [values[-1] for values in batch])
        matched += [values[-1] for values in batch if values[-1] in hits]
        if len(batch) < batch_size:
            break  # the walk reached the end
        share = max(len(matched), PROBE_PRIOR) / walked
        to_walk = (want - len(matched)) / share
        if walked < PROBE_MIN_WALK:
            batch_size = PROBE_MIN_WALK - walked  # too few rows yet to judge the share by
        elif len(matched) < want and PROBE_COST_RATIO * to_walk > share * total:
            return None
        else:
            batch_size = min(PROBE_MAX_BATCH, max(batch_size, math.ceil(to_walk * 1.25)))
        cursor = Cursor(sort, tuple(batch[-1][:-1]), batch[-1][-1])
    rows = {
        values[_COLUMN_INDEX["tiebreak"]]: values
        for values in conn.execute(
            f"SELECT {_SELECT} FROM complaints AS c WHERE c.rid IN (SELECT value FROM json_each(?))",
            (json.dumps(matched[:want]),),
        )
    }
    return [rows[rid] for rid in matched[:want]]


def _conflicts(conn: sqlite3.Connection, ids: list[str]) -> dict[str, int]:
    if not ids:
        return {}
    return dict(
        conn.execute(
            "SELECT complaint_id, count(*) FROM outbox WHERE state = 'conflict' "
            "AND complaint_id IN (SELECT value FROM json_each(?)) GROUP BY complaint_id",
            (json.dumps(ids),),
        ).fetchall()
    )


def page(
    conn: sqlite3.Connection,
    query: Query | Criteria,
    ctx: QueryContext,
    *,
    sort: Sort = Sort.DUE,
    direction: Direction = Direction.ASC,
    after: Cursor | None = None,
    limit: int = DEFAULT_LIMIT,
) -> Page:
    """Up to ``limit`` rows after ``after`` (from the top when None), in ``sort``/``direction`` order."""
    rows, more, plan = _fetch(conn, query, ctx, sort, direction, after, limit)
    return Page(tuple(rows), rows[-1].cursor if more and rows else None, plan)


def page_before(
    conn: sqlite3.Connection,
    query: Query | Criteria,
    ctx: QueryContext,
    *,
    sort: Sort = Sort.DUE,
    direction: Direction = Direction.ASC,
    before: Cursor | None = None,
    limit: int = DEFAULT_LIMIT,
) -> Page:
    """Up to ``limit`` rows just before ``before`` (the last rows when None), still in display order.

    ``next_cursor`` is the first row's cursor when more rows lie above: pass it as ``before`` again.
    """
    rows, more, plan = _fetch(conn, query, ctx, sort, direction.reverse, before, limit)
    rows.reverse()
    return Page(tuple(rows), rows[0].cursor if more and rows else None, plan)


def first_page(
    conn: sqlite3.Connection,
    query: Query | Criteria,
    ctx: QueryContext,
    *,
    sort: Sort = Sort.DUE,
    direction: Direction = Direction.ASC,
    limit: int = DEFAULT_LIMIT,
) -> Page:
    """The top of the list (``g``)."""
    return page(conn, query, ctx, sort=sort, direction=direction, limit=limit)


def last_page(
    conn: sqlite3.Connection,
    query: Query | Criteria,
    ctx: QueryContext,
    *,
    sort: Sort = Sort.DUE,
    direction: Direction = Direction.ASC,
    limit: int = DEFAULT_LIMIT,
) -> Page:
    """The bottom of the list (``G``), in display order; no position or count is needed."""
    return page_before(conn, query, ctx, sort=sort, direction=direction, limit=limit)


def explain(
    conn: sqlite3.Connection,
    query: Query | Criteria,
    ctx: QueryContext,
    *,
    sort: Sort = Sort.DUE,
    direction: Direction = Direction.ASC,
    after: Cursor | None = None,
) -> tuple[str, list[str]]:
    """The plan kind and SQLite's EXPLAIN QUERY PLAN lines for the page statement (diagnostics, tests)."""
    criteria = _criteria(query)
    with _snapshot(conn):
        plan = _plan(conn, criteria, ctx)
        if plan.kind == "empty":
            return plan.kind, []
        sql, params = _page_sql(plan, criteria, ctx, sort, direction, after)
        lines = [str(r[3]) for r in conn.execute(f"EXPLAIN QUERY PLAN {sql}", (*params, 1))]
    return plan.kind, lines


def explain_count(
    conn: sqlite3.Connection, query: Query | Criteria, ctx: QueryContext
) -> tuple[str, list[str]]:
    """The plan kind and EXPLAIN QUERY PLAN lines of ``count`` (diagnostics, tests)."""
    criteria = _criteria(query)
    with _snapshot(conn):
        plan = _plan(conn, criteria, ctx)
        if plan.kind == "empty":
            return plan.kind, []
        sql, params = _count_sql(plan, criteria, ctx)
        return plan.kind, [str(r[3]) for r in conn.execute(f"EXPLAIN QUERY PLAN {sql}", params)]


# ------------------------------------------------------------------------------------------ counting


def _count_sql(plan: _Plan, criteria: Criteria, ctx: QueryContext) -> tuple[str, list[object]]:
    where, due = _filters(criteria, ctx)
    statuses = _statuses(criteria)
    status_where = _Where()
    status_where.add(f"c.status IN ({_marks(len(statuses))})", *statuses)
    if due.low is not None or due.high is not None:
        # Counting has no keyset: let the due_at range narrow the inbox_due index seek.
        clause, params = _range_sql(due.low, due.high, "c.due_at")
        status_where.add(clause, *params)
    status_where.extend(where)
    if plan.kind == "text":
        return (
            f"SELECT count(*) FROM temp.{plan.hits} AS h CROSS JOIN complaints AS c ON c.rid = h.rid "
            f"WHERE {status_where.sql()}",
            status_where.params,
        )
    if plan.hits is not None:
        status_where.add(f"c.rid IN temp.{plan.hits}")
    if plan.kind in ("assignee", "category", "desk"):
        assert plan.column is not None and plan.index is not None
        source = _Where()
        source.add(f"c.{plan.column} IN ({_marks(len(plan.values))})", *plan.values)
        source.extend(status_where)
        return (
            f"SELECT count(*) FROM complaints AS c INDEXED BY {plan.index} WHERE {source.sql()}",
            source.params,
        )
    return (
        f"SELECT count(*) FROM complaints AS c INDEXED BY inbox_due WHERE {status_where.sql()}",
        status_where.params,
    )


def count(conn: sqlite3.Connection, query: Query | Criteria, ctx: QueryContext) -> int:
    """How many complaints match. Cost: an index-only scan of the allowed statuses' rows (plus the word
    matches) for broad queries; at most the plan's bound for rare words or keys. Fine for tab badges after a
    sync; do not call it per key press on a cache of a million rows."""
    return counts(conn, {"": query}, ctx)[""]


def counts(
    conn: sqlite3.Connection, tabs: Mapping[str, Query | Criteria], ctx: QueryContext
) -> dict[str, int]:
    """Counts for the filter tabs (name -> query) over one snapshot: one statement for all the tabs without
    words (plus the small bounded probes that choose each plan), one more per tab with words. Same cost as
    ``count`` per tab."""
    result = dict.fromkeys(tabs, 0)
    parts: list[tuple[str, str, list[object]]] = []
    with _snapshot(conn):
        for name, query in tabs.items():
            criteria = _criteria(query)
            plan = _plan(conn, criteria, ctx)
            if plan.kind == "empty":
                continue
            sql, params = _count_sql(plan, criteria, ctx)
            if plan.hits is not None:
                # Its match set lives in a TEMP slot the next tab's words may take over: count it now.
                result[name] = int(conn.execute(sql, params).fetchone()[0])
            else:
                parts.append((name, sql, params))
        if parts:
            sql = "SELECT " + ", ".join(f"({part})" for _, part, _ in parts)
            values = conn.execute(sql, [p for _, _, ps in parts for p in ps]).fetchone()
            for (name, _, _), value in zip(parts, values, strict=True):
                result[name] = int(value)
    return result
