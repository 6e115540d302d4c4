"""The life of one seeded complaint, written the way the server's own acts write it.

``Life`` holds a complaint's state and appends what each act leaves behind, mirroring ``central.workflow``,
``central.intake`` and ``central.jobs``: a ``status_change`` update for every change of status (take
included), a ``return`` disposition beside a desk's return, a follow-up ``status_change`` after a response,
an ``escalate`` disposition when a deadline passes unmet, an automatic close after the reply window. Every
move is asked of ``domain.transitions`` first, so the seeded history is one the server would have accepted.

``live`` plays a plausible story on it (triage, taking, field work, holds, responses, replies, closes) until
the story ends or reaches the seeder's "now"; what would happen later does not happen, so a complaint's state
follows from its age.
"""

from __future__ import annotations

import math
import random
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import cache
from typing import Final

from sambat_tui.central.intake import SYSTEM_AUTHOR
from sambat_tui.central.jobs import ESCALATION_RULES, EscalationRule
from sambat_tui.central.records import Deadline
from sambat_tui.central.seed_clock import OfficeClock, jakarta_day
from sambat_tui.central.seed_texts import (
    ARCHIVE_OUTSIDE,
    ARCHIVE_VAGUE,
    CITIZEN_REPLIES,
    DESK_HOLD_REASONS,
    FIELD_HOLD_REASONS,
    FIELD_NOTES,
    GENERIC_NOTES,
    GENERIC_RESPONSES,
    INTERIM_RESPONSES,
    NOTES,
    REASSIGN_TO_AREA,
    REASSIGN_TO_FIELD,
    REFERRAL_CLOSE,
    REFERRAL_HOLD,
    RESPONSES,
    RESUME_NOTES,
    SUPERVISOR_CLOSES,
    dispose_reason,
    insist_reason,
    referral_note,
    referral_response,
    return_reason,
    tanggal,
)
from sambat_tui.central.seed_topics import Topic
from sambat_tui.domain import transitions as rules
from sambat_tui.domain.calendar import JAKARTA, WorkingCalendar
from sambat_tui.domain.model import Action, AgencyKind, DispositionKind, Role, SlaClass, Status, UpdateKind
from sambat_tui.domain.sla import SlaDeadlines, SlaPolicy, reply_due_after

AUTO_CLOSE_NOTE: Final = "Ditutup otomatis: tidak ada tanggapan pelapor dalam batas waktu"
"""What ``central.jobs`` writes when it closes a complaint after the reply window."""
JOB_DELAY: Final = timedelta(seconds=30)
"""The periodic job runs every minute: on average it notices a passed deadline half a minute later."""
_ONE_SECOND: Final = timedelta(seconds=1)


@dataclass(frozen=True, slots=True)
class Staff:
    """The standard desk users of one agency (any may be missing in a city that removed them)."""

    operator: str | None
    operator_desks: frozenset[str]
    field: str | None
    supervisor: str | None


@dataclass(slots=True)
class UpdateRow:
    id: str
    kind: str
    """The wire value (``UpdateKind``): rows carry plain strings, cheap to serialise and to send."""
    body: str
    status_after: str | None
    author_id: str
    authored_at: datetime
    recorded_at: datetime
    client_made: bool
    """Sent by a client (its payload digest is kept, so a re-sent PUT is recognised); else server-made."""


@dataclass(slots=True)
class DispositionRow:
    id: str
    kind: str
    """The wire value (``DispositionKind``)."""
    from_agency_id: str | None
    from_desk_id: str | None
    to_agency_id: str
    to_desk_id: str | None
    to_user_id: str | None
    reason: str
    actor_id: str | None
    rule_id: str | None
    matched: tuple[str, ...]
    created_at: datetime


class World:
    """What every life shares: the users and reference data, the clocks, and "now"."""

    def __init__(
        self,
        *,
        now: datetime,
        calendar: WorkingCalendar,
        policy: SlaPolicy,
        clock: OfficeClock,
        coordinator_id: str,
        coordinator_agency_id: str,
        roles: Mapping[str, frozenset[Role]],
        user_agencies: Mapping[str, str | None],
        staff: Mapping[str, Staff],
        agencies: Mapping[str, tuple[str, AgencyKind]],
        desks_of: Mapping[str, tuple[str, ...]],
        category_desks: Mapping[str, tuple[str | None, str | None]],
        area_desks: Mapping[tuple[str, str], str],
    ) -> None:
        self.now = now
        self.calendar = calendar
        self.policy = policy
        self.clock = clock
        self.coordinator_id = coordinator_id
        self.coordinator_agency_id = coordinator_agency_id
        self.roles = roles
        self.user_agencies = user_agencies
        self.staff = staff
        self.agencies = agencies
        """agency id -> (short name, kind)"""
        self.desks_of = desks_of
        self.category_desks = category_desks
        """category code -> (default agency, default desk)"""
        self.area_desks = area_desks
        """(desk, kecamatan) -> the UPT desk that does the work there"""
        self._reply_due: dict[date, datetime] = {}

    def reply_due(self, responded_at: datetime) -> datetime:
        # The window is counted in working days from the response's Jakarta date, so one value per date.
        day = jakarta_day(responded_at)
        due = self._reply_due.get(day)
        if due is None:
            due = self._reply_due[day] = reply_due_after(responded_at, self.calendar, self.policy)
        return due

    def short_name(self, agency_id: str) -> str:
        return self.agencies[agency_id][0]

    def has_desk_users(self, agency_id: str) -> bool:
        staff = self.staff.get(agency_id)
        return staff is not None and (staff.operator or staff.supervisor) is not None

    def desk_for(self, topic: Topic, agency_id: str) -> str | None:
        """Where a coordinator sends a topic at ``agency_id``: its category's desk there, or the first one."""
        if topic.category is not None:
            default_agency, default_desk = self.category_desks.get(topic.category, (None, None))
            if default_agency == agency_id and default_desk is not None:
                return default_desk
        desks = self.desks_of.get(agency_id, ())
        return desks[0] if desks else None

    def handler(self, agency_id: str, desk_id: str | None) -> str | None:
        """Who picks a complaint up at a desk: the liaison operator for their desks, else the supervisor."""
        staff = self.staff.get(agency_id)
        if staff is None:
            return None
        if staff.operator is not None and desk_id in staff.operator_desks:
            return staff.operator
        return staff.supervisor


# The rules are pure functions of a few enums; a big seed asks them the same few hundred questions a million
# times, so their answers are cached (a refusal raises each time, and is never expected).


@cache
def _apply(status: Status, action: Action, roles: frozenset[Role] | None, reasoned: bool) -> Status:
    # The rules only ask whether a reason was given; the reason itself goes into the status_change update.
    return rules.apply_action(status, action, roles, "alasan" if reasoned else None)


@cache
def _after_disposition(status: Status, kind: DispositionKind) -> Status:
    return rules.status_after_disposition(status, kind)


@cache
def _check_disposition(
    kind: DispositionKind,
    roles: frozenset[Role] | None,
    actor_agency_id: str | None,
    from_agency_id: str | None,
    to_agency_id: str,
) -> None:
    rules.check_disposition(kind, roles, actor_agency_id, from_agency_id, to_agency_id)


_STAMP_BITS = (1 << 48) - 1


def new_id(rng: random.Random, stamp_ms: int) -> str:
    """A version 7 UUID (RFC 9562): ``stamp_ms`` (Unix milliseconds) first, then random bits from ``rng``.

    The seeder stamps every id of a complaint's life with its intake time, and makes complaints in intake
    order, so each table's primary key grows at its end during a load instead of at random places.
    """
    bits = (
        (stamp_ms & _STAMP_BITS) << 80
        | 0x7 << 76
        | rng.getrandbits(12) << 64
        | 0b10 << 62
        | rng.getrandbits(62)
    )
    h = f"{bits:032x}"
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


@dataclass(slots=True)
class Life:
    world: World
    rng: random.Random
    complaint_id: str
    created_at: datetime
    deadlines: SlaDeadlines
    status: Status
    agency_id: str | None
    desk_id: str | None
    kecamatan: str | None
    location_hint: str
    """A street, for the response text ("... di Jl. Ijen ...")."""
    id_stamp: int
    """The time part of every id this life mints (``new_id``): the intake, in Unix milliseconds."""
    t: datetime = field(init=False)
    version: int = 1
    updated_at: datetime = field(init=False)
    assignee_id: str | None = None
    first_response_at: datetime | None = None
    reply_due: datetime | None = None
    closed_at: datetime | None = None
    escalation_level: int = 0
    escalated: set[Deadline] = field(default_factory=set)
    updates: list[UpdateRow] = field(default_factory=list)
    dispositions: list[DispositionRow] = field(default_factory=list)
    stopped: bool = False
    _watch: list[tuple[datetime, EscalationRule]] = field(init=False)
    """The deadlines not escalated yet, with the moment the job would first notice each."""

    def __post_init__(self) -> None:
        self.t = self.created_at
        self.updated_at = self.created_at
        self._watch = [(self._due(r.deadline) + JOB_DELAY, r) for r in ESCALATION_RULES]

    # --- time ---

    def at(self, when: datetime | None) -> bool:
        """Move the clock to ``when`` (at least a second after the last act), escalating what fell due on
        the way; False, and the story stops, when ``when`` lies after "now" (or beyond the office clock)."""
        if self.stopped:
            return False
        now = self.world.now
        if when is None or when > now:
            self._escalate_until(now)
            self.stopped = True
            return False
        if when <= self.t:
            when = self.t + timedelta(seconds=self.rng.randint(1, 120))
            if when > now:
                self._escalate_until(now)
                self.stopped = True
                return False
        self._escalate_until(when)
        self.t = when
        return True

    def after_office(self, working_days: float) -> bool:
        return self.at(self.world.clock.after(self.t, working_days))

    def finish(self) -> None:
        """Nothing more happens by hand: only the periodic job may still act until now."""
        if not self.stopped:
            self._escalate_until(self.world.now)
            self.stopped = True

    def _escalate_until(self, limit: datetime) -> None:
        while self._watch:
            first: tuple[datetime, EscalationRule] | None = None
            for fires_at, rule in self._watch:
                if fires_at >= limit or not self._escalates(rule):
                    continue
                # The job's next run after the deadline; if the complaint changed since, the run after that.
                moment = max(fires_at, self.t + _ONE_SECOND)
                if moment < limit and (first is None or moment < first[0]):
                    first = (moment, rule)
            if first is None:
                return
            self._escalate(first[1], first[0])

    def _due(self, deadline: Deadline) -> datetime:
        if deadline is Deadline.VERIFY:
            return self.deadlines.verify_due
        if deadline is Deadline.RESPONSE:
            return self.deadlines.response_due
        return self.deadlines.resolve_due

    def _escalates(self, rule: EscalationRule) -> bool:
        return self.status in rule.statuses and not (
            rule.unanswered_only and self.first_response_at is not None
        )

    # --- writes, as the server makes them ---

    def _bump(self) -> None:
        self.version += 1
        self.updated_at = self.t

    def _update(
        self,
        kind: UpdateKind,
        body: str,
        author_id: str,
        *,
        status_after: Status | None = None,
        client_made: bool = False,
        authored_at: datetime | None = None,
    ) -> None:
        self.updates.append(
            UpdateRow(
                id=new_id(self.rng, self.id_stamp),
                # ``_value_`` is the member's plain attribute; ``.value`` is a property, dearer on this path.
                kind=kind._value_,
                body=body,
                status_after=None if status_after is None else status_after._value_,
                author_id=author_id,
                authored_at=self.t if authored_at is None else authored_at,
                recorded_at=self.t,
                client_made=client_made,
            )
        )

    def _disposition(
        self,
        kind: DispositionKind,
        to_agency_id: str,
        reason: str,
        *,
        actor_id: str | None,
        from_agency_id: str | None,
        from_desk_id: str | None,
        to_desk_id: str | None = None,
        to_user_id: str | None = None,
        rule_id: str | None = None,
        matched: tuple[str, ...] = (),
    ) -> None:
        self.dispositions.append(
            DispositionRow(
                id=new_id(self.rng, self.id_stamp),
                kind=kind._value_,
                from_agency_id=from_agency_id,
                from_desk_id=from_desk_id,
                to_agency_id=to_agency_id,
                to_desk_id=to_desk_id,
                to_user_id=to_user_id,
                reason=reason,
                actor_id=actor_id,
                rule_id=rule_id,
                matched=matched,
                created_at=self.t,
            )
        )

    def auto_route(self, rule_id: str | None, matched: tuple[str, ...], explanation: str) -> None:
        assert self.agency_id is not None
        _check_disposition(DispositionKind.AUTO_ROUTE, None, None, None, self.agency_id)
        self._disposition(
            DispositionKind.AUTO_ROUTE,
            self.agency_id,
            explanation,
            actor_id=None,
            from_agency_id=None,
            from_desk_id=None,
            to_desk_id=self.desk_id,
            rule_id=rule_id,
            matched=matched,
        )

    def triage_note(self, explanation: str) -> None:
        self._update(UpdateKind.SYSTEM, explanation, SYSTEM_AUTHOR)

    def act(self, action: Action, actor_id: str | None, body: str = "") -> None:
        """A transition; ``actor_id`` None is the system. ``body`` is also the reason where one is needed."""
        roles = None if actor_id is None else self.world.roles[actor_id]
        before = self.status
        self.status = _apply(before, action, roles, bool(body.strip()))
        if action is Action.TAKE:
            assert actor_id is not None
            self.assignee_id = actor_id
        if not self.status.is_open:
            self.closed_at = self.t
        self._bump()
        self._update(UpdateKind.STATUS_CHANGE, body, actor_id or SYSTEM_AUTHOR, status_after=self.status)
        if action is Action.RETURN:
            assert actor_id is not None and self.agency_id is not None
            target = self.world.coordinator_agency_id
            _check_disposition(DispositionKind.RETURN, None, None, self.agency_id, target)
            self._disposition(
                DispositionKind.RETURN,
                target,
                body,
                actor_id=actor_id,
                from_agency_id=self.agency_id,
                from_desk_id=self.desk_id,
            )

    def move(
        self,
        kind: DispositionKind,
        actor_id: str,
        to_agency_id: str,
        reason: str,
        *,
        to_desk_id: str | None = None,
        to_user_id: str | None = None,
    ) -> None:
        """A reassign or dispose by a person."""
        roles = self.world.roles[actor_id]
        actor_agency = self.world.user_agencies.get(actor_id)
        _check_disposition(kind, roles, actor_agency, self.agency_id, to_agency_id)
        before = self.status
        self.status = _after_disposition(before, kind)
        desk = to_desk_id if to_desk_id is not None or kind is not DispositionKind.REASSIGN else self.desk_id
        from_agency, from_desk = self.agency_id, self.desk_id
        self.agency_id, self.desk_id, self.assignee_id = to_agency_id, desk, to_user_id
        self._bump()
        self._disposition(
            kind,
            to_agency_id,
            reason,
            actor_id=actor_id,
            from_agency_id=from_agency,
            from_desk_id=from_desk,
            to_desk_id=desk,
            to_user_id=to_user_id,
        )
        if self.status is not before:
            self._update(UpdateKind.STATUS_CHANGE, reason, actor_id, status_after=self.status)

    def respond(self, actor_id: str, body: str) -> None:
        self.status = _apply(self.status, Action.RESPOND, self.world.roles[actor_id], False)
        if self.first_response_at is None:
            self.first_response_at = self.t
        self.reply_due = self.world.reply_due(self.t)
        self._bump()
        self._update(
            UpdateKind.PUBLIC_RESPONSE, body, actor_id, status_after=Status.RESPONDED, client_made=True
        )
        self._update(UpdateKind.STATUS_CHANGE, "", actor_id, status_after=self.status)

    def public_note(self, actor_id: str, body: str) -> None:
        """A public response that changes no status (the coordinator's word on a referral)."""
        if self.first_response_at is None:
            self.first_response_at = self.t
            self._bump()
        self._update(UpdateKind.PUBLIC_RESPONSE, body, actor_id, client_made=True)

    def note(self, actor_id: str, body: str, *, authored_at: datetime | None = None) -> None:
        self._update(UpdateKind.INTERNAL_NOTE, body, actor_id, client_made=True, authored_at=authored_at)

    def citizen_reply(self, body: str) -> None:
        """Entered by the coordinator; inside the reply window it reopens the complaint."""
        self._update(UpdateKind.CITIZEN_REPLY, body, self.world.coordinator_id, client_made=True)
        if self.status is Status.RESPONDED and self.reply_due is not None and self.t <= self.reply_due:
            self.status = _apply(self.status, Action.REOPEN, None, False)
            self.reply_due = None
            self._bump()
            self._update(UpdateKind.STATUS_CHANGE, "", SYSTEM_AUTHOR, status_after=self.status)

    def _escalate(self, rule: EscalationRule, moment: datetime) -> None:
        self.t = moment
        target = self.agency_id or self.world.coordinator_agency_id
        _check_disposition(DispositionKind.ESCALATE, None, None, self.agency_id, target)
        self.status = _after_disposition(self.status, DispositionKind.ESCALATE)
        self.escalated.add(rule.deadline)
        self._watch = [(fires_at, r) for fires_at, r in self._watch if r is not rule]
        self.escalation_level += 1
        self._bump()
        when = self._due(rule.deadline).astimezone(JAKARTA).strftime("%d-%m-%Y")
        self._disposition(
            DispositionKind.ESCALATE,
            target,
            f"Batas waktu {rule.label} terlewati (jatuh tempo {when} WIB)",
            actor_id=None,
            from_agency_id=self.agency_id,
            from_desk_id=self.desk_id,
            rule_id=f"sla.{rule.deadline.value}",
        )


# --- the story ---


def _lognormal(rng: random.Random, median: float, sigma: float, cap: float) -> float:
    return min(rng.lognormvariate(math.log(median), sigma), cap)


_RESPOND_MEDIAN: Final = {
    SlaClass.RINGAN: 0.5,
    SlaClass.NORMATIF: 1.8,
    SlaClass.TANPA_PEMERIKSAAN: 5.0,
    SlaClass.PEMERIKSAAN_LAPANGAN: 12.0,
}
_HOLD_CHANCE: Final = {
    SlaClass.RINGAN: 0.04,
    SlaClass.NORMATIF: 0.1,
    SlaClass.TANPA_PEMERIKSAAN: 0.15,
    SlaClass.PEMERIKSAAN_LAPANGAN: 0.3,
}
_INTERIM_AFTER: Final = 2.5
"""Working days of planned work beyond which the desk first posts an interim public response."""
_WRONGFUL_RETURN: Final = 0.02
"""Share of complaints a desk returns although they are its own; the coordinator sends them back."""


def live(life: Life, topic: Topic) -> None:
    """Play the complaint's story from intake until it ends or reaches now."""
    world, rng = life.world, life.rng
    if life.status is Status.RECEIVED and not _triage(life, topic):
        life.finish()
        return
    pushed_back = False
    for _hop in range(3):
        agency = life.agency_id
        if agency is None or life.stopped or not life.status.is_open:
            break
        if agency not in topic.handlers and world.has_desk_users(agency):
            if not _bukan_wewenang(life, topic):
                break
            continue
        if not pushed_back and world.has_desk_users(agency) and rng.random() < _WRONGFUL_RETURN:
            pushed_back = True
            if not _pushed_back(life):
                break
            continue
        if not world.has_desk_users(agency):
            if not topic.handlers:
                if life.after_office(_lognormal(rng, 0.7, 0.6, 5.0)):
                    life.act(Action.ARCHIVE, world.coordinator_id, rng.choice(ARCHIVE_OUTSIDE))
                break
            if agency not in topic.handlers:
                # Routed to a referral body by mistake: the coordinator catches it on the referral list.
                if not life.after_office(_lognormal(rng, 0.7, 0.6, 5.0)):
                    break
                _send(life, topic)
                continue
            _referral(life)
            break
        _desk_work(life, topic)
        break
    life.finish()


def _triage(life: Life, topic: Topic) -> bool:
    """The coordinator's triage queue: dispose, or archive. False when the story ends here."""
    rng = life.rng
    # One coordinator for the whole city: a day or two for most, a backlog that misses the deadline for some.
    days = rng.uniform(3.0, 12.0) if rng.random() < 0.1 else _lognormal(rng, 1.5, 0.7, 8.0)
    if not life.after_office(days):
        return False
    coordinator = life.world.coordinator_id
    if not topic.handlers:
        life.act(Action.ARCHIVE, coordinator, rng.choice(ARCHIVE_OUTSIDE))
        return False
    if topic.key == "samar" and rng.random() < 0.5:
        life.act(Action.ARCHIVE, coordinator, rng.choice(ARCHIVE_VAGUE))
        return False
    _send(life, topic)
    return True


def _send(life: Life, topic: Topic) -> None:
    target = topic.handlers[0]
    world = life.world
    life.move(
        DispositionKind.DISPOSE,
        world.coordinator_id,
        target,
        dispose_reason(world.short_name(target)),
        to_desk_id=world.desk_for(topic, target),
    )


def _bukan_wewenang(life: Life, topic: Topic) -> bool:
    """The desk returns a complaint that is not theirs; the coordinator sends it on. False: story ends."""
    world, rng = life.world, life.rng
    assert life.agency_id is not None
    returner = world.handler(life.agency_id, life.desk_id)
    if returner is None or not life.after_office(_lognormal(rng, 0.8, 0.7, 6.0)):
        return False
    right = world.short_name(topic.handlers[0]) if topic.handlers else None
    life.act(Action.RETURN, returner, return_reason(world.short_name(life.agency_id), right))
    if not life.after_office(_lognormal(rng, 0.5, 0.7, 5.0)):
        return False
    if not topic.handlers:
        life.act(Action.ARCHIVE, world.coordinator_id, rng.choice(ARCHIVE_OUTSIDE))
        return False
    _send(life, topic)
    return True


def _pushed_back(life: Life) -> bool:
    """A desk says "not ours" about its own complaint; the coordinator disagrees and sends it back."""
    world, rng = life.world, life.rng
    agency = life.agency_id
    assert agency is not None
    returner = world.handler(agency, life.desk_id)
    if returner is None or not life.after_office(_lognormal(rng, 0.8, 0.7, 6.0)):
        return False
    short = world.short_name(agency)
    desk = life.desk_id
    life.act(Action.RETURN, returner, return_reason(short, None))
    if not life.after_office(_lognormal(rng, 0.5, 0.7, 5.0)):
        return False
    life.move(DispositionKind.DISPOSE, world.coordinator_id, agency, insist_reason(short), to_desk_id=desk)
    return True


def _referral(life: Life) -> None:
    """Outside the city's authority: the coordinator refers it, tells the reporter, and follows it up."""
    world, rng = life.world, life.rng
    assert life.agency_id is not None
    short = world.short_name(life.agency_id)
    coordinator = world.coordinator_id
    if not life.after_office(_lognormal(rng, 0.4, 0.6, 6.0)):
        return
    life.public_note(coordinator, referral_response(short))
    if not life.after_office(rng.uniform(0.01, 0.1)):
        return
    life.note(coordinator, referral_note(short, rng))
    if not life.after_office(rng.uniform(0.005, 0.05)):
        return
    life.act(Action.HOLD, coordinator, REFERRAL_HOLD)
    # Most referrals are closed once the body confirms receipt; some wait for its answer.
    wait = rng.uniform(0.2, 1.2) if rng.random() < 0.7 else rng.uniform(3.0, 20.0)
    if rng.random() < 0.9 and life.after_office(wait):
        life.act(Action.CLOSE, coordinator, REFERRAL_CLOSE)


def _desk_work(life: Life, topic: Topic) -> None:
    world, rng = life.world, life.rng
    agency = life.agency_id
    assert agency is not None
    staff = world.staff[agency]
    neglected = rng.random() < 0.06
    first_touch = rng.uniform(4.0, 15.0) if neglected else _lognormal(rng, 0.3, 0.8, 4.0)
    if not life.after_office(first_touch):
        return
    area_desk = world.area_desks.get((life.desk_id or "", life.kecamatan or ""))
    wants_field = topic.field_work and rng.random() < 0.5
    if staff.supervisor is not None and staff.field is not None and (wants_field or area_desk is not None):
        handover = True
        life.move(
            DispositionKind.REASSIGN,
            staff.supervisor,
            agency,
            REASSIGN_TO_AREA if area_desk else REASSIGN_TO_FIELD,
            to_desk_id=area_desk or life.desk_id,
            to_user_id=staff.field,
        )
        worker = staff.field
        if not life.after_office(rng.uniform(0.05, 0.8)):
            return
        life.act(Action.START, worker)
    else:
        taker = world.handler(agency, life.desk_id)
        if taker is None:
            return
        life.act(Action.TAKE, taker)
        if not life.after_office(rng.uniform(0.005, 0.1)):
            return
        life.act(Action.START, taker)
        worker, handover = taker, False
    sla_class = life.deadlines.sla_class
    respond_in = _lognormal(rng, _RESPOND_MEDIAN[sla_class], 0.5, 90.0)
    if neglected:
        respond_in += rng.uniform(3.0, 10.0)
    elif respond_in > _INTERIM_AFTER:
        # Long work gets a first public word within the follow-up deadline (tindak lanjut awal).
        step = rng.uniform(0.2, 2.5)
        if not life.after_office(step):
            return
        life.public_note(worker, rng.choice(INTERIM_RESPONSES))
        respond_in = max(respond_in - step, 0.1)
    if not _work_until_response(life, topic, worker, respond_in, field_worker=handover):
        return
    _after_response(life, topic, worker)


def _work_until_response(life: Life, topic: Topic, worker: str, days: float, *, field_worker: bool) -> bool:
    rng = life.rng
    spent = 0.0
    for _ in range(rng.choice((0, 0, 1, 1, 2))):
        step = rng.uniform(0.1, 0.4) * days
        offline_from = life.t
        if not life.after_office(step):
            return False
        spent += step
        if field_worker:
            # Written in the field while offline, sent when the tablet found a signal again.
            written = max(offline_from + _ONE_SECOND, life.t - timedelta(hours=rng.uniform(0.2, 20.0)))
            life.note(worker, rng.choice(FIELD_NOTES), authored_at=written)
        else:
            life.note(worker, rng.choice(NOTES.get(topic.category or "", ()) + GENERIC_NOTES))
    if rng.random() < _HOLD_CHANCE[life.deadlines.sla_class]:
        if not life.after_office(rng.uniform(0.05, 0.3) * days):
            return False
        life.act(
            Action.HOLD, worker, rng.choice(FIELD_HOLD_REASONS if topic.field_work else DESK_HOLD_REASONS)
        )
        if not life.after_office(rng.uniform(1.0, 8.0)):
            return False
        life.act(Action.RESUME, worker, rng.choice(RESUME_NOTES))
    if not life.after_office(max(days - spent, 0.05)):
        return False
    life.respond(worker, _response_text(life, topic))
    return True


def _after_response(life: Life, topic: Topic, worker: str) -> None:
    world, rng = life.world, life.rng
    reply_due = life.reply_due
    assert reply_due is not None and life.agency_id is not None
    draw = rng.random()
    if draw < 0.07:
        reply_at = world.clock.after(life.t, rng.uniform(0.3, 6.0))
        if reply_at is not None and reply_at <= reply_due:
            if not life.at(reply_at):
                return
            life.citizen_reply(rng.choice(CITIZEN_REPLIES))
            days = _lognormal(rng, 1.5, 0.5, 10.0)
            field_worker = Role.FIELD_OFFICER in world.roles[worker]
            if not _work_until_response(life, topic, worker, days, field_worker=field_worker):
                return
            reply_due = life.reply_due
            assert reply_due is not None
    elif draw < 0.2:
        supervisor = world.staff[life.agency_id].supervisor
        close_at = world.clock.after(life.t, rng.uniform(0.5, 5.0))
        if supervisor is not None and close_at is not None and close_at < reply_due:
            if life.at(close_at):
                life.act(Action.CLOSE, supervisor, rng.choice(SUPERVISOR_CLOSES))
            return
    if life.at(reply_due + JOB_DELAY):
        life.act(Action.CLOSE, None, AUTO_CLOSE_NOTE)


def _response_text(life: Life, topic: Topic) -> str:
    rng = life.rng
    # The most specific answer there is: for the topic, its category, the agency; else a generic one.
    keys = (topic.key, topic.category, life.agency_id)
    answers = next((RESPONSES[k] for k in keys if k is not None and k in RESPONSES), GENERIC_RESPONSES)
    template = rng.choice(answers)
    return template.format(jl=life.location_hint, tanggal=tanggal(life.t))
