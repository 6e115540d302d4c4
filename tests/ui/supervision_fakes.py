"""The supervisor's services in memory, over a ``FakeSession``'s records, for the screen scenarios and Pilot
tests: the views computed by brute force from the records, the acts checked with the domain's real rules
and queued in the fake outbox. ``install`` puts both on a session."""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sambat_tui.domain import transitions as rules
from sambat_tui.domain.calendar import WorkingCalendar
from sambat_tui.domain.model import DispositionKind, Role, Status, Visibility
from sambat_tui.domain.reference import load_reference
from sambat_tui.domain.sla import SlaPolicy, sla_state
from sambat_tui.domain.weeks import IsoWeek, last_weeks
from sambat_tui.services.actions import ActionResult
from sambat_tui.services.exports import Table, export_file
from sambat_tui.services.supervision import (
    BacklogRow,
    Dashboard,
    DeskFigures,
    DuplicateSuggestion,
    EscalationRow,
    Guess,
    LoadRow,
    Target,
    TriageItem,
    WeekFigures,
    Workload,
)
from tests.ui.fakes import FakeActions, FakeSession, Record

_CALENDAR = WorkingCalendar.load()
_POLICY = SlaPolicy.load()
_REFERENCE = load_reference()
PEOPLE = {
    "operator.dpuprpkp": ("Budi Santoso", ("operator",)),
    "field.dpuprpkp": ("Sari Wulandari", ("field_officer",)),
    "supervisor.dpuprpkp": ("Ir. Hartono", ("supervisor",)),
    "operator.dlh": ("Dewi (DLH)", ("operator",)),
}
DESK_NAMES = {d.id: d.name for d in _REFERENCE.desks}
OPEN_QUERY = "status:" + ",".join(s.value for s in Status if s.is_open)
"""What the real service writes as ``status:terbuka``; the fake inbox knows status values only."""
EXPLANATION = (
    "Kata kunci menunjuk ke dua instansi dengan skor mirip; laporan menunggu verifikasi Admin Koordinator."
)


def _overdue(record: Record, now: datetime) -> bool:
    return record.status.is_open and record.resolve_due is not None and record.resolve_due < now


def _due_soon(record: Record, now: datetime) -> bool:
    if not record.status.is_open or record.resolve_due is None or record.resolve_due < now:
        return False
    return _CALENDAR.working_days_left(record.resolve_due, now) <= _POLICY.due_soon_days


class FakeSupervision:
    def __init__(self, session: FakeSession, export_dir: Path | None = None) -> None:
        self._s = session
        self.export_dir = export_dir
        self.exported: list[tuple[str, Table]] = []

    def now(self) -> datetime:
        return self._s.now()

    def _roles(self) -> frozenset[Role]:
        return self._s.identity.roles if self._s.identity is not None else frozenset()

    def may_view(self) -> bool:
        return bool(self._roles() & {Role.SUPERVISOR, Role.COORDINATOR, Role.AUDITOR})

    def may_view_triage(self) -> bool:
        return bool(self._roles() & {Role.COORDINATOR, Role.AUDITOR})

    def may_supervise(self) -> bool:
        return rules.has_permission(self._roles(), rules.Permission.REASSIGN)

    def workload(self) -> Workload:
        now = self.now()
        desks: dict[str | None, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
        people: dict[str | None, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
        for record in self._s.records:
            if not record.status.is_open:
                continue
            for table, key in ((desks, record.desk_id), (people, record.assignee_id)):
                row = table[key]
                row[0] += 1
                row[1] += _due_soon(record, now)
                row[2] += _overdue(record, now)
                row[3] += record.status is Status.IN_PROGRESS and record.created_at > now - timedelta(days=2)
        return Workload(
            desks=tuple(
                LoadRow(
                    "desk", k, DESK_NAMES.get(k or "", k or "-"), "dpuprpkp", *v, f"{OPEN_QUERY} desk:{k}"
                )
                for k, v in sorted(desks.items(), key=lambda kv: (kv[0] is None, kv[0] or ""))
            ),
            people=tuple(
                LoadRow(
                    "person",
                    k,
                    PEOPLE.get(k or "", (k or "-", ()))[0],
                    "dpuprpkp",
                    *v,
                    f"{OPEN_QUERY} assignee:{k}" if k else f"{OPEN_QUERY} assignee:none",
                )
                for k, v in sorted(people.items(), key=lambda kv: (kv[0] is None, kv[0] or ""))
            ),
            at=now,
        )

    def escalations(self, limit: int = 500) -> tuple[EscalationRow, ...]:
        now = self.now()
        rows = [
            EscalationRow(
                complaint_id=r.id,
                public_ref=r.public_ref,
                title=r.title,
                status=r.status,
                desk_id=r.desk_id,
                assignee_id=r.assignee_id,
                level=1,
                escalated_at=r.resolve_due + timedelta(hours=1),
                reason="Batas waktu penyelesaian terlewati",
                rule_id="sla.resolve",
            )
            for r in self._s.records
            if _overdue(r, now) and r.resolve_due is not None
        ]
        return tuple(sorted(rows, key=lambda e: (e.escalated_at, e.complaint_id))[:limit])

    def dashboard(self, weeks: int = 12, until: IsoWeek | None = None) -> Dashboard:
        now = self.now()
        span = last_weeks(until or IsoWeek.of(now), weeks)
        figures = []
        for n, week in enumerate(span):
            made = [r for r in self._s.records if week.start <= r.created_at < week.end]
            missed = sum(1 for r in made if _overdue(r, now))
            # Older weeks of the sample have fewer records; make them show a believable trend.
            met = len(made) - missed + (n * 7) % 11
            figures.append(WeekFigures(week, met, missed + n % 3, 2.0 + (n % 4) / 2, 6.0 + n % 5))
        by_category: dict[str, list[int]] = defaultdict(lambda: [0, 0])
        by_kecamatan: dict[str, list[int]] = defaultdict(lambda: [0, 0])
        for record in self._s.records:
            if record.status.is_open:
                for table, key in (
                    (by_category, record.category_code or "-"),
                    (by_kecamatan, record.kecamatan or "-"),
                ):
                    table[key][0] += 1
                    table[key][1] += _overdue(record, now)
        categories = {c.code: c.name for c in _REFERENCE.categories}

        def rows(table: dict[str, list[int]], names: dict[str, str]) -> tuple[BacklogRow, ...]:
            ordered = sorted(table.items(), key=lambda kv: (-kv[1][0], kv[0]))
            return tuple(BacklogRow(k, names.get(k, k), v[0], v[1]) for k, v in ordered)

        ages = [
            _CALENDAR.working_days_between(r.created_at.date(), now.date())
            for r in self._s.records
            if r.status is Status.CLOSED
        ]
        desks = (
            DeskFigures(
                "dpuprpkp.jalan",
                DESK_NAMES["dpuprpkp.jalan"],
                3.0,
                41,
                float(statistics.median(ages or [0])),
                len(ages),
            ),
            DeskFigures("dpuprpkp.pju", DESK_NAMES["dpuprpkp.pju"], 1.5, 17, 4.0, 9),
            DeskFigures("dpuprpkp.drainase", DESK_NAMES["dpuprpkp.drainase"], 6.5, 12, None, 0),
        )
        return Dashboard(tuple(figures), rows(by_category, categories), rows(by_kecamatan, {}), desks, now)

    def triage(self, limit: int = 200) -> tuple[TriageItem, ...]:
        now = self.now()
        items = []
        waiting = [r for r in self._s.records if r.status in (Status.RECEIVED, Status.RETURNED)]
        waiting.sort(key=lambda r: (r.resolve_due or now, r.id))
        for record in waiting[:limit]:
            category = next((c for c in _REFERENCE.categories if c.code == record.category_code), None)
            guesses = []
            if category is not None and category.default_agency_id is not None:
                agency = next(a for a in _REFERENCE.agencies if a.id == category.default_agency_id)
                desk = category.default_desk_id
                guesses.append(
                    Guess(
                        agency.id,
                        agency.short_name,
                        desk,
                        DESK_NAMES.get(desk or ""),
                        category.code,
                        8.5,
                        f"{agency.id}.{category.code.lower()}",
                        tuple(record.title.lower().split()[:2]),
                    )
                )
            guesses.append(
                Guess(
                    "dlh",
                    "DLH",
                    "dlh.kebersihan",
                    DESK_NAMES["dlh.kebersihan"],
                    "SAMPAH",
                    2.0,
                    "dlh.sampah",
                    ("bau",),
                )
            )
            due = record.resolve_due
            items.append(
                TriageItem(
                    complaint_id=record.id,
                    public_ref=record.public_ref,
                    title=record.title,
                    status=record.status,
                    visibility=record.visibility.value,
                    created_at=record.created_at,
                    due_at=due,
                    sla_state=None if due is None else sla_state(due, now, _CALENDAR, _POLICY),
                    sla_days_left=None if due is None else _CALENDAR.working_days_left(due, now),
                    explanation=EXPLANATION,
                    returned_by="dishub" if record.status is Status.RETURNED else None,
                    guesses=tuple(guesses),
                )
            )
        return tuple(items)

    def duplicates(self, complaint_id: str, limit: int = 10) -> tuple[DuplicateSuggestion, ...]:
        subject = self._s.find(complaint_id)
        if subject is None:
            return ()
        same = [
            r
            for r in self._s.records
            if r.id != subject.id
            and r.title == subject.title
            and abs((r.created_at - subject.created_at).total_seconds()) <= 7 * 86400
        ][:limit]
        return tuple(
            DuplicateSuggestion(
                complaint_id=r.id,
                public_ref=r.public_ref,
                title=r.title,
                status=r.status.value,
                score=round(0.95 - n * 0.07, 3),
                similarity=round(0.9 - n * 0.05, 3),
                shared=tuple(sorted(set(r.title.lower().split()) - {"di", "yang"}))[:5],
                metres=None if n % 2 else 40.0 + 35 * n,
                same_kelurahan=n % 2 == 1,
                days_apart=round(abs((r.created_at - subject.created_at).total_seconds()) / 86400, 3),
            )
            for n, r in enumerate(same)
        )

    def targets(self) -> tuple[Target, ...]:
        identity = self._s.identity
        if identity is None or not self.may_supervise():
            return ()
        coordinator = Role.COORDINATOR in identity.roles
        found = [
            Target("desk", d.id, d.name, d.agency_id, d.agency_id.upper())
            for d in _REFERENCE.desks
            if coordinator or d.agency_id == identity.agency_id
        ]
        found += [
            Target("person", uid, name, uid.split(".")[1], uid.split(".")[1].upper())
            for uid, (name, _) in PEOPLE.items()
            if coordinator or uid.endswith(f".{identity.agency_id}")
        ]
        found += [
            Target("agency", a.id, a.name, a.id, a.short_name)
            for a in _REFERENCE.agencies
            if coordinator or a.id != identity.agency_id
        ]
        return tuple(found)

    def export(self, view: str, table: Table) -> Path:
        self.exported.append((view, table))
        if self.export_dir is None:
            raise RuntimeError("this session has no export folder")
        return export_file(self.export_dir, view, table, self.now())


class FakeSupervisorActions(FakeActions):
    """The fake's actions plus the supervisor's: each checked with the domain rules, queued in the outbox."""

    def __init__(self, session: FakeSession) -> None:
        super().__init__(session)
        self.moves: list[tuple[str, DispositionKind, str, str | None, str | None, str]] = []

    def _check(self, complaint_id: str, check: object) -> Record | str:
        actor = self._actor(complaint_id)
        if isinstance(actor, str):
            return actor
        record, identity = actor
        try:
            assert callable(check)
            check(record, identity)
        except rules.RuleViolation as exc:
            return f"refused.{exc.code}"
        return record

    def move(
        self,
        ids: Sequence[str],
        *,
        to_agency: str,
        to_desk: str | None = None,
        to_user: str | None = None,
        reason: str,
    ) -> ActionResult:
        self._s.spend_room()
        queued, refused = [], []
        for complaint_id in dict.fromkeys(ids):
            record = self._s.find(complaint_id)
            within = record is not None and to_agency == "dpuprpkp" and (to_desk or to_user)
            kind = DispositionKind.REASSIGN if within else DispositionKind.DISPOSE

            def check(r: Record, identity: object, kind: DispositionKind = kind) -> None:
                roles = getattr(identity, "roles", frozenset())
                rules.check_disposition(
                    kind, roles, getattr(identity, "agency_id", None), "dpuprpkp", to_agency
                )
                r.status = rules.status_after_disposition(r.status, kind)

            outcome = self._check(complaint_id, check)
            if isinstance(outcome, str):
                refused.append((complaint_id, outcome))
                continue
            outcome.desk_id = to_desk or outcome.desk_id
            outcome.assignee_id = to_user
            self.moves.append((complaint_id, kind, to_agency, to_desk, to_user, reason))
            target = "/".join(p for p in (to_agency, to_desk) if p)
            summary = f"{kind.value} -> {target}: {reason}"
            payload = {"kind": kind.value, "to_agency": to_agency, "to_desk": to_desk, "to_user": to_user}
            queued.append(self._queue(outcome, "disposition", summary, None, {**payload, "reason": reason}))
        return ActionResult(tuple(queued), tuple(refused))

    def _permitted(
        self,
        ids: Sequence[str],
        permission: rules.Permission,
        op: str,
        summary: str,
        payload: dict[str, Any],
    ) -> ActionResult:
        self._s.spend_room()
        queued, refused = [], []
        for complaint_id in ids:

            def check(r: Record, identity: object) -> None:
                if not rules.has_permission(getattr(identity, "roles", frozenset()), permission):
                    raise rules.RuleViolation(rules.ViolationCode.FORBIDDEN, "not this role")

            outcome = self._check(complaint_id, check)
            if isinstance(outcome, str):
                refused.append((complaint_id, outcome))
            else:
                queued.append(self._queue(outcome, op, summary, None, payload))
        return ActionResult(tuple(queued), tuple(refused))

    def archive(self, ids: Sequence[str], reason: str) -> ActionResult:
        payload = {"action": "archive", "reason": reason}
        return self._permitted(ids, rules.Permission.ARCHIVE, "transition", f"archive: {reason}", payload)

    def set_visibility(self, ids: Sequence[str], visibility: Visibility, *, reason: str) -> ActionResult:
        result = self._permitted(
            ids,
            rules.Permission.SET_VISIBILITY,
            "visibility",
            f"visibility -> {visibility}",
            {"visibility": Visibility(visibility).value, "reason": reason},
        )
        for complaint_id in ids:
            record = self._s.find(complaint_id)
            if record is not None and result.queued:
                record.visibility = Visibility(visibility)
        return result

    def link_duplicate(self, complaint_id: str, original_id: str | None, *, reason: str) -> ActionResult:
        original = self._s.find(original_id) if original_id is not None else None
        payload = {"duplicate_of": original_id, "reason": reason}
        if original is not None:
            payload["duplicate_of_ref"] = original.public_ref
        return self._permitted(
            [complaint_id],
            rules.Permission.LINK_DUPLICATE,
            "duplicate",
            f"duplicate of {original_id}",
            payload,
        )


_DESK_OF_CATEGORY = {
    "PJU": "dpuprpkp.pju",
    "DRAINASE": "dpuprpkp.drainase",
    "POHON_TAMAN": "dpuprpkp.upt-utara",
}


def install(session: FakeSession, export_dir: Path | None = None) -> FakeSupervision:
    """Give ``session`` the supervisor's services (views and acts); returns the views' fake. Records of some
    categories move to their own desk, so the workload has more than one desk."""
    for record in session.records:
        record.desk_id = _DESK_OF_CATEGORY.get(record.category_code or "", record.desk_id)
    supervision = FakeSupervision(session, export_dir)
    session.supervision = supervision  # type: ignore[attr-defined]
    session.actions = FakeSupervisorActions(session)
    return supervision
