"""The supervisor's and the coordinator's views, from the local cache (so they work offline).

- ``workload``: per desk and per person, open items, due soon, overdue, taken today, each with the inbox
  query that lists them (``desk:ID status:terbuka``).
- ``escalations``: what the periodic job escalated, oldest first.
- ``dashboard``: backlog by category and by kecamatan, first-response SLA compliance per week and median
  working days to first response and to close, per desk and per week, over the last weeks.
- ``triage``: the coordinator's queue (``received``, and ``returned`` as *bukan wewenang*) with the routing
  engine's explanation and best guesses, computed here from the cached text when the server sent none.
- ``duplicates``: likely duplicates of a complaint (``domain.duplicates`` over ``store.duplicates``).
- ``targets``: desks, people and agencies a complaint can be reassigned or disposed to, for a picker.

The figures are SQL aggregates (``store.supervision``); this module names and labels them. Text is returned
as stored; whoever shows it neutralises it.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from typing import Any

from sambat_tui.domain import transitions as rules
from sambat_tui.domain.calendar import JAKARTA, WorkingCalendar, jakarta_date
from sambat_tui.domain.duplicates import DuplicatePolicy, rank
from sambat_tui.domain.model import DispositionKind, Role, Status, UpdateKind
from sambat_tui.domain.query import parse
from sambat_tui.domain.routing import Router, UnknownCategory
from sambat_tui.domain.sla import SlaPolicy, SlaState, sla_state
from sambat_tui.domain.weeks import IsoWeek, last_weeks
from sambat_tui.services.exports import Table, export_file
from sambat_tui.services.identity import Identity
from sambat_tui.store import complaints, reference, timeline
from sambat_tui.store import duplicates as store_duplicates
from sambat_tui.store import inbox as store_inbox
from sambat_tui.store import supervision as figures
from sambat_tui.store.complaints import CachedComplaint
from sambat_tui.store.db import Store
from sambat_tui.store.inbox import QueryContext, Sort
from sambat_tui.store.reference import RefEntity
from sambat_tui.store.timeline import EntryType

DASHBOARD_WEEKS = 12
TRIAGE_QUERY = "status:received,returned"
_MICROS = 1_000_000
_DESK_ROLES = frozenset(r.value for r in rules.DESK_ROLES)


# ------------------------------------------------------------------------------------------- records


@dataclass(frozen=True)
class LoadRow:
    kind: str
    """``desk`` or ``person``."""
    id: str | None
    """None: the complaints at no desk (triage) or with nobody assigned."""
    label: str
    agency_id: str | None
    open: int
    due_soon: int
    overdue: int
    taken_today: int
    query: str | None
    """The inbox query listing these open complaints; None where the filter language cannot say it."""


@dataclass(frozen=True)
class Workload:
    desks: tuple[LoadRow, ...]
    people: tuple[LoadRow, ...]
    at: datetime


@dataclass(frozen=True)
class EscalationRow:
    complaint_id: str
    public_ref: str
    title: str
    status: Status
    desk_id: str | None
    assignee_id: str | None
    level: int
    escalated_at: datetime
    reason: str
    rule_id: str | None


@dataclass(frozen=True)
class BacklogRow:
    key: str | None
    label: str
    open: int
    overdue: int


@dataclass(frozen=True)
class WeekFigures:
    week: IsoWeek
    met: int
    missed: int
    median_first_response: float | None
    median_close: float | None

    @property
    def compliance(self) -> float | None:
        """Share of first-response deadlines met; None for a week without any."""
        total = self.met + self.missed
        return None if total == 0 else self.met / total


@dataclass(frozen=True)
class DeskFigures:
    desk_id: str | None
    label: str
    first_response_days: float | None
    first_responses: int
    close_days: float | None
    closes: int


@dataclass(frozen=True)
class Dashboard:
    weeks: tuple[WeekFigures, ...]
    by_category: tuple[BacklogRow, ...]
    by_kecamatan: tuple[BacklogRow, ...]
    desks: tuple[DeskFigures, ...]
    at: datetime

    @property
    def backlog(self) -> int:
        return sum(b.open for b in self.by_category)

    @property
    def overdue(self) -> int:
        return sum(b.overdue for b in self.by_category)


@dataclass(frozen=True)
class Guess:
    agency_id: str
    agency_label: str
    desk_id: str | None
    desk_label: str | None
    category_code: str | None
    score: float
    rule_id: str | None
    matched: tuple[str, ...]


@dataclass(frozen=True)
class TriageItem:
    complaint_id: str
    public_ref: str
    title: str
    status: Status
    visibility: str
    created_at: datetime
    due_at: datetime | None
    sla_state: SlaState | None
    sla_days_left: int | None
    """Working days left to verify (0 = today, below 0 = overdue)."""
    explanation: str
    """Why it waits here: the routing engine's sentence, or the returning agency's reason."""
    returned_by: str | None
    """The agency that returned it as *bukan wewenang* (then left out of the guesses)."""
    guesses: tuple[Guess, ...]
    """Best first; the first one is what one key disposes to."""


@dataclass(frozen=True)
class DuplicateSuggestion:
    complaint_id: str
    public_ref: str
    title: str
    status: str
    score: float
    similarity: float
    shared: tuple[str, ...]
    metres: float | None
    same_kelurahan: bool
    days_apart: float


@dataclass(frozen=True)
class Target:
    kind: str
    """``desk``, ``person`` or ``agency``."""
    id: str
    label: str
    agency_id: str
    detail: str
    """What else helps to pick it: the agency's short name, a person's desks."""

    @property
    def search_text(self) -> str:
        return f"{self.label} {self.id} {self.detail}"


# ------------------------------------------------------------------------------------------- service


def _micros(moment: datetime) -> int:
    return math.floor(moment.timestamp() * _MICROS)


def _from_micros(value: int) -> datetime:
    return datetime(1970, 1, 1, tzinfo=UTC) + timedelta(microseconds=value)


def _epoch(moment: datetime) -> int:
    return math.floor(moment.timestamp())


class SupervisionService:
    def __init__(
        self,
        store: Store,
        *,
        identity: Callable[[], Identity | None],
        now: Callable[[], datetime],
        calendar: WorkingCalendar,
        policy: SlaPolicy,
        router: Callable[[], Router] = Router.load,
        duplicate_policy: DuplicatePolicy | None = None,
        export_dir: Path | None = None,
    ) -> None:
        self._store = store
        self._identity = identity
        self._now = now
        self._calendar = calendar
        self._policy = policy
        self._router_factory = router
        self._router: Router | None = None
        self._duplicate_policy = duplicate_policy or DuplicatePolicy()
        self._export_dir = export_dir

    def now(self) -> datetime:
        return self._now()

    def export(self, view: str, table: Table) -> Path:
        """Write a view's table as CSV into the profile's export folder; returns the file."""
        if self._export_dir is None:
            raise RuntimeError("this session has no export folder")
        return export_file(self._export_dir, view, table, self._now())

    # --- who may see what ---

    def roles(self) -> frozenset[Role]:
        me = self._identity()
        return me.roles if me is not None else frozenset()

    def may_view(self) -> bool:
        """Whether the supervisor's views are for this user (``rules.may_view_supervision``)."""
        return rules.may_view_supervision(self.roles())

    def may_view_triage(self) -> bool:
        return rules.may_view_triage(self.roles())

    def may_supervise(self) -> bool:
        """Whether the supervisor's views and acts are for this user (supervisor or coordinator)."""
        return rules.has_permission(self.roles(), rules.Permission.REASSIGN)

    def may_triage(self) -> bool:
        return rules.has_permission(self.roles(), rules.Permission.ARCHIVE)

    # --- labels ---

    def _names(self, conn: Any) -> tuple[dict[str, tuple[str, str]], dict[str, tuple[str, str | None]]]:
        desks = {d.id: (d.name, d.agency_id) for d in reference.desks(conn)}
        users = {
            u["id"]: (str(u.get("name") or u["id"]), u.get("agency_id"))
            for u in reference.list_all(conn, RefEntity.USER)
        }
        return desks, users

    # --- workload ---

    def workload(self) -> Workload:
        now = self._now()
        context = QueryContext(now=now, calendar=self._calendar)
        day = jakarta_date(now)
        day_start = datetime.combine(day, time.min, tzinfo=JAKARTA)
        with self._store.read() as conn:
            values = {
                "now": context.now_epoch(),
                "due_soon_until": context.due_cutoff(self._policy.due_soon_days),
                "day_start_us": _micros(day_start),
                "day_end_us": _micros(day_start + timedelta(days=1)),
            }
            today = figures.takes(conn, values["day_start_us"], values["day_end_us"])
            by_desk = figures.workload(conn, figures.Group.DESK, **values, found_takes=today)
            by_person = figures.workload(conn, figures.Group.PERSON, **values, found_takes=today)
            desks, users = self._names(conn)
        me = self._identity()
        mine = me.agency_id if me is not None and Role.COORDINATOR not in me.roles else None
        desk_rows = tuple(
            LoadRow(
                kind="desk",
                id=load.key,
                label=desks.get(load.key, (load.key, None))[0] if load.key else "-",
                agency_id=desks.get(load.key, ("", None))[1] if load.key else None,
                open=load.open,
                due_soon=load.due_soon,
                overdue=load.overdue,
                taken_today=load.taken_today,
                query=f"status:terbuka desk:{load.key}" if load.key else None,
            )
            for load in by_desk
        )
        people_rows = tuple(
            LoadRow(
                kind="person",
                id=load.key,
                label=users.get(load.key, (load.key, None))[0] if load.key else "-",
                agency_id=users.get(load.key, ("", None))[1] if load.key else None,
                open=load.open,
                due_soon=load.due_soon,
                overdue=load.overdue,
                taken_today=load.taken_today,
                query=f"status:terbuka assignee:{load.key}" if load.key else "status:terbuka assignee:none",
            )
            for load in by_person
            # Takes by someone outside the agency (the coordinator) are not the agency's workload.
            if mine is None or load.key is None or users.get(load.key, ("", mine))[1] in (mine, None)
        )
        return Workload(desk_rows, people_rows, now)

    # --- escalations ---

    def escalations(self, limit: int = 500) -> tuple[EscalationRow, ...]:
        with self._store.read() as conn:
            found = figures.escalations(conn, limit=limit)
        return tuple(
            EscalationRow(
                complaint_id=e.complaint_id,
                public_ref=e.public_ref,
                title=e.title,
                status=e.status,
                desk_id=e.desk_id,
                assignee_id=e.assignee_id,
                level=e.escalation_level,
                escalated_at=_from_micros(e.escalated_at_us),
                reason=e.reason,
                rule_id=e.rule_id,
            )
            for e in found
        )

    # --- dashboard ---

    def dashboard(self, weeks: int = DASHBOARD_WEEKS, until: IsoWeek | None = None) -> Dashboard:
        """The charts' figures: the ``weeks`` weeks ending with ``until`` (default: this week)."""
        now = self._now()
        span = last_weeks(until or IsoWeek.of(now), weeks)
        origin, end = _epoch(span[0].start), _epoch(span[-1].end)
        with self._store.read() as conn:
            sla = {w.week: w for w in figures.response_sla(conn, origin=origin, weeks=weeks, now=_epoch(now))}
            per_week = {
                measure: {
                    m.key: m.median_days
                    for m in figures.medians(
                        conn, measure, figures.Group.WEEK, start=origin, end=end, calendar=self._calendar
                    )
                }
                for measure in figures.Measure
            }
            per_desk = {
                measure: {
                    m.key: m
                    for m in figures.medians(
                        conn, measure, figures.Group.DESK, start=origin, end=end, calendar=self._calendar
                    )
                }
                for measure in figures.Measure
            }
            by_category = figures.backlog(conn, figures.BacklogBy.CATEGORY, now=_epoch(now))
            by_kecamatan = figures.backlog(conn, figures.BacklogBy.KECAMATAN, now=_epoch(now))
            desks, _ = self._names(conn)
            categories = {c.code: c.name for c in reference.categories(conn)}
        week_rows = tuple(
            WeekFigures(
                week=week,
                met=sla[i].met if i in sla else 0,
                missed=sla[i].missed if i in sla else 0,
                median_first_response=per_week[figures.Measure.FIRST_RESPONSE].get(i),
                median_close=per_week[figures.Measure.CLOSE].get(i),
            )
            for i, week in enumerate(span)
        )
        first, close = per_desk[figures.Measure.FIRST_RESPONSE], per_desk[figures.Measure.CLOSE]
        desk_ids = sorted(set(first) | set(close), key=lambda k: (k is None, str(k or "")))
        desk_rows = tuple(
            DeskFigures(
                desk_id=str(key) if key is not None else None,
                label=desks.get(str(key), (str(key), ""))[0] if key is not None else "-",
                first_response_days=first[key].median_days if key in first else None,
                first_responses=first[key].count if key in first else 0,
                close_days=close[key].median_days if key in close else None,
                closes=close[key].count if key in close else 0,
            )
            for key in desk_ids
        )
        return Dashboard(
            weeks=week_rows,
            by_category=tuple(
                BacklogRow(b.key, categories.get(b.key, b.key) if b.key else "-", b.open, b.overdue)
                for b in by_category
            ),
            by_kecamatan=tuple(
                BacklogRow(b.key, b.key.title() if b.key else "-", b.open, b.overdue) for b in by_kecamatan
            ),
            desks=desk_rows,
            at=now,
        )

    def week_counts(self, week: IsoWeek) -> tuple[int, int, int]:
        """(opened, closed, escalated) during the week."""
        start, end = _epoch(week.start), _epoch(week.end)
        with self._store.read() as conn:
            return (
                figures.opened_between(conn, start, end),
                figures.closed_between(conn, start, end),
                figures.escalations_between(conn, _micros(week.start), _micros(week.end)),
            )

    # --- triage ---

    @property
    def router(self) -> Router:
        if self._router is None:
            self._router = self._router_factory()
        return self._router

    def triage(self, limit: int = 200) -> tuple[TriageItem, ...]:
        """The coordinator's queue, the verification deadline soonest first."""
        context = QueryContext(now=self._now(), calendar=self._calendar)
        with self._store.read() as conn:
            page = store_inbox.first_page(conn, parse(TRIAGE_QUERY), context, sort=Sort.DUE, limit=limit)
            found = [
                (c, timeline.for_complaint(conn, c.id))
                for r in page.rows
                if (c := complaints.get(conn, r.id))
            ]
            agencies = {a.id: a.short_name or a.name for a in reference.agencies(conn)}
            desks, _ = self._names(conn)
        return tuple(self._triage_item(c, entries, agencies, desks) for c, entries in found)

    def triage_item(self, complaint_id: str) -> TriageItem | None:
        with self._store.read() as conn:
            cached = complaints.get(conn, complaint_id)
            if cached is None:
                return None
            entries = timeline.for_complaint(conn, cached.id)
            agencies = {a.id: a.short_name or a.name for a in reference.agencies(conn)}
            desks, _ = self._names(conn)
        return self._triage_item(cached, entries, agencies, desks)

    def _triage_item(
        self,
        cached: CachedComplaint,
        entries: list[timeline.TimelineItem],
        agencies: dict[str, str],
        desks: dict[str, tuple[str, str]],
    ) -> TriageItem:
        data = cached.data
        explanation, returned_by = "", None
        for entry in reversed(entries):
            if entry.entry is EntryType.DISPOSITION and entry.kind == DispositionKind.RETURN.value:
                returned_by = entry.data.get("from_agency_id")
                explanation = str(entry.data.get("reason", ""))
                break
            if (
                entry.entry is EntryType.UPDATE
                and entry.kind == UpdateKind.SYSTEM.value
                and entry.data.get("author_id") == "system"
            ):
                explanation = str(entry.data.get("body", ""))
                break
        decision = self._route(data)
        if not explanation:
            explanation = decision.explanation if decision is not None else ""
        guesses: list[Guess] = []
        seen: set[tuple[str, str | None]] = set()
        candidates = decision.candidates if decision is not None else ()
        for candidate in candidates:
            if candidate.agency_id == returned_by or (candidate.agency_id, candidate.desk_id) in seen:
                continue
            seen.add((candidate.agency_id, candidate.desk_id))
            guesses.append(
                Guess(
                    agency_id=candidate.agency_id,
                    agency_label=agencies.get(candidate.agency_id, candidate.agency_id),
                    desk_id=candidate.desk_id,
                    desk_label=desks[candidate.desk_id][0] if candidate.desk_id in desks else None,
                    category_code=candidate.category_code,
                    score=candidate.score,
                    rule_id=candidate.rule_id,
                    matched=candidate.matched,
                )
            )
        now = self._now()
        due = cached.due_at
        state = None if due is None else sla_state(due, now, self._calendar, self._policy)
        days = None if due is None else self._calendar.working_days_left(due, now)
        return TriageItem(
            complaint_id=cached.id,
            public_ref=str(data.get("public_ref", "")),
            title=str(data.get("title", "")),
            status=cached.status,
            visibility=str(data.get("visibility", "")),
            created_at=datetime.fromisoformat(str(data["created_at"])),
            due_at=cached.due_at,
            sla_state=state,
            sla_days_left=days,
            explanation=explanation,
            returned_by=returned_by,
            guesses=tuple(guesses),
        )

    def _route(self, data: dict[str, Any]) -> Any:
        location = data.get("location") or {}
        kecamatan = location.get("kecamatan") if isinstance(location.get("kecamatan"), str) else None
        title, description = str(data.get("title", "")), str(data.get("description", ""))
        category = data.get("category_code") if isinstance(data.get("category_code"), str) else None
        try:
            return self.router.route(
                title=title, description=description, category_code=category, kecamatan=kecamatan
            )
        except UnknownCategory:
            return self.router.route(title=title, description=description, kecamatan=kecamatan)

    # --- duplicates ---

    def duplicates(self, complaint_id: str, limit: int = 10) -> tuple[DuplicateSuggestion, ...]:
        """Likely duplicates of a cached complaint, best first; empty when it is not cached."""
        policy = self._duplicate_policy
        with self._store.read() as conn:
            cached = complaints.get(conn, complaint_id)
            if cached is None:
                return ()
            found = store_duplicates.candidates(
                conn, cached.data, max_days=policy.max_days, max_metres=policy.max_metres
            )
        subject = store_duplicates.report_of(cached.data)
        by_id = {c.report.id: c for c in found}
        ranked = rank(subject, (c.report for c in found), policy, self.router.normalizer, limit)
        return tuple(
            DuplicateSuggestion(
                complaint_id=s.id,
                public_ref=by_id[s.id].public_ref,
                title=by_id[s.id].title,
                status=by_id[s.id].status,
                score=s.score,
                similarity=s.similarity,
                shared=s.shared,
                metres=s.metres,
                same_kelurahan=s.same_kelurahan,
                days_apart=s.days_apart,
            )
            for s in ranked
        )

    # --- reassign / dispose targets ---

    def agency_of(self, kind: str, target_id: str) -> str | None:
        """The agency a desk or a person belongs to (from the cached directory); None when unknown."""
        with self._store.read() as conn:
            if kind == "desk":
                found = reference.get(conn, RefEntity.DESK, target_id)
            elif kind == "person":
                found = reference.get(conn, RefEntity.USER, target_id)
            elif kind == "agency":
                found = reference.get(conn, RefEntity.AGENCY, target_id)
                return target_id if found is not None else None
            else:
                raise ValueError(f"a target is a desk, a person or an agency, not {kind!r}")
        agency = found.get("agency_id") if found is not None else None
        return agency if isinstance(agency, str) else None

    def targets(self) -> tuple[Target, ...]:
        """What this user may move complaints to: a supervisor, the desks and people of their agency and
        every other agency; the coordinator, every desk, person and agency. Empty for other roles."""
        me = self._identity()
        if me is None or not self.may_supervise():
            return ()
        coordinator = Role.COORDINATOR in me.roles
        with self._store.read() as conn:
            agencies = [a for a in reference.agencies(conn) if a.active]
            desks = reference.desks(conn, active_only=True)
            users = reference.list_all(conn, RefEntity.USER)
        short = {a.id: a.short_name or a.name for a in agencies}
        found: list[Target] = []
        for desk in desks:
            if desk.agency_id in short and (coordinator or desk.agency_id == me.agency_id):
                found.append(Target("desk", desk.id, desk.name, desk.agency_id, short[desk.agency_id]))
        for user in users:
            agency = user.get("agency_id")
            roles = {str(r) for r in user.get("roles") or ()}
            if not isinstance(agency, str) or agency not in short or not roles & _DESK_ROLES:
                continue
            if coordinator or agency == me.agency_id:
                desks_of = ", ".join(str(d) for d in user.get("desk_ids") or ())
                detail = f"{short[agency]} {desks_of}".strip()
                found.append(
                    Target("person", str(user["id"]), str(user.get("name") or user["id"]), agency, detail)
                )
        for agency in agencies:
            if coordinator or agency.id != me.agency_id:
                found.append(Target("agency", agency.id, agency.name, agency.id, agency.short_name))
        return tuple(found)
