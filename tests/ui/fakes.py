"""An in-memory stand-in for the client services, for UI states the real stack cannot make cheaply.

It implements ``sambat_tui.ui.ports.SessionPort`` with the services' own record types over a list of
complaints made from a seed, with the domain's real status machine, working-day calendar and SLA policy.
Keyset paging follows the real contract: cursors are opaque to the UI, ``page.before``/``page.after`` hold the
sort key of the page's first/last row.
"""

from __future__ import annotations

import random
import threading
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sambat_tui.domain.calendar import WorkingCalendar
from sambat_tui.domain.model import KECAMATAN_MALANG, Action, Priority, Role, Status, Visibility
from sambat_tui.domain.query import parse as parse_query
from sambat_tui.domain.sla import SlaPolicy, SlaState, sla_state
from sambat_tui.domain.text_safety import one_line
from sambat_tui.domain.transitions import RuleViolation, allowed_actions, apply_action
from sambat_tui.services.actions import ActionResult, StoreFull
from sambat_tui.services.complaints import ComplaintDetail, TimelineEntry
from sambat_tui.services.exports import INBOX_COLUMNS, Exported, export_rows, inbox_cells
from sambat_tui.services.identity import Identity
from sambat_tui.services.inbox import InboxPage, InboxRow, Sort, Tab
from sambat_tui.services.outbox import OutboxActionRefused, OutboxCounts, OutboxEntry, describe
from sambat_tui.services.sync import SyncProgress, SyncReport, SyncStatus
from sambat_tui.services.templates import CannedResponse

NOW = datetime(2026, 11, 27, 7, 5, tzinfo=UTC)  # Friday 27 Nov 2026 14.05 WIB

_CALENDAR = WorkingCalendar.load()
_POLICY = SlaPolicy.load()


TITLES = (
    "Jalan berlubang di depan SDN Sumbersari 2",
    "Lampu PJU mati sepanjang Jl. Soekarno-Hatta",
    "Saluran air mampet, banjir tiap hujan",
    "Sampah tidak diangkut sudah seminggu",
    "Juru parkir liar minta tarif Rp5.000",
    "Pohon tumbang menutup trotoar",
    "Air PDAM mati tiga hari",
    "Pungutan seragam di SMPN 4",
    "PKL menutup jalan di Pasar Besar",
    "Bau limbah tahu ke permukiman",
    "KTP-el belum jadi setelah 3 bulan",
    "Rambu dilarang parkir hilang",
    "Antrean puskesmas sangat lama",
    "Bangunan liar di sempadan sungai",
    "Trotoar rusak membahayakan pejalan kaki",
)
CATEGORIES = (
    "JALAN_RUSAK",
    "PJU",
    "DRAINASE",
    "SAMPAH",
    "PARKIR",
    "POHON_TAMAN",
    "AIR_PDAM",
    "PUNGLI_SEKOLAH",
    "PKL_KETERTIBAN",
    "PENCEMARAN",
    "ADMINDUK",
    "APILL_RAMBU",
    "PUSKESMAS",
    "BANGUNAN_REKLAME",
    "JALAN_RUSAK",
)
STATUSES = (
    Status.ASSIGNED,
    Status.ASSIGNED,
    Status.IN_PROGRESS,
    Status.IN_PROGRESS,
    Status.ON_HOLD,
    Status.RESPONDED,
    Status.RECEIVED,
    Status.CLOSED,
)
PRIORITIES = ("low", "normal", "normal", "normal", "high", "urgent")
_PRIORITY_RANK = {"urgent": 0, "high": 1, "normal": 2, "low": 3}

TABS = (
    Tab("baru", "tab.baru", "status:received,assigned"),
    Tab("dikerjakan", "tab.dikerjakan", "status:in_progress,on_hold"),
    Tab("jatuh_tempo", "tab.jatuh_tempo", "overdue"),
    Tab("menunggu_pelapor", "tab.menunggu_pelapor", "status:responded"),
    Tab("semua", "tab.semua", ""),
)


@dataclass
class Record:
    id: str
    public_ref: str
    title: str
    description: str
    category_code: str | None
    kecamatan: str | None
    status: Status
    assignee_id: str | None
    desk_id: str | None
    priority: str
    visibility: Visibility
    created_at: datetime
    resolve_due: datetime | None
    pending: int = 0
    conflict: bool = False
    version: int = 1
    timeline: list[TimelineEntry] = field(default_factory=list)
    reporter: dict[str, Any] | None = None


def make_records(count: int, seed: int = 7, now: datetime = NOW) -> list[Record]:
    rng = random.Random(seed)
    records: list[Record] = []
    for n in range(count):
        pick = rng.randrange(len(TITLES))
        created = now - timedelta(minutes=rng.randrange(10, 60 * 24 * 16))
        days = rng.choice((2, 5, 5, 14))
        status = STATUSES[rng.randrange(len(STATUSES))]
        visibility = (Visibility.PUBLIC, Visibility.PUBLIC, Visibility.ANONIM, Visibility.RAHASIA)[n % 4]
        record = Record(
            id=str(uuid.UUID(int=rng.getrandbits(128), version=4)),
            public_ref=f"MLG-2026-{n + 1:06d}",
            title=TITLES[pick],
            description=f"{TITLES[pick]}. Mohon segera ditindaklanjuti, warga RT 0{n % 9 + 1} resah.",
            category_code=CATEGORIES[pick],
            kecamatan=KECAMATAN_MALANG[rng.randrange(len(KECAMATAN_MALANG))],
            status=status,
            assignee_id=rng.choice((None, "operator.dpuprpkp", "field.dpuprpkp")),
            desk_id="dpuprpkp.jalan",
            priority=PRIORITIES[rng.randrange(len(PRIORITIES))],
            visibility=visibility,
            created_at=created,
            resolve_due=_CALENDAR.add_working_days(created, days),
        )
        record.timeline.append(
            TimelineEntry(
                id=f"d-{n}",
                at=created + timedelta(minutes=1),
                kind="disposition",
                subkind="auto_route",
                public=False,
                body="",
                author=None,
                status_after=Status.ASSIGNED,
                detail="DPUPRPKP / Bidang Bina Marga (aturan: jalan-rusak)",
                pending=False,
            )
        )
        if status in (Status.RESPONDED, Status.IN_PROGRESS, Status.ON_HOLD, Status.CLOSED):
            record.timeline.append(
                TimelineEntry(
                    id=f"n-{n}",
                    at=created + timedelta(hours=3),
                    kind="update",
                    subkind="internal_note",
                    public=False,
                    body="Sudah koordinasi dengan UPT, survei lokasi besok pagi.",
                    author="field.dpuprpkp",
                    status_after=None,
                    detail="",
                    pending=False,
                )
            )
        if status in (Status.RESPONDED, Status.CLOSED):
            record.timeline.append(
                TimelineEntry(
                    id=f"r-{n}",
                    at=created + timedelta(hours=26),
                    kind="update",
                    subkind="public_response",
                    public=True,
                    body="Terima kasih atas laporannya. Perbaikan dijadwalkan minggu ini.",
                    author="operator.dpuprpkp",
                    status_after=Status.RESPONDED,
                    detail="",
                    pending=False,
                )
            )
        if visibility is Visibility.PUBLIC:
            record.reporter = {"name": "Siti Aminah", "phone": "0812-3456-7890", "email": None, "nik": None}
        records.append(record)
    return records


@dataclass(frozen=True)
class _Query:
    tab_id: str
    query: str
    sort: Sort
    descending: bool


@dataclass(frozen=True)
class _Cursor:
    query: _Query
    key: tuple[Any, ...]


def _parse(query: str) -> list[tuple[str, str]]:
    """The subset of the filter language the fake filters by; the real parser rejects what is malformed."""
    parse_query(query)  # raises QueryError with its position, as the real inbox does
    terms: list[tuple[str, str]] = []
    for word in query.split():
        if ":" in word:
            name, _, value = word.partition(":")
            terms.append((name, value))
        elif word == "overdue":
            terms.append(("overdue", ""))
        else:
            terms.append(("word", word.lower()))
    return terms


class FakeInbox:
    def __init__(self, session: FakeSession) -> None:
        self._s = session
        self.saved: list[Tab] = []
        self.first_reads: list[str] = []  # the query of every first page read

    def tabs(self) -> tuple[Tab, ...]:
        return (*TABS, *self.saved)

    def _tab(self, tab_id: str) -> Tab:
        for tab in self.tabs():
            if tab.id == tab_id:
                return tab
        raise KeyError(tab_id)

    def _matches(self, record: Record, terms: list[tuple[str, str]]) -> bool:
        for name, value in terms:
            if name == "status" and record.status.value not in value.split(","):
                return False
            if name == "cat" and record.category_code != value.upper():
                return False
            if name == "kec" and (record.kecamatan or "").lower() != value.lower():
                return False
            if name == "assignee" and record.assignee_id != (self._s.user_id if value == "@me" else value):
                return False
            if name == "overdue" and not (
                record.status.is_open
                and record.resolve_due is not None
                and record.resolve_due < self._s.now()
            ):
                return False
            if name == "word" and value not in record.title.lower() + " " + record.description.lower():
                return False
        return True

    def _key(self, record: Record, sort: Sort) -> tuple[Any, ...]:
        far = datetime.max.replace(tzinfo=UTC)
        if sort is Sort.DUE:
            return (record.resolve_due or far, record.created_at, record.id)
        if sort is Sort.AGE:
            return (record.created_at, record.id)
        return (_PRIORITY_RANK[record.priority], record.resolve_due or far, record.id)

    def _rows(self, q: _Query) -> list[tuple[tuple[Any, ...], Record]]:
        terms = _parse(self._tab(q.tab_id).query) + _parse(q.query)
        keyed = [(self._key(r, q.sort), r) for r in self._s.records if self._matches(r, terms)]
        keyed.sort(key=lambda pair: pair[0], reverse=q.descending)
        return keyed

    def _row(self, r: Record) -> InboxRow:
        now = self._s.now()
        days = _CALENDAR.working_days_left(r.resolve_due, now) if r.resolve_due else None
        state: SlaState | None = None
        if r.resolve_due is not None and r.status.is_open:
            state = sla_state(r.resolve_due, now, _CALENDAR, _POLICY)
        return InboxRow(
            id=r.id,
            public_ref=r.public_ref,
            title=r.title,
            category_code=r.category_code,
            kecamatan=r.kecamatan,
            status=r.status,
            assignee_id=r.assignee_id,
            desk_id=r.desk_id,
            priority=Priority(r.priority),
            created_at=r.created_at,
            resolve_due=r.resolve_due,
            sla_days_left=days if r.status.is_open else None,
            sla_state=state,
            pending=r.pending,
            conflict=r.conflict,
        )

    def _page(
        self, q: _Query, keyed: list[tuple[tuple[Any, ...], Record]], start: int, end: int
    ) -> InboxPage:
        start, end = max(0, start), min(len(keyed), end)
        chunk = keyed[start:end]
        self._s.calls.append("page")
        return InboxPage(
            rows=tuple(self._row(r) for _, r in chunk),
            has_before=start > 0,
            has_after=end < len(keyed),
            before=_Cursor(q, chunk[0][0]) if chunk else None,
            after=_Cursor(q, chunk[-1][0]) if chunk else None,
        )

    def counts(self) -> dict[str, int]:
        return {tab.id: len(self._rows(_Query(tab.id, "", Sort.DUE, False))) for tab in self.tabs()}

    def first(self, tab_id: str, query: str, sort: Sort, descending: bool, limit: int) -> InboxPage:
        q = _Query(tab_id, query, Sort(sort), descending)
        self.first_reads.append(query)
        keyed = self._rows(q)
        return self._page(q, keyed, 0, limit)

    def last(self, tab_id: str, query: str, sort: Sort, descending: bool, limit: int) -> InboxPage:
        q = _Query(tab_id, query, Sort(sort), descending)
        keyed = self._rows(q)
        return self._page(q, keyed, len(keyed) - limit, len(keyed))

    def _position(self, cursor: object) -> tuple[_Query, list[tuple[tuple[Any, ...], Record]], int, int]:
        if not isinstance(cursor, _Cursor):
            raise TypeError("not a cursor of this inbox")
        keyed = self._rows(cursor.query)
        keys = [k for k, _ in keyed]
        if cursor.query.descending:
            after = sum(1 for k in keys if k >= cursor.key)
            before = sum(1 for k in keys if k > cursor.key)
        else:
            after = sum(1 for k in keys if k <= cursor.key)
            before = sum(1 for k in keys if k < cursor.key)
        return cursor.query, keyed, before, after

    def after(self, cursor: object, limit: int) -> InboxPage:
        q, keyed, _, start = self._position(cursor)
        return self._page(q, keyed, start, start + limit)

    def before(self, cursor: object, limit: int) -> InboxPage:
        q, keyed, end, _ = self._position(cursor)
        return self._page(q, keyed, end - limit, end)

    def export(self, tab_id: str, query: str, sort: Sort, descending: bool) -> Exported:
        """As the real inbox: the view as CSV in the session's export folder (refused without one)."""
        if self._s.export_dir is None:
            raise RuntimeError("this session has no export folder")
        rows = (
            inbox_cells(self._row(r)) for _, r in self._rows(_Query(tab_id, query, Sort(sort), descending))
        )
        return export_rows(self._s.export_dir, "inbox", INBOX_COLUMNS, rows, self._s.now())


class FakeComplaints:
    def __init__(self, session: FakeSession) -> None:
        self._s = session

    def get(self, ref_or_id: str) -> ComplaintDetail | None:
        record = self._s.find(ref_or_id)
        if record is None:
            return None
        data = {
            "id": record.id,
            "public_ref": record.public_ref,
            "channel": "web",
            "classification": "pengaduan",
            "title": record.title,
            "description": record.description,
            "category_code": record.category_code,
            "location": {
                "lat": -7.95,
                "lon": 112.61,
                "address": "Jl. Bendungan Sutami No. 12",
                "kelurahan": "Sumbersari",
                "kecamatan": record.kecamatan,
            },
            "media": [],
            "visibility": record.visibility.value,
            "status": record.status.value,
            "agency_id": "dpuprpkp",
            "desk_id": record.desk_id,
            "assignee_id": record.assignee_id,
            "priority": record.priority,
            "sla": {
                "class": "normatif",
                "verify_due": _CALENDAR.add_working_days(record.created_at, 3).isoformat(),
                "response_due": _CALENDAR.add_working_days(record.created_at, 5).isoformat(),
                "resolve_due": record.resolve_due.isoformat() if record.resolve_due else None,
                "reply_due": None,
            },
            "duplicate_of": None,
            "external_refs": [],
            "version": record.version,
            "created_at": record.created_at.isoformat(),
            "updated_at": record.created_at.isoformat(),
            "closed_at": None,
            "first_response_at": None,
            "escalation_level": 0,
        }
        identity = self._s.identity
        reporter = record.reporter if identity and Role.AUDITOR not in identity.roles else None
        conflicts = sum(
            1 for e in self._s.outbox_entries if e.complaint_id == record.id and e.state == "conflict"
        )
        return ComplaintDetail(
            data=data,
            timeline=tuple(sorted(record.timeline, key=lambda e: e.at)),
            reporter=reporter,
            allowed=self._s.actions.allowed(record.id),
            pending=record.pending,
            conflicts=conflicts,
        )


class FakeActions:
    def __init__(self, session: FakeSession) -> None:
        self._s = session

    def allowed(self, complaint_id: str) -> frozenset[Action]:
        record = self._s.find(complaint_id)
        identity = self._s.identity
        if record is None or identity is None or self._s.read_only:
            return frozenset()
        return allowed_actions(record.status, identity.roles)

    def _queue(
        self,
        record: Record,
        op: str,
        summary: str,
        entry: TimelineEntry | None,
        payload: dict[str, Any] | None = None,
    ) -> str:
        """Queue a mutation; ``payload`` (the real service's) gives its kind and details as the outbox has."""
        kind, details = describe(op, payload) if payload is not None else (op, {})
        mutation_id = str(uuid.uuid4())
        record.pending += 1
        if entry is not None:
            record.timeline.append(entry)
        self._s.outbox_entries.append(
            OutboxEntry(
                seq=len(self._s.outbox_entries) + 1,
                mutation_id=mutation_id,
                complaint_id=record.id,
                public_ref=record.public_ref,
                op=op,
                summary=summary,
                state="pending",
                attempts=0,
                last_error=None,
                server_reason=None,
                created_at=self._s.now(),
                kind=kind,
                details=details,
            )
        )
        return mutation_id

    def _actor(self, complaint_id: str) -> tuple[Record, Identity] | str:
        """The complaint and who acts on it, or why nobody may (the services' order of refusals)."""
        record = self._s.find(complaint_id)
        identity = self._s.identity
        if record is None:
            return "refused.not_found"
        if self._s.read_only:
            return "refused.read_only"
        if identity is None:
            return "refused.forbidden"
        return record, identity

    def _apply(self, complaint_id: str, action: Action, reason: str | None) -> tuple[Record, Status] | str:
        actor = self._actor(complaint_id)
        if isinstance(actor, str):
            return actor
        record, identity = actor
        try:
            return record, apply_action(record.status, action, identity.roles, reason)
        except RuleViolation as exc:
            return f"refused.{exc.code}"

    def transition(self, ids: Sequence[str], action: Action, reason: str | None = None) -> ActionResult:
        self._s.spend_room()  # one transaction for them all, as the service's
        queued: list[str] = []
        refused: list[tuple[str, str]] = []
        for complaint_id in ids:
            outcome = self._apply(complaint_id, action, reason)
            if isinstance(outcome, str):
                refused.append((complaint_id, outcome))
                continue
            record, status = outcome
            record.status = status
            if action is Action.TAKE:
                record.assignee_id = self._s.user_id
            entry = TimelineEntry(
                id=str(uuid.uuid4()),
                at=self._s.now(),
                kind="update",
                subkind="status_change",
                public=True,
                body=reason or "",
                author=self._s.user_id,
                status_after=status,
                detail="",
                pending=True,
            )
            payload = {"action": action.value, "reason": reason}
            queued.append(self._queue(record, "transition", f"{action.value}", entry, payload))
        return ActionResult(tuple(queued), tuple(refused))

    def _update(self, complaint_id: str, body: str, public: bool) -> ActionResult:
        self._s.spend_room()
        action = Action.RESPOND if public else None
        record = self._s.find(complaint_id)
        if action is not None:
            outcome = self._apply(complaint_id, action, None)
            if isinstance(outcome, str):
                return ActionResult((), ((complaint_id, outcome),))
            record, status = outcome
            record.status = status
        elif record is None or self._s.read_only:
            return ActionResult((), ((complaint_id, "refused.read_only"),))
        assert record is not None
        entry = TimelineEntry(
            id=str(uuid.uuid4()),
            at=self._s.now(),
            kind="update",
            subkind="public_response" if public else "internal_note",
            public=public,
            body=body,
            author=self._s.user_id,
            status_after=Status.RESPONDED if public else None,
            detail="",
            pending=True,
        )
        kind = "public_response" if public else "internal_note"
        summary, payload = one_line(f"{kind}: {body}", 80), {"kind": kind, "body": body}
        return ActionResult((self._queue(record, "update", summary, entry, payload),), ())

    def respond(self, complaint_id: str, body: str) -> ActionResult:
        return self._update(complaint_id, body, public=True)

    def note(self, complaint_id: str, body: str) -> ActionResult:
        return self._update(complaint_id, body, public=False)

    def return_(self, complaint_id: str, reason: str) -> ActionResult:
        return self.transition([complaint_id], Action.RETURN, reason)

    def templates(self, complaint_id: str) -> tuple[CannedResponse, ...]:
        working = frozenset({Status.ASSIGNED, Status.IN_PROGRESS, Status.ON_HOLD})
        return (
            CannedResponse(
                "terima",
                "Diterima",
                "Terima kasih, laporan {ref} sudah kami terima dan sedang dicek.",
                working,
                frozenset({"*"}),
            ),
            CannedResponse(
                "jadwal",
                "Dijadwalkan",
                "Perbaikan untuk {ref} sudah dijadwalkan; petugas datang minggu ini.",
                working,
                frozenset({"*"}),
            ),
        )


class FakeOutbox:
    def __init__(self, session: FakeSession) -> None:
        self._s = session

    def entries(self) -> tuple[OutboxEntry, ...]:
        return tuple(self._s.outbox_entries)

    def counts(self) -> OutboxCounts:
        states = [e.state for e in self._s.outbox_entries]
        return OutboxCounts(
            pending=states.count("pending") + states.count("sending"),
            failed=states.count("failed"),
            conflicts=states.count("conflict"),
        )

    def _index(self, mutation_id: str) -> int:
        for index, entry in enumerate(self._s.outbox_entries):
            if entry.mutation_id == mutation_id:
                return index
        raise KeyError(mutation_id)

    def retry(self, mutation_id: str) -> None:
        index = self._index(mutation_id)
        self._s.outbox_entries[index] = self._s.outbox_entries[index]._replace(state="pending")

    def discard(self, mutation_id: str) -> None:
        entry = self._s.outbox_entries.pop(self._index(mutation_id))
        record = self._s.find(entry.complaint_id)
        if record is not None:
            record.pending = max(0, record.pending - 1)

    def edit(self, mutation_id: str, body: str) -> None:
        self._s.spend_room()
        index = self._index(mutation_id)
        entry = self._s.outbox_entries[index]
        if entry.op != "update":
            raise OutboxActionRefused("only texts can be edited")
        if entry.state == "sending" or (entry.attempts and entry.state != "conflict"):
            raise OutboxActionRefused("it may have reached the server; retry it first")
        head = entry.summary.partition(": ")[0]
        self._s.outbox_entries[index] = entry._replace(
            summary=one_line(f"{head}: {body}", 80),
            details={**entry.details, "text": body},
            state="pending",
        )


class FakeSync:
    def __init__(self, session: FakeSession) -> None:
        self._s = session
        self.online = True
        self.runs = 0
        self.gate: threading.Event | None = None  # when set, run_once waits for it (a slow sync)
        self.outbox_read_before_gate = False  # a change queued while it waits is left for the next run
        self.threads: list[str] = []
        self.last_sync_at: datetime | None = None

    def run_once(self, progress: Callable[[SyncProgress], None] | None = None) -> SyncReport:
        self.threads.append(threading.current_thread().name)
        self.runs += 1
        if progress is not None:
            progress(SyncProgress("pull", 0, None))
        with self._s.lock:
            taken = list(self._s.outbox_entries) if self.outbox_read_before_gate else None
        if self.gate is not None:
            self.gate.wait(timeout=10)
        if not self.online:
            return SyncReport(False, 0, 0, 0, 0, "connection refused")
        pushed = 0
        with self._s.lock:
            for entry in taken if taken is not None else list(self._s.outbox_entries):
                if entry.state == "pending" and entry in self._s.outbox_entries:
                    self._s.outbox_entries.remove(entry)
                    record = self._s.find(entry.complaint_id)
                    if record is not None:
                        record.pending = max(0, record.pending - 1)
                        record.timeline = [replace(e, pending=False) for e in record.timeline]
                    pushed += 1
        if self._s.identity is None:
            self._s.identity = self._s.pending_identity
        self.last_sync_at = self._s.now()
        return SyncReport(True, 0, pushed, 0, 0, None)

    def status(self) -> SyncStatus:
        counts = self._s.outbox.counts()
        online = None if self.runs == 0 else self.online
        return SyncStatus(online, self.last_sync_at, counts.pending, counts.conflicts)


class FakeSession:
    """One signed-in user's data, all in memory; see the module docstring."""

    def __init__(
        self,
        records: list[Record] | None = None,
        *,
        role: Role = Role.OPERATOR,
        read_only: bool = False,
        signed_in: bool = True,
        now: Callable[[], datetime] = lambda: NOW,
    ) -> None:
        self.records = make_records(120) if records is None else records
        self.now = now
        self.lock = threading.Lock()
        self.read_only = read_only
        self.synced_elsewhere = False
        self.changed_elsewhere = False  # what cache_changed answers next (then False again)
        self.other_window_closed = False  # whether take_over finds the writer free
        self.room: int | None = None  # changes the disk has room for (None: any number; 0: full)
        self.user_id = "operator.dpuprpkp" if role is Role.OPERATOR else f"{role.value}.dpuprpkp"
        self.pending_identity = Identity(
            user_id=self.user_id,
            name="Budi Santoso",
            agency_id="dpuprpkp",
            desk_ids=("dpuprpkp.jalan",),
            roles=frozenset({role}),
            lang="id",
        )
        self.identity: Identity | None = self.pending_identity if signed_in else None
        self.outbox_entries: list[OutboxEntry] = []
        self.export_dir: Path | None = None
        self.calls: list[str] = []
        self.repair_error: Exception | None = None  # what finish_opening raises
        self.closed = False
        self.inbox = FakeInbox(self)
        self.complaints = FakeComplaints(self)
        self.actions = FakeActions(self)
        self.outbox = FakeOutbox(self)
        self.sync = FakeSync(self)

    def find(self, ref_or_id: str) -> Record | None:
        for record in self.records:
            if ref_or_id in (record.id, record.public_ref):
                return record
        return None

    def cache_changed(self) -> bool:
        changed, self.changed_elsewhere = self.changed_elsewhere, False
        return changed

    def spend_room(self) -> None:
        """One change written to the cache: ``StoreFull`` (nothing written) when the disk has no room."""
        if self.room is None:
            return
        if self.room == 0:
            raise StoreFull("the disk holding cache.sqlite3 is full: nothing of this change was written")
        self.room -= 1

    def finish_opening(self) -> None:
        self.calls.append("finish_opening")
        if self.repair_error is not None:
            raise self.repair_error

    def take_over(self) -> bool:
        if not (self.synced_elsewhere and self.other_window_closed):
            return False
        self.synced_elsewhere = False
        self.calls.append("take_over")
        return True

    def close(self) -> None:
        self.closed = True


def assigned_session(n: int = 120) -> FakeSession:
    """A session whose new complaints are all assigned: take is allowed on every row of "Baru"."""
    session = FakeSession(make_records(n))
    for record in session.records:
        if record.status is Status.RECEIVED:
            record.status = Status.ASSIGNED
    return session
