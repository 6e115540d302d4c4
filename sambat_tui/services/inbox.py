"""The inbox: filter tabs, their counts, and keyset pages of rows for a tab plus the user's query.

A tab's query and the typed query both apply (AND): ``status:selesai`` typed in the "Baru" tab finds
nothing rather than widening the tab. Cursors are opaque to the UI and carry what they were made for (tab,
query, sort, direction), so "next page" needs nothing else.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from sambat_tui.domain.calendar import WorkingCalendar
from sambat_tui.domain.model import Priority, Status
from sambat_tui.domain.query import Choice, Criteria, parse
from sambat_tui.domain.sla import SlaPolicy, SlaState, sla_state
from sambat_tui.services.config import AppConfig
from sambat_tui.store import inbox as store_inbox
from sambat_tui.store.db import Store
from sambat_tui.store.inbox import Cursor, Direction, QueryContext
from sambat_tui.store.inbox import Sort as Sort

if TYPE_CHECKING:
    from sambat_tui.services.exports import Exported

__all__ = ["BUILTIN_TABS", "InboxPage", "InboxRow", "InboxService", "Sort", "Tab", "combine"]

EXPORT_PAGE = 500
"""Rows an export reads at a time."""


# NamedTuples, not dataclasses: made at import before the first frame, where a dataclass costs ~1 ms each.
class Tab(NamedTuple):
    id: str
    label_key: str
    """An i18n key for the built-in tabs (``tab.baru``); a saved filter's own name otherwise."""
    query: str


BUILTIN_TABS: tuple[Tab, ...] = (
    Tab("baru", "tab.baru", "status:baru"),
    Tab("dikerjakan", "tab.dikerjakan", "status:in_progress,on_hold"),
    Tab("jatuh_tempo", "tab.jatuh_tempo", "due:<=1d"),
    Tab("menunggu_pelapor", "tab.menunggu_pelapor", "status:responded"),
    Tab("semua", "tab.semua", ""),
)


class InboxRow(NamedTuple):
    id: str
    public_ref: str
    title: str
    category_code: str | None
    kecamatan: str | None
    status: Status
    assignee_id: str | None
    desk_id: str | None
    priority: Priority
    created_at: datetime
    resolve_due: datetime | None
    sla_days_left: int | None
    """Working days left on the deadline the status runs against (0 = today, < 0 overdue)."""
    sla_state: SlaState | None
    pending: int
    conflict: bool
    due_at: datetime | None = None
    """The deadline the status runs against (what ``sla_days_left`` counts to); None when none is."""
    agency_id: str | None = None


class InboxPage(NamedTuple):
    rows: tuple[InboxRow, ...]
    has_before: bool
    has_after: bool
    before: object | None
    """Pass to ``InboxService.before`` for the rows above this page."""
    after: object | None
    """Pass to ``InboxService.after`` for the rows below this page."""


class _Position(NamedTuple):
    criteria: Criteria
    sort: Sort
    direction: Direction
    cursor: Cursor


def _intersect(a: Choice, b: Choice) -> Choice:
    if a.include is None:
        include = b.include
    elif b.include is None:
        include = a.include
    else:
        include = a.include & b.include
    return Choice(include, a.exclude | b.exclude)


def combine(a: Criteria, b: Criteria) -> Criteria:
    """Both criteria at once (AND), unlike writing both queries in one, where a repeated key ORs."""
    contradiction = a.contradiction or b.contradiction
    overdue = a.overdue if b.overdue is None else b.overdue
    if a.overdue is not None and b.overdue is not None and a.overdue != b.overdue:
        contradiction = True
    return Criteria(
        words=a.words + b.words,
        statuses=a.statuses & b.statuses,
        visibilities=a.visibilities & b.visibilities,
        categories=_intersect(a.categories, b.categories),
        kecamatan=_intersect(a.kecamatan, b.kecamatan),
        desks=_intersect(a.desks, b.desks),
        assignees=_intersect(a.assignees, b.assignees),
        overdue=overdue,
        due=a.due + b.due,
        contradiction=contradiction,
    )


class InboxService:
    def __init__(
        self,
        store: Store,
        *,
        config: AppConfig,
        user_id: Callable[[], str | None],
        now: Callable[[], datetime],
        calendar: WorkingCalendar,
        policy: SlaPolicy,
        export_dir: Path | None = None,
    ) -> None:
        self._store = store
        self._config = config
        self._user_id = user_id
        self._now = now
        self._calendar = calendar
        self._policy = policy
        self._export_dir = export_dir

    def tabs(self) -> tuple[Tab, ...]:
        saved = tuple(Tab(f"filter:{i}", f.name, f.query) for i, f in enumerate(self._config.filters))
        return BUILTIN_TABS + saved

    def _tab(self, tab_id: str) -> Tab:
        for tab in self.tabs():
            if tab.id == tab_id:
                return tab
        raise KeyError(f"no inbox tab {tab_id!r}")

    def _context(self) -> QueryContext:
        return QueryContext(now=self._now(), user_id=self._user_id(), calendar=self._calendar)

    def criteria(self, tab_id: str, query: str) -> Criteria:
        """The tab's criteria and the query's, both applying; raises ``QueryError`` for a bad query."""
        return combine(parse(self._tab(tab_id).query).criteria(), parse(query).criteria())

    def counts(self) -> dict[str, int]:
        """Each tab's count: a pass over every cached complaint (~0.2 s at a million), so after a change of
        the data only, never per key. On a connection of its own, whose pages do not stay in memory."""
        tabs = {t.id: parse(t.query).criteria() for t in self.tabs()}
        with self._store.scan() as conn:
            return store_inbox.counts(conn, tabs, self._context())

    def _row(self, row: store_inbox.InboxRow, now: datetime) -> InboxRow:
        days: int | None = None
        state: SlaState | None = None
        if row.due_at is not None:
            days = self._calendar.working_days_left(row.due_at, now)
            state = sla_state(row.due_at, now, self._calendar, self._policy)
        return InboxRow(
            id=row.id,
            public_ref=row.public_ref,
            title=row.title,
            category_code=row.category_code,
            kecamatan=row.kecamatan,
            status=row.status,
            assignee_id=row.assignee_id,
            desk_id=row.desk_id,
            priority=row.priority,
            created_at=row.created_at,
            resolve_due=row.resolve_due,
            sla_days_left=days,
            sla_state=state,
            pending=row.pending,
            conflict=row.conflicts > 0,
            due_at=row.due_at,
            agency_id=row.agency_id,
        )

    def _page(
        self, page: store_inbox.Page, position: _Position, *, has_before: bool, has_after: bool
    ) -> InboxPage:
        now = self._now()
        rows = tuple(self._row(r, now) for r in page.rows)
        first = position._replace(cursor=page.rows[0].cursor) if page.rows else None
        last = position._replace(cursor=page.rows[-1].cursor) if page.rows else None
        return InboxPage(rows, has_before and bool(rows), has_after and bool(rows), first, last)

    @staticmethod
    def _direction(descending: bool) -> Direction:
        return Direction.DESC if descending else Direction.ASC

    def first(self, tab_id: str, query: str, sort: Sort, descending: bool, limit: int) -> InboxPage:
        criteria, direction = self.criteria(tab_id, query), self._direction(descending)
        with self._store.read() as conn:
            page = store_inbox.first_page(
                conn, criteria, self._context(), sort=Sort(sort), direction=direction, limit=limit
            )
        position = _Position(criteria, Sort(sort), direction, Cursor(Sort(sort), (), 0))
        return self._page(page, position, has_before=False, has_after=page.next_cursor is not None)

    def last(self, tab_id: str, query: str, sort: Sort, descending: bool, limit: int) -> InboxPage:
        criteria, direction = self.criteria(tab_id, query), self._direction(descending)
        with self._store.read() as conn:
            page = store_inbox.last_page(
                conn, criteria, self._context(), sort=Sort(sort), direction=direction, limit=limit
            )
        position = _Position(criteria, Sort(sort), direction, Cursor(Sort(sort), (), 0))
        return self._page(page, position, has_before=page.next_cursor is not None, has_after=False)

    def rows(
        self, tab_id: str, query: str, sort: Sort, descending: bool, *, page: int = EXPORT_PAGE
    ) -> Iterator[InboxRow]:
        """Every row of the tab and query in the list's order, read ``page`` rows at a time as they are
        consumed (an export of a million rows holds one page), on a connection of its own in one snapshot:
        safe in a worker thread. Raises ``QueryError`` (or ``KeyError`` for an unknown tab) at once."""
        criteria, direction = self.criteria(tab_id, query), self._direction(descending)
        return self._walk(criteria, Sort(sort), direction, page)

    def _walk(self, criteria: Criteria, sort: Sort, direction: Direction, page: int) -> Iterator[InboxRow]:
        context = self._context()
        with self._store.scan() as conn:
            found = store_inbox.first_page(
                conn, criteria, context, sort=sort, direction=direction, limit=page
            )
            while True:
                now = self._now()
                yield from (self._row(r, now) for r in found.rows)
                if found.next_cursor is None or not found.rows:
                    return
                found = store_inbox.page(
                    conn,
                    criteria,
                    context,
                    sort=sort,
                    direction=direction,
                    after=found.rows[-1].cursor,
                    limit=page,
                )

    def export(self, tab_id: str, query: str, sort: Sort, descending: bool) -> Exported:
        """The tab and query in the list's order as CSV in the profile's export folder (the supervisor's
        views write there too), streamed from ``rows``; blocking, so the UI calls it from a thread."""
        from sambat_tui.services.exports import INBOX_COLUMNS, export_rows, inbox_cells

        if self._export_dir is None:
            raise RuntimeError("this session has no export folder")
        rows = (inbox_cells(r) for r in self.rows(tab_id, query, sort, descending))
        return export_rows(self._export_dir, "inbox", INBOX_COLUMNS, rows, self._now())

    @staticmethod
    def _position(cursor: object) -> _Position:
        if not isinstance(cursor, _Position):
            raise TypeError("not a cursor of this inbox; pass InboxPage.before or InboxPage.after")
        return cursor

    def after(self, cursor: object, limit: int) -> InboxPage:
        position = self._position(cursor)
        with self._store.read() as conn:
            page = store_inbox.page(
                conn,
                position.criteria,
                self._context(),
                sort=position.sort,
                direction=position.direction,
                after=position.cursor,
                limit=limit,
            )
        return self._page(page, position, has_before=True, has_after=page.next_cursor is not None)

    def before(self, cursor: object, limit: int) -> InboxPage:
        position = self._position(cursor)
        with self._store.read() as conn:
            page = store_inbox.page_before(
                conn,
                position.criteria,
                self._context(),
                sort=position.sort,
                direction=position.direction,
                before=position.cursor,
                limit=limit,
            )
        return self._page(page, position, has_before=page.next_cursor is not None, has_after=True)
