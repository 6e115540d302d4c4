"""Seed a central database with a realistic Malang: ``seed(storage, complaints=..., seed=..., now=...)``.

The seeder loads the reference data and the standard users the way the server does on its first start, then
makes complaints over the 90 days before ``now``: reporters across the five kecamatan and their kelurahan,
titles and descriptions in everyday Indonesian per channel, routed by the real ``Router``, with SLA clocks
from the real calendar and policy and a history each (``seed_life``) that the status machine accepts. Every
row is in the change feed, so a client syncing from scratch sees the seeded city.

Same ``seed``, ``complaints`` and ``now``: the same rows and the same change log. Complaint ``i`` is made from
a generator seeded by its chunk, so chunks are independent and memory stays flat; indexes are built once
after the load (``Storage.bulk_load``).

``sambat-central seed`` runs it (``configure_parser`` and ``run`` are the CLI's hook).
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import random
import sys
import time
from bisect import bisect_right
from collections import Counter, deque
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from itertools import accumulate
from multiprocessing.pool import AsyncResult
from pathlib import Path
from typing import TYPE_CHECKING

from sambat_tui.central.bootstrap import ensure_initialised
from sambat_tui.central.intake import DEFAULT_SLA_CLASS, public_ref
from sambat_tui.central.scope import Scope
from sambat_tui.central.seed_clock import IntakeTimes, OfficeClock, jakarta_day
from sambat_tui.central.seed_life import Life, Staff, World, live, new_id
from sambat_tui.central.seed_places import NATIONAL_ROADS
from sambat_tui.central.seed_texts import (
    Slots,
    channel_text,
    email_of,
    nik,
    person_name,
    phone_number,
    pick_street,
)
from sambat_tui.central.seed_topics import TOPICS, Topic
from sambat_tui.central.seed_writer import (
    ChunkRows,
    ReporterRow,
    SeededComplaint,
    bulk_tuning,
    chunk_rows,
    insert_rows,
    raise_public_ref_counters,
)
from sambat_tui.central.storage import Storage
from sambat_tui.contract import User
from sambat_tui.domain.calendar import JAKARTA, WorkingCalendar, jakarta_date
from sambat_tui.domain.model import (
    KECAMATAN_MALANG,
    AgencyKind,
    Channel,
    Priority,
    Role,
    SlaClass,
    Status,
    Visibility,
)
from sambat_tui.domain.reference import Kelurahan, Reference, load_reference
from sambat_tui.domain.sla import SlaDeadlines, SlaPolicy, deadlines_for

if TYPE_CHECKING:
    from sambat_tui.central.city import City
    from sambat_tui.domain.routing import RouteDecision, Router

CHUNK_SIZE = 1000
"""Complaints per generator and per write transaction. Part of what the output depends on: keep it fixed."""
WINDOW_DAYS = 90
DEFAULT_COMPLAINTS = 10_000
DEFAULT_COORDINATOR_AGENCY = "diskominfo"
_JITTER_DEGREES = 0.0027
"""About 300 m at Malang's latitude: a report is somewhere in its kelurahan, not on its centre."""
_ROUTE_CACHE_MAX = 200_000
_PARALLEL_FROM = 20_000
"""Below this many complaints, forking workers costs more than it saves."""
_PREWARM_FROM = 50_000
"""From this many complaints on, nearly every wording is used: route them all once, up front."""
VARIANTS = 8
"""Wordings per text, kecamatan and channel. Part of what the output depends on: keep it fixed."""
_NATIONAL_ROAD_AGENCY = "bbpjn"

Progress = Callable[[int, int], None]
"""Called after each chunk with (complaints written, complaints asked for)."""

_KECAMATAN_SHARE: Mapping[str, float] = {
    "Blimbing": 0.20,
    "Kedungkandang": 0.23,
    "Klojen": 0.11,
    "Lowokwaru": 0.24,
    "Sukun": 0.22,
}


@dataclass(frozen=True, slots=True)
class _ChannelProfile:
    channel: Channel
    share: float
    picks_category: bool = False
    """The web and app forms list the city's categories."""
    gps: float = 0.0
    """Share of reports that come with the phone's position."""
    photos: float = 0.0


_CHANNELS: tuple[_ChannelProfile, ...] = (
    _ChannelProfile(Channel.WHATSAPP, 0.27, gps=0.5, photos=0.5),
    _ChannelProfile(Channel.WEB, 0.21, picks_category=True, gps=0.4, photos=0.35),
    _ChannelProfile(Channel.APP, 0.18, picks_category=True, gps=1.0, photos=0.6),
    _ChannelProfile(Channel.LAPOR, 0.12),
    _ChannelProfile(Channel.SMS, 0.09),
    _ChannelProfile(Channel.WALK_IN, 0.07),
    _ChannelProfile(Channel.PHONE, 0.04),
    _ChannelProfile(Channel.OPEN311, 0.02, picks_category=True, gps=1.0),
)
_VISIBILITY_SHARE: tuple[tuple[Visibility, float], ...] = (
    (Visibility.PUBLIC, 0.80),
    (Visibility.ANONIM, 0.17),
    (Visibility.RAHASIA, 0.03),
)
_AREA_UPT: Mapping[str, str] = {
    "Blimbing": "dpuprpkp.upt-utara",
    "Lowokwaru": "dpuprpkp.upt-utara",
    "Kedungkandang": "dpuprpkp.upt-selatan",
    "Sukun": "dpuprpkp.upt-selatan",
}
_AREA_WORK_DESKS = ("dpuprpkp.jalan", "dpuprpkp.drainase")


class SeedError(Exception):
    """The database cannot be seeded as asked (not empty, no coordinator, a bad argument)."""


@dataclass(frozen=True)
class SeedReport:
    complaints: int
    updates: int
    dispositions: int
    reporters: int
    statuses: Mapping[str, int]
    seconds: float


class _Plan:
    """Everything a chunk is made from; shared by all chunks and never changed by them (but the caches)."""

    def __init__(
        self,
        *,
        seed: int,
        count: int,
        now: datetime,
        reference: Reference,
        router: Router,
        calendar: WorkingCalendar,
        policy: SlaPolicy,
        world: World,
        sla_classes: Mapping[str, SlaClass],
        operators: Mapping[str, str],
    ) -> None:
        self.seed = seed
        self.count = count
        self.now = now
        self.router = router
        self.calendar = calendar
        self.policy = policy
        self.world = world
        self.sla_classes = sla_classes
        self.pickable = frozenset(c for c, (agency, _) in world.category_desks.items() if agency is not None)
        self.operators = operators
        self.times = IntakeTimes(calendar, now, WINDOW_DAYS, count, seed)
        kecamatan = [k for k in KECAMATAN_MALANG if any(x.kecamatan == k for x in reference.kelurahan)]
        if not kecamatan:
            raise SeedError("the reference data has no kelurahan of Malang's kecamatan")
        self.kecamatan = kecamatan
        self.kecamatan_cum = list(accumulate(_KECAMATAN_SHARE.get(k, 0.2) for k in kecamatan))
        self.kelurahan = {k: tuple(x for x in reference.kelurahan if x.kecamatan == k) for k in kecamatan}
        self.topic_cum = list(accumulate(t.weight for t in TOPICS))
        self.channel_cum = list(accumulate(p.share for p in _CHANNELS))
        self.visibilities = [v.value for v, _ in _VISIBILITY_SHARE]
        self.visibility_cum = list(accumulate(w for _, w in _VISIBILITY_SHARE))
        self.year_first = self._year_boundaries()
        self._wordings: dict[_WordingKey, _Wording] = {}
        self._routes: dict[tuple[str, str, str | None, str], RouteDecision] = {}
        self._deadlines: dict[tuple[date, SlaClass], SlaDeadlines] = {}

    def _year_boundaries(self) -> dict[int, int]:
        """The first complaint index of each Jakarta year in the window: public references count per year."""
        first_year = jakarta_date(self.times.start).year
        last_year = jakarta_date(self.now).year
        firsts = {first_year: 0}
        for year in range(first_year + 1, last_year + 1):
            new_year = datetime(year, 1, 1, tzinfo=JAKARTA)
            firsts[year] = self.times.first_index_at_or_after(new_year)
        return firsts

    def public_ref(self, index: int, created_at: datetime) -> str:
        year = jakarta_date(created_at).year
        return public_ref(year, index - self.year_first[year] + 1)

    def last_numbers(self) -> list[tuple[int, int]]:
        years = sorted(self.year_first)
        ends = [*(self.year_first[y] for y in years[1:]), self.count]
        return [
            (y, end - self.year_first[y])
            for y, end in zip(years, ends, strict=True)
            if end > self.year_first[y]
        ]

    def wording(
        self, topic_index: int, text_index: int, kecamatan: str, channel: Channel, k: int
    ) -> _Wording:
        # A bounded pool of wordings per text, place and channel: big seeds repeat texts (as real citizens
        # do), so each distinct text is routed once; the pool is made from its key, so it is the same
        # whichever chunk asks first.
        key = (topic_index, text_index, kecamatan, channel, k)
        found = self._wordings.get(key)
        if found is None:
            topic = TOPICS[topic_index]
            found = self._wordings[key] = _make_wording(self, topic, text_index, kecamatan, channel, k)
        return found

    def wording_keys(self) -> list[_WordingKey]:
        return [
            (t, x, kecamatan, profile.channel, k)
            for t, topic in enumerate(TOPICS)
            for x in range(len(topic.texts))
            for kecamatan in self.kecamatan
            for profile in _CHANNELS
            for k in range(VARIANTS)
        ]

    def learn(self, known: list[tuple[_WordingKey, _Wording, RouteDecision]]) -> None:
        """Take wordings and their routes made elsewhere (they are what this plan would make itself)."""
        for key, wording, decision in known:
            self._wordings[key] = wording
            self._routes[(wording.title, wording.description, None, key[2])] = decision

    def route(self, title: str, description: str, category: str | None, kecamatan: str) -> RouteDecision:
        # Routing is a pure function of its inputs, so a cache changes only the speed, never a decision.
        key = (title, description, category, kecamatan)
        decision = self._routes.get(key)
        if decision is None:
            if len(self._routes) >= _ROUTE_CACHE_MAX:
                self._routes.clear()
            decision = self.router.route(
                title=title, description=description, category_code=category, kecamatan=kecamatan
            )
            self._routes[key] = decision
        return decision

    def deadlines(self, created_at: datetime, sla_class: SlaClass) -> SlaDeadlines:
        # Every deadline counts whole working days from the intake's Jakarta date: one value per date.
        key = (jakarta_day(created_at), sla_class)
        found = self._deadlines.get(key)
        if found is None:
            found = self._deadlines[key] = deadlines_for(created_at, sla_class, self.calendar, self.policy)
        return found


def _reporter(rng: random.Random, channel: Channel) -> ReporterRow | None:
    if rng.random() < 0.04:
        return None
    name = person_name(rng)
    if channel is Channel.SMS:
        return ReporterRow(None, phone_number(rng), None, None)
    if channel in (Channel.WHATSAPP, Channel.PHONE):
        return ReporterRow(name, phone_number(rng), None, None)
    if channel is Channel.WALK_IN:
        return ReporterRow(name, phone_number(rng), None, nik(rng) if rng.random() < 0.5 else None)
    if channel is Channel.LAPOR:
        return ReporterRow(name, None, email_of(rng, name), None)
    phone = phone_number(rng) if rng.random() < 0.6 else None
    email = email_of(rng, name) if rng.random() < 0.7 else None
    return ReporterRow(name, phone, email, None)


def _priority(rng: random.Random, topic: Topic) -> Priority:
    draw = rng.random()
    if draw < 0.05:
        return Priority.HIGH if topic.priority is not Priority.URGENT else Priority.URGENT
    if draw < 0.1:
        return Priority.NORMAL if topic.priority is not Priority.LOW else Priority.LOW
    return topic.priority


_WordingKey = tuple[int, int, str, Channel, int]
"""(topic index, text index, kecamatan, channel, variant)"""


@dataclass(frozen=True, slots=True)
class _Wording:
    """A filled-in text as it arrived through one channel, with the place it names."""

    title: str
    description: str
    kelurahan: Kelurahan
    street: str
    rt_rw: str
    names_street: bool


def _make_wording(
    plan: _Plan, topic: Topic, text_index: int, kecamatan: str, channel: Channel, k: int
) -> _Wording:
    rng = random.Random(f"sambat-seed/{plan.seed}/{topic.key}/{text_index}/{kecamatan}/{channel.value}/{k}")
    text = topic.texts[text_index]
    kelurahan = rng.choice(plan.kelurahan[kecamatan])
    street = pick_street(rng, kecamatan)
    slots = Slots(rng, kecamatan, kelurahan.name, street)
    title = rng.choice(text.titles).format_map(slots)
    body = text.body.format_map(slots)
    description = channel_text(rng, channel, body, slots)
    rt_rw = f" RT {slots['rt']}/RW {slots['rw']}" if rng.random() < 0.5 else ""
    return _Wording(title, description, kelurahan, street, rt_rw, "{jl" in text.body)


def _pick(rng: random.Random, cumulative: list[float]) -> int:
    """An index drawn with the weights whose running sums are ``cumulative`` (``random.choices``, leaner)."""
    return bisect_right(cumulative, rng.random() * cumulative[-1])


def _make_complaint(plan: _Plan, rng: random.Random, index: int) -> SeededComplaint:
    created_at = plan.times.at(index)
    kecamatan = plan.kecamatan[_pick(rng, plan.kecamatan_cum)]
    topic_index = _pick(rng, plan.topic_cum)
    topic = TOPICS[topic_index]
    profile = _CHANNELS[_pick(rng, plan.channel_cum)]
    channel = profile.channel
    wording = plan.wording(
        topic_index, rng.randrange(len(topic.texts)), kecamatan, channel, rng.randrange(VARIANTS)
    )
    kelurahan = wording.kelurahan
    # Web and app forms list the city's categories; "outside the city's authority" is not one people pick.
    explicit = (
        topic.category
        if profile.picks_category and topic.category in plan.pickable and rng.random() < 0.35
        else None
    )
    decision = plan.route(wording.title, wording.description, explicit, kecamatan)
    category = explicit or decision.category_code
    if category not in plan.sla_classes:
        category = None
    sla_class = plan.sla_classes[category] if category is not None else DEFAULT_SLA_CLASS
    deadlines = plan.deadlines(created_at, sla_class)
    lat = lon = None
    if rng.random() < profile.gps:
        lat = round(kelurahan.lat + rng.uniform(-_JITTER_DEGREES, _JITTER_DEGREES), 6)
        lon = round(kelurahan.lon + rng.uniform(-_JITTER_DEGREES, _JITTER_DEGREES), 6)
    address: str | None = None
    if channel is not Channel.SMS or rng.random() < 0.4:
        address = f"{wording.street}{wording.rt_rw}, Kel. {kelurahan.name}"
    media: tuple[tuple[str, str], ...] = ()
    if rng.random() < profile.photos:
        day = jakarta_day(created_at)
        month = f"{day.year}/{day.month:02d}"
        media = tuple(
            (f"https://sambat.malangkota.go.id/lampiran/{month}/{rng.getrandbits(64):016x}.jpg", "image")
            for _ in range(rng.choice((1, 1, 2, 3)))
        )
    external_refs = (("lapor", str(rng.randint(1_000_000, 9_999_999))),) if channel is Channel.LAPOR else ()
    routed = decision.agency_id is not None
    created_by = plan.world.coordinator_id
    if channel is Channel.WALK_IN and decision.agency_id is not None:
        # Recorded at the agency's own desk when it has one; else at the city's.
        created_by = plan.operators.get(decision.agency_id, created_by)
    stamp = int(created_at.timestamp() * 1000)
    life = Life(
        world=plan.world,
        rng=rng,
        complaint_id=new_id(rng, stamp),
        created_at=created_at,
        deadlines=deadlines,
        status=Status.ASSIGNED if routed else Status.RECEIVED,
        agency_id=decision.agency_id,
        desk_id=decision.desk_id if routed else None,
        kecamatan=kecamatan,
        location_hint=wording.street,
        id_stamp=stamp,
    )
    if routed:
        life.auto_route(decision.rule_id, decision.matched, decision.explanation)
    else:
        life.triage_note(decision.explanation)
    seeded = SeededComplaint(
        public_ref=plan.public_ref(index, created_at),
        channel=channel.value,
        classification=topic.classification.value,
        title=wording.title,
        description=wording.description,
        category_code=category,
        lat=lat,
        lon=lon,
        address=address,
        kelurahan=kelurahan.name,
        kecamatan=kecamatan,
        media=media,
        visibility=plan.visibilities[_pick(rng, plan.visibility_cum)],
        priority=_priority(rng, topic).value,
        deadlines=deadlines,
        external_refs=external_refs,
        created_by=created_by,
        reporter=_reporter(rng, channel),
        life=life,
    )
    if topic.category == "JALAN_RUSAK" and wording.names_street and wording.street in NATIONAL_ROADS:
        topic = replace(topic, handlers=(_NATIONAL_ROAD_AGENCY,))
    live(life, topic)
    return seeded


def _chunk(plan: _Plan, number: int) -> list[SeededComplaint]:
    rng = random.Random(f"sambat-seed/{plan.seed}/{number}")
    first = number * CHUNK_SIZE
    return [_make_complaint(plan, rng, i) for i in range(first, min(first + CHUNK_SIZE, plan.count))]


_Made = tuple[ChunkRows, dict[str, int]]


def _made(plan: _Plan, number: int) -> _Made:
    made = _chunk(plan, number)
    return chunk_rows(made), dict(Counter(c.life.status.value for c in made))


_worker_plan: _Plan | None = None


def _worker_wordings(keys: list[_WordingKey]) -> list[tuple[_WordingKey, _Wording, RouteDecision]]:
    plan = _worker_plan
    assert plan is not None, "a seed worker runs only in a pool made by _produce"
    made = []
    for key in keys:
        wording = plan.wording(*key)
        made.append((key, wording, plan.route(wording.title, wording.description, None, key[2])))
    return made


def _prewarm(plan: _Plan, workers: int) -> None:
    """Make every wording and route it once, split over the workers, before the chunk makers fork.

    Each chunk maker would otherwise route the same tens of thousands of texts again; forked after this,
    they inherit the caches. The results are the ones each would have computed: routing is pure.
    """
    global _worker_plan
    keys = plan.wording_keys()
    parts = [keys[n::workers] for n in range(workers)]
    _worker_plan = plan
    try:
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            for known in pool.imap_unordered(_worker_wordings, parts):
                plan.learn(known)
    finally:
        _worker_plan = None


def _worker_made(number: int) -> _Made:
    assert _worker_plan is not None, "a seed worker runs only in a pool made by _produce"
    return _made(_worker_plan, number)


def _produce(plan: _Plan, chunks: int, workers: int) -> Iterator[_Made]:
    """The chunks' rows in order; made by ``workers`` forked processes when there are any.

    A chunk depends only on the plan and its number, so who makes it changes nothing. At most two chunks per
    worker are in flight, so memory stays flat even when the writer is slower than the makers.
    """
    if workers < 1:
        for number in range(chunks):
            yield _made(plan, number)
        return
    if plan.count >= _PREWARM_FROM:
        _prewarm(plan, workers)
    global _worker_plan
    # Forked children inherit the plan; they never touch the parent's database connection.
    _worker_plan = plan
    try:
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            pending: deque[AsyncResult[_Made]] = deque()
            next_number = 0
            while next_number < chunks or pending:
                while next_number < chunks and len(pending) < 2 * workers:
                    pending.append(pool.apply_async(_worker_made, (next_number,)))
                    next_number += 1
                yield pending.popleft().get()
    finally:
        _worker_plan = None


def _default_workers(complaints: int) -> int:
    if complaints < _PARALLEL_FROM or "fork" not in multiprocessing.get_all_start_methods():
        return 0
    return max(1, min(os.cpu_count() or 1, 4))


def _world(
    users: list[User],
    reference_agencies: Mapping[str, tuple[str, AgencyKind]],
    desks_of: Mapping[str, tuple[str, ...]],
    category_desks: Mapping[str, tuple[str | None, str | None]],
    *,
    now: datetime,
    calendar: WorkingCalendar,
    policy: SlaPolicy,
    start: datetime,
    coordinator_agency_id: str,
) -> World:
    coordinators = [u.id for u in users if Role.COORDINATOR in u.roles]
    if not coordinators:
        raise SeedError("the database has no user with the coordinator role; seed a fresh data directory")
    coordinator = "coordinator" if "coordinator" in coordinators else coordinators[0]
    staff: dict[str, Staff] = {}
    for agency in reference_agencies:
        people = [u for u in users if u.agency_id == agency]

        def first_with(role: Role, people: list[User] = people) -> User | None:
            return next((u for u in people if role in u.roles), None)

        operator, field, supervisor = (
            first_with(Role.OPERATOR),
            first_with(Role.FIELD_OFFICER),
            first_with(Role.SUPERVISOR),
        )
        if operator or field or supervisor:
            staff[agency] = Staff(
                operator=operator.id if operator else None,
                operator_desks=frozenset(operator.desk_ids) if operator else frozenset(),
                field=field.id if field else None,
                supervisor=supervisor.id if supervisor else None,
            )
    known_desks = {d for desks in desks_of.values() for d in desks}
    area = {
        (desk, kecamatan): upt
        for desk in _AREA_WORK_DESKS
        for kecamatan, upt in _AREA_UPT.items()
        if desk in known_desks and upt in known_desks
    }
    clock = OfficeClock(
        calendar, jakarta_date(start) - timedelta(days=2), jakarta_date(now) + timedelta(days=2)
    )
    return World(
        now=now,
        calendar=calendar,
        policy=policy,
        clock=clock,
        coordinator_id=coordinator,
        coordinator_agency_id=coordinator_agency_id,
        roles={u.id: frozenset(u.roles) for u in users},
        user_agencies={u.id: u.agency_id for u in users},
        staff=staff,
        agencies=reference_agencies,
        desks_of=desks_of,
        category_desks=category_desks,
        area_desks=area,
    )


def seed(
    storage: Storage,
    *,
    complaints: int,
    seed: int,
    now: datetime,
    progress: Progress | None = None,
    reference: Reference | None = None,
    router: Router | None = None,
    calendar: WorkingCalendar | None = None,
    policy: SlaPolicy | None = None,
    coordinator_agency_id: str = DEFAULT_COORDINATOR_AGENCY,
    workers: int | None = None,
) -> SeedReport:
    """Fill an empty database with ``complaints`` complaints made over the 90 days before ``now``.

    ``workers``: processes making chunks beside the writer (None: one per core for big seeds, none for
    small ones). The output does not depend on it.
    """
    if complaints < 1:
        raise SeedError(f"complaints must be at least 1, got {complaints}")
    if now.tzinfo is None or now.utcoffset() is None:
        raise SeedError(f"now must be timezone-aware, got {now.isoformat()}")
    began = time.perf_counter()
    now = now.astimezone(UTC)
    reference = reference or load_reference()
    calendar = calendar or WorkingCalendar.load()
    policy = policy or SlaPolicy.load()
    if router is None:
        from sambat_tui.domain.routing import Router

        router = Router.load(reference=reference)
    storage.migrate()
    start = now - timedelta(days=WINDOW_DAYS)
    ensure_initialised(
        storage, reference, start - timedelta(days=1), coordinator_agency_id=coordinator_agency_id
    )
    with storage.read() as tx:
        if tx.complaints(Scope(everything=True), limit=1):
            raise SeedError(f"{storage.path} already holds complaints; seed an empty data directory")
        users = tx.users()
        agencies = {a.id: (a.short_name, a.kind) for a in tx.agencies()}
        desks = tx.desks()
        categories = tx.categories()
    if coordinator_agency_id not in agencies:
        raise SeedError(f"the coordinator's agency {coordinator_agency_id!r} is not in the database")
    desks_of: dict[str, tuple[str, ...]] = {}
    for desk in desks:
        desks_of[desk.agency_id] = (*desks_of.get(desk.agency_id, ()), desk.id)
    world = _world(
        users,
        agencies,
        desks_of,
        {c.code: (c.default_agency_id, c.default_desk_id) for c in categories},
        now=now,
        calendar=calendar,
        policy=policy,
        start=start,
        coordinator_agency_id=coordinator_agency_id,
    )
    operators = {agency: s.operator for agency, s in world.staff.items() if s.operator is not None}
    plan = _Plan(
        seed=seed,
        count=complaints,
        now=now,
        reference=reference,
        router=router,
        calendar=calendar,
        policy=policy,
        world=world,
        sla_classes={c.code: c.sla_class for c in categories},
        operators=operators,
    )
    statuses: Counter[str] = Counter()
    totals = Counter[str]()
    chunks = (complaints + CHUNK_SIZE - 1) // CHUNK_SIZE
    workers = _default_workers(complaints) if workers is None else workers
    with bulk_tuning(storage, now), storage.bulk_load():
        for number, (rows, counts) in enumerate(_produce(plan, chunks, workers)):
            with storage.write(now) as tx:
                insert_rows(tx, rows)
                if number == chunks - 1:
                    raise_public_ref_counters(tx, plan.last_numbers())
            statuses.update(counts)
            totals.update(
                updates=len(rows.updates), dispositions=len(rows.dispositions), reporters=len(rows.reporters)
            )
            if progress is not None:
                progress(min((number + 1) * CHUNK_SIZE, complaints), complaints)
    return SeedReport(
        complaints=complaints,
        updates=totals["updates"],
        dispositions=totals["dispositions"],
        reporters=totals["reporters"],
        statuses=dict(sorted(statuses.items())),
        seconds=time.perf_counter() - began,
    )


# --- the CLI hook: ``sambat-central seed`` ---


def _positive(text: str) -> int:
    try:
        value = int(text.replace("_", ""))
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


def _moment(text: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not an ISO 8601 date-time") from None
    if moment.tzinfo is None:
        raise argparse.ArgumentTypeError(f"{text!r} needs a UTC offset, e.g. 2026-03-02T09:00:00+07:00")
    return moment


def configure_parser(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--complaints", type=_positive, default=DEFAULT_COMPLAINTS, help="how many (default: %(default)s)"
    )
    parser.add_argument("--seed", type=int, default=1, help="random seed; the same seed, the same city")
    parser.add_argument(
        "--now",
        type=_moment,
        default=None,
        help="the moment the city is seeded at (default: the current time)",
    )


class _StderrProgress:
    """One line on stderr, rewritten in place on a terminal; a line per tenth elsewhere (logs, pipes)."""

    def __init__(self) -> None:
        self._began = time.perf_counter()
        self._tty = sys.stderr.isatty()
        self._next_tenth = 1

    def __call__(self, done: int, total: int) -> None:
        elapsed = time.perf_counter() - self._began
        rate = done / elapsed if elapsed > 0 else 0.0
        line = f"seeded {done:,}/{total:,} complaints  {elapsed:6.1f} s  {rate:8,.0f}/s"
        if self._tty:
            sys.stderr.write("\r" + line + ("\n" if done >= total else ""))
        elif done * 10 >= self._next_tenth * total:
            sys.stderr.write(line + "\n")
            self._next_tenth = done * 10 // total + 1
        sys.stderr.flush()


def run(args: argparse.Namespace) -> int:
    # Here, not at the top: the chunk-making worker processes import this module and need none of it.
    from sambat_tui.central.city import city_dir_from, load_city

    # Read and checked before the database is touched: a broken city file must not leave half a seed.
    city = load_city(city_dir_from(args.city_dir))
    return run_seed_command(args.data_dir, args.complaints, args.seed, now=args.now, city=city)


def run_seed_command(
    data_dir: Path, complaints: int, seed_value: int, *, now: datetime | None = None, city: City | None = None
) -> int:
    """``city``: the city's data (routing rules, holidays, SLA, reference tables); None: the shipped data."""
    storage = Storage.open(data_dir)
    try:
        report = seed(
            storage,
            complaints=complaints,
            seed=seed_value,
            now=now or datetime.now(UTC),
            progress=_StderrProgress(),
            reference=city.reference if city is not None else None,
            router=city.router if city is not None else None,
            calendar=city.calendar if city is not None else None,
            policy=city.policy if city is not None else None,
        )
    except SeedError as error:
        sys.stderr.write(f"sambat-central: {error}\n")
        return 1
    finally:
        storage.close()
    statuses = ", ".join(f"{status} {count:,}" for status, count in report.statuses.items())
    sys.stderr.write(
        f"{report.complaints:,} complaints, {report.updates:,} updates, {report.dispositions:,} dispositions"
        f" in {report.seconds:.1f} s into {data_dir}\n{statuses}\n"
    )
    return 0
