"""The seeder: deterministic, consistent with the reference data and the status machine, in the feed.

One small city is seeded per module and inspected from every side; a few more are seeded to compare.
"""

from __future__ import annotations

import hashlib
import sqlite3
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from sambat_tui.central import seed as seeder
from sambat_tui.central.auth import new_token, token_hash
from sambat_tui.central.cli import main as central_main
from sambat_tui.central.intake import SYSTEM_AUTHOR
from sambat_tui.central.replies import request_hash
from sambat_tui.central.scope import Scope
from sambat_tui.central.seed_life import new_id
from sambat_tui.central.storage import DB_FILENAME, Storage
from sambat_tui.contract import (
    Complaint,
    Disposition,
    IntakeRequest,
    ReporterIn,
    Update,
    UpdateRequest,
)
from sambat_tui.domain import transitions as rules
from sambat_tui.domain.model import (
    KECAMATAN_MALANG,
    Action,
    AgencyKind,
    DispositionKind,
    Role,
    Status,
    UpdateKind,
)
from sambat_tui.domain.reference import Reference, load_reference
from sambat_tui.domain.routing import Router

NOW = datetime(2026, 3, 16, 5, 0, tzinfo=UTC)
"""Monday 16 March 2026, 12:00 WIB: the 90 days before it cross Idul Fitri's cuti bersama and weekends."""
SMALL = 300


@pytest.fixture(scope="module")
def reference() -> Reference:
    return load_reference()


@pytest.fixture(scope="module")
def real_router(reference: Reference) -> Router:
    return Router.load(reference=reference)


def _seed(
    directory: Path, router: Router, *, complaints: int = SMALL, seed: int = 7, workers: int = 0
) -> Path:
    storage = Storage.open(directory)
    try:
        seeder.seed(storage, complaints=complaints, seed=seed, now=NOW, router=router, workers=workers)
    finally:
        storage.close()
    return directory / DB_FILENAME


@dataclass
class City:
    path: Path
    storage: Storage
    db: sqlite3.Connection


@pytest.fixture(scope="module")
def city(tmp_path_factory: pytest.TempPathFactory, real_router: Router) -> Iterator[City]:
    directory = tmp_path_factory.mktemp("city")
    path = _seed(directory, real_router)
    storage = Storage.open(directory)
    db = sqlite3.connect(path)
    db.row_factory = sqlite3.Row
    try:
        yield City(path, storage, db)
    finally:
        db.close()
        storage.close()


_CONTENT = (
    ("complaints", "id"),
    ("reporters", "complaint_id"),
    ("updates", "id"),
    ("dispositions", "id"),
    ("change_log", "seq"),
    ("public_ref_counters", "year"),
    ("users", "id"),
)


def _digest(path: Path) -> dict[str, str]:
    """A digest per table of everything the seed writes (the database's random epoch aside)."""
    db = sqlite3.connect(path)
    try:
        digests = {}
        for table, order in _CONTENT:
            h = hashlib.sha256()
            for row in db.execute(f"SELECT * FROM {table} ORDER BY {order}"):
                h.update(repr(tuple(row)).encode())
            digests[table] = h.hexdigest()
        return digests
    finally:
        db.close()


def test_the_same_seed_makes_the_same_city_and_another_seed_another(
    tmp_path: Path, city: City, real_router: Router
) -> None:
    again = _digest(_seed(tmp_path / "again", real_router))
    other = _digest(_seed(tmp_path / "other", real_router, seed=8))
    first = _digest(city.path)
    assert again == first
    for table in ("complaints", "updates", "dispositions", "change_log"):
        assert other[table] != first[table], table


def test_worker_processes_change_nothing(
    tmp_path: Path, real_router: Router, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Small chunks (the forked workers inherit the patched values) so that two processes share the work;
    # one wording per text keeps the up-front routing of every wording short.
    monkeypatch.setattr(seeder, "CHUNK_SIZE", 60)
    monkeypatch.setattr(seeder, "VARIANTS", 1)
    alone = _digest(_seed(tmp_path / "alone", real_router, complaints=150, seed=3, workers=0))
    forked = _digest(_seed(tmp_path / "forked", real_router, complaints=150, seed=3, workers=2))
    monkeypatch.setattr(seeder, "_PREWARM_FROM", 1)
    prewarmed = _digest(_seed(tmp_path / "prewarmed", real_router, complaints=150, seed=3, workers=2))
    assert forked == alone
    assert prewarmed == alone


def test_counts_and_every_kecamatan(city: City) -> None:
    db = city.db
    assert db.execute("SELECT count(*) FROM complaints").fetchone()[0] == SMALL
    kecamatan = {row[0] for row in db.execute("SELECT DISTINCT kecamatan FROM complaints")}
    assert kecamatan == set(KECAMATAN_MALANG)
    statuses = Counter(row[0] for row in db.execute("SELECT status FROM complaints"))
    assert statuses[Status.CLOSED] > 0 and statuses[Status.RECEIVED] + statuses[Status.ASSIGNED] > 0
    channels = {row[0] for row in db.execute("SELECT DISTINCT channel FROM complaints")}
    assert {"web", "sms", "whatsapp", "app", "walk_in", "lapor"} <= channels
    visibilities = Counter(row[0] for row in db.execute("SELECT visibility FROM complaints"))
    assert visibilities["public"] > visibilities["anonim"] > 0
    lapor = db.execute("SELECT external_refs FROM complaints WHERE channel = 'lapor'").fetchall()
    assert lapor and all('"system":"lapor"' in row[0] for row in lapor)


def test_references_exist(city: City, reference: Reference) -> None:
    agencies = {a.id for a in reference.agencies}
    desks = {d.id: d.agency_id for d in reference.desks}
    categories = {c.code for c in reference.categories}
    users = {row[0] for row in city.db.execute("SELECT id FROM users")}
    for row in city.db.execute("SELECT * FROM complaints"):
        assert row["agency_id"] is None or row["agency_id"] in agencies
        if row["desk_id"] is not None:
            assert desks[row["desk_id"]] == row["agency_id"]
        assert row["category_code"] is None or row["category_code"] in categories
        assert row["assignee_id"] is None or row["assignee_id"] in users
        assert row["created_by"] in users
    for row in city.db.execute("SELECT * FROM dispositions"):
        assert row["to_agency_id"] in agencies
        assert row["from_agency_id"] is None or row["from_agency_id"] in agencies
        for column in ("from_desk_id", "to_desk_id"):
            assert row[column] is None or row[column] in desks
        assert row["actor_id"] is None or row["actor_id"] in users
    for row in city.db.execute("SELECT author_id FROM updates"):
        assert row[0] in users or row[0] == SYSTEM_AUTHOR


def test_the_standard_users_exist_and_get_tokens(city: City, reference: Reference) -> None:
    expected = {"coordinator", "auditor"}
    for agency in reference.agencies:
        if agency.kind in (AgencyKind.OPD, AgencyKind.BUMD):
            expected |= {f"operator.{agency.id}", f"field.{agency.id}", f"supervisor.{agency.id}"}
    with city.storage.read() as tx:
        users = {u.id for u in tx.users()}
    assert expected <= users
    for user_id in ("coordinator", "operator.dlh", "field.dpuprpkp", "supervisor.pdam", "auditor"):
        token = new_token()
        with city.storage.write(NOW) as wtx:
            wtx.add_token(token_hash(token), user_id)
        with city.storage.read() as tx:
            found = tx.user_for_token(token_hash(token))
        assert found is not None and found.id == user_id


def _roles(storage: Storage) -> dict[str, frozenset[Role]]:
    with storage.read() as tx:
        return {u.id: frozenset(u.roles) for u in tx.users()}


def _agencies_of_users(storage: Storage) -> dict[str, str | None]:
    with storage.read() as tx:
        return {u.id: u.agency_id for u in tx.users()}


def _action(before: Status, after: Status) -> Action:
    """The act a status_change update records, from the statuses around it."""
    if before is after:
        return Action.TAKE
    by_target = {
        Status.ON_HOLD: Action.HOLD,
        Status.RESPONDED: Action.RESPOND,
        Status.RETURNED: Action.RETURN,
        Status.CLOSED: Action.CLOSE,
        Status.ARCHIVED: Action.ARCHIVE,
    }
    if after in by_target:
        return by_target[after]
    if after is Status.ASSIGNED:
        return Action.VERIFY
    return {Status.ASSIGNED: Action.START, Status.ON_HOLD: Action.RESUME, Status.RESPONDED: Action.REOPEN}[
        before
    ]


def _timeline(city: City, complaint_id: str) -> list[list[tuple[str, Any]]]:
    """The complaint's writes in time order, grouped by write: what one write logs shares its moment."""
    entries: list[tuple[datetime, int, str, Any]] = []
    for row in city.db.execute(
        "SELECT seq, entity, data FROM change_log WHERE complaint_id = ? AND entity != 'complaint'",
        (complaint_id,),
    ):
        entry: Update | Disposition
        if row["entity"] == "update":
            entry = Update.model_validate_json(row["data"])
            at = entry.recorded_at
        else:
            entry = Disposition.model_validate_json(row["data"])
            at = entry.created_at
        entries.append((at, row["seq"], row["entity"], entry))
    groups: list[list[tuple[str, Any]]] = []
    moment = None
    for at, _, entity, entry in sorted(entries, key=lambda e: (e[0], e[1])):
        if at != moment:
            groups.append([])
            moment = at
        groups[-1].append((entity, entry))
    return groups


def test_every_history_replays_through_the_status_machine(city: City) -> None:
    roles = _roles(city.storage)
    user_agency = _agencies_of_users(city.storage)
    with city.storage.read() as tx:
        complaints = tx.complaints(Scope(everything=True), limit=SMALL + 1)
    assert len(complaints) == SMALL
    replayed = Counter[Action]()
    for complaint in complaints:
        status, writes, escalations = Status.RECEIVED, 0, 0
        first_response = None
        for group in _timeline(city, str(complaint.id)):
            changed = False
            dispositions = [e for kind, e in group if kind == "disposition"]
            updates = [e for kind, e in group if kind == "update"]
            moved = [
                d for d in dispositions if isinstance(d, Disposition) and d.kind is not DispositionKind.RETURN
            ]
            for d in moved:
                assert isinstance(d, Disposition)
                actor = None if d.actor_id is None else roles[d.actor_id]
                actor_agency = None if d.actor_id is None else user_agency[d.actor_id]
                rules.check_disposition(d.kind, actor, actor_agency, d.from_agency_id, d.to_agency_id)
                status = rules.status_after_disposition(status, d.kind)
                escalations += d.kind is DispositionKind.ESCALATE
                changed = changed or d.kind is not DispositionKind.AUTO_ROUTE
            for u in updates:
                assert isinstance(u, Update)
                if u.kind is UpdateKind.PUBLIC_RESPONSE and first_response is None:
                    first_response = u.recorded_at
                    changed = True
                if u.kind is not UpdateKind.STATUS_CHANGE:
                    continue
                assert u.status_after is not None
                changed = True
                if moved:
                    # The status change a dispose or reassign wrote beside itself.
                    assert u.status_after is status
                    continue
                actor = None if u.author_id == SYSTEM_AUTHOR else roles[u.author_id]
                action = _action(status, u.status_after)
                assert rules.apply_action(status, action, actor, u.body or None) is u.status_after, (
                    complaint.public_ref,
                    action,
                )
                status = u.status_after
                replayed[action] += 1
            for d in dispositions:
                assert isinstance(d, Disposition)
                if d.kind is DispositionKind.RETURN:
                    rules.check_disposition(d.kind, None, None, d.from_agency_id, d.to_agency_id)
                    assert rules.status_after_disposition(status, d.kind) is status is Status.RETURNED
            writes += changed
        assert status is complaint.status, complaint.public_ref
        assert complaint.version == 1 + writes, complaint.public_ref
        assert complaint.escalation_level == escalations
        assert complaint.first_response_at == first_response
        assert (complaint.closed_at is not None) is (not complaint.status.is_open)
        if complaint.status is Status.RESPONDED:
            assert complaint.sla.reply_due is not None and complaint.sla.reply_due >= NOW
    # The histories are rich enough for the check to mean something.
    for action in (Action.TAKE, Action.START, Action.HOLD, Action.RESPOND, Action.RETURN, Action.CLOSE):
        assert replayed[action] > 0, action
    assert replayed.total() > 3 * SMALL


def test_nothing_happens_after_now_and_intake_is_in_the_window(city: City) -> None:
    with city.storage.read() as tx:
        complaints = tx.complaints(Scope(everything=True), limit=SMALL + 1)
    start = NOW - timedelta(days=seeder.WINDOW_DAYS)
    for complaint in complaints:
        assert start <= complaint.created_at <= complaint.updated_at <= NOW
        with city.storage.read() as tx:
            updates, dispositions = tx.updates_of(str(complaint.id)), tx.dispositions_of(str(complaint.id))
        for u in updates:
            assert complaint.created_at <= u.authored_at <= u.recorded_at <= NOW
        for d in dispositions:
            assert complaint.created_at <= d.created_at <= NOW
            if d.kind is DispositionKind.ESCALATE:
                due = {
                    "sla.verify": complaint.sla.verify_due,
                    "sla.response": complaint.sla.response_due,
                    "sla.resolve": complaint.sla.resolve_due,
                }[d.rule_id or ""]
                assert d.created_at > due


def test_old_complaints_are_mostly_settled_and_new_ones_open(city: City) -> None:
    with city.storage.read() as tx:
        complaints = tx.complaints(Scope(everything=True), limit=SMALL + 1)
    old = [c for c in complaints if c.created_at < NOW - timedelta(days=45)]
    new = [c for c in complaints if c.created_at > NOW - timedelta(days=2)]
    assert old and new
    assert sum(not c.status.is_open for c in old) >= 0.8 * len(old)
    assert sum(c.status.is_open for c in new) >= 0.8 * len(new)


def test_the_feed_holds_every_row_once_exactly_as_the_models_write_it(city: City) -> None:
    db = city.db
    logged = Counter(
        (row["entity"], row["entity_id"]) for row in db.execute("SELECT entity, entity_id FROM change_log")
    )
    assert all(n == 1 for n in logged.values())
    for table, entity in (
        ("complaints", "complaint"),
        ("updates", "update"),
        ("dispositions", "disposition"),
    ):
        ids = {(entity, row[0]) for row in db.execute(f"SELECT id FROM {table}")}
        assert ids == {key for key in logged if key[0] == entity}
    with city.storage.read() as tx:
        state = tx.feed_state()
        rows = tx.feed_rows(Scope(everything=True), after=0, upto=state.watermark, limit=10**7)
        for row in rows:
            assert row.data is not None
            if row.entity == "complaint":
                model: Complaint | Update | Disposition = Complaint.model_validate_json(row.data)
                stored = tx.complaint(row.entity_id)
                assert stored is not None and stored.complaint.model_dump_json() == row.data
                assert row.version == stored.complaint.version
                assert row.scope.as_tuple() == (
                    stored.complaint.agency_id,
                    stored.complaint.desk_id,
                    stored.complaint.assignee_id,
                )
            elif row.entity == "update":
                model = Update.model_validate_json(row.data)
            elif row.entity == "disposition":
                model = Disposition.model_validate_json(row.data)
            else:
                continue
            assert model.model_dump_json() == row.data


def test_the_timeline_in_the_tables_matches_the_feed(city: City) -> None:
    with city.storage.read() as tx:
        for complaint in tx.complaints(Scope(everything=True), limit=50):
            cid = str(complaint.id)
            for u in tx.updates_of(cid):
                logged = city.db.execute(
                    "SELECT data FROM change_log WHERE entity = 'update' AND entity_id = ?", (str(u.id),)
                ).fetchone()[0]
                assert u.model_dump_json() == logged
            for d in tx.dispositions_of(cid):
                logged = city.db.execute(
                    "SELECT data FROM change_log WHERE entity = 'disposition' AND entity_id = ?", (str(d.id),)
                ).fetchone()[0]
                assert d.model_dump_json() == logged


def test_retried_intakes_and_updates_are_recognised(city: City) -> None:
    """The digests are the server's, so a client re-sending a seeded intake or update gets a replay."""
    with city.storage.read() as tx:
        for complaint in tx.complaints(Scope(everything=True), limit=SMALL + 1):
            cid = str(complaint.id)
            stored = tx.complaint(cid)
            assert stored is not None
            reporter = tx.reporter(cid)
            request = IntakeRequest(
                channel=complaint.channel,
                classification=complaint.classification,
                title=complaint.title,
                description=complaint.description,
                category_code=complaint.category_code,
                location=complaint.location,
                media=complaint.media,
                visibility=complaint.visibility,
                priority=complaint.priority,
                external_refs=complaint.external_refs,
                reporter=None if reporter is None else ReporterIn(**reporter.model_dump()),
            )
            assert stored.intake_hash == request_hash("PUT", f"/v1/complaints/{cid}", request)
            for u in tx.updates_of(cid):
                kept = tx.stored_update(str(u.id))
                assert kept is not None
                if u.kind in (UpdateKind.STATUS_CHANGE, UpdateKind.SYSTEM):
                    assert kept.payload_hash == ""
                    continue
                sent = UpdateRequest(
                    kind=u.kind, body=u.body, status_after=u.status_after, authored_at=u.authored_at
                )
                path = f"/v1/complaints/{cid}/updates/{u.id}"
                assert kept.payload_hash == request_hash("PUT", path, sent)


def test_routing_is_the_real_router_s(city: City, real_router: Router) -> None:
    with city.storage.read() as tx:
        complaints = tx.complaints(Scope(everything=True), limit=SMALL + 1)
        routes = {str(c.id): tx.dispositions_of(str(c.id))[:1] for c in complaints}
        first_updates = {str(c.id): tx.updates_of(str(c.id))[:1] for c in complaints}
    for complaint in complaints:
        cid = str(complaint.id)
        location = complaint.location
        plain = real_router.route(
            title=complaint.title, description=complaint.description, kecamatan=location.kecamatan
        )
        auto = [d for d in routes[cid] if d.kind is DispositionKind.AUTO_ROUTE]
        if auto:
            picked = real_router.route(
                title=complaint.title,
                description=complaint.description,
                category_code=complaint.category_code,
                kecamatan=location.kecamatan,
            )
            got = (auto[0].to_agency_id, auto[0].to_desk_id, auto[0].rule_id, auto[0].reason)
            options = {(r.agency_id, r.desk_id, r.rule_id, r.explanation) for r in (plain, picked)}
            assert got in options, complaint.public_ref
        else:
            # Left for triage: the router could not decide, and said why.
            assert not plain.routed
            assert first_updates[cid][0].kind is UpdateKind.SYSTEM
            assert first_updates[cid][0].body == plain.explanation


def test_public_references_count_per_year_and_the_counter_continues(city: City) -> None:
    refs = [row[0] for row in city.db.execute("SELECT public_ref FROM complaints ORDER BY created_at, id")]
    per_year: dict[str, list[int]] = {}
    for ref in refs:
        _, year, number = ref.split("-")
        per_year.setdefault(year, []).append(int(number))
    for year, numbers in per_year.items():
        assert numbers == list(range(1, len(numbers) + 1)), year
        last = city.db.execute("SELECT last FROM public_ref_counters WHERE year = ?", (int(year),)).fetchone()
        assert last is not None and last[0] == len(numbers)


def test_reporters_are_indonesian(city: City) -> None:
    rows = city.db.execute("SELECT name, phone, email, nik FROM reporters").fetchall()
    assert len(rows) > 0.9 * SMALL
    phones = [r["phone"] for r in rows if r["phone"]]
    assert phones and all(p.startswith("08") and p.isdigit() and 11 <= len(p) <= 12 for p in phones)
    assert any(r["email"] for r in rows)
    assert all(r["nik"] is None or (len(r["nik"]) == 16 and r["nik"].startswith("3573")) for r in rows)


def test_ids_are_version_7_uuids_stamped_with_their_complaint_s_intake(city: City) -> None:
    import random
    import uuid

    rng = random.Random(1)
    stamps = sorted(rng.randrange(1 << 48) for _ in range(300))
    ids = [new_id(rng, stamp) for stamp in stamps]
    for stamp, text in zip(stamps, ids, strict=True):
        parsed = uuid.UUID(text)
        assert str(parsed) == text
        assert parsed.version == 7 and parsed.variant == uuid.RFC_4122
        assert parsed.int >> 80 == stamp
    assert ids == sorted(ids)
    rows = city.db.execute("SELECT id, created_at FROM complaints").fetchall()
    for row in rows:
        intake = datetime.fromisoformat(row["created_at"])
        assert uuid.UUID(row["id"]).int >> 80 == int(intake.timestamp() * 1000)


def test_bad_requests_are_refused(tmp_path: Path, city: City, real_router: Router) -> None:
    with pytest.raises(seeder.SeedError, match="already holds complaints"):
        seeder.seed(city.storage, complaints=1, seed=1, now=NOW, router=real_router)
    storage = Storage.open(tmp_path / "empty")
    try:
        with pytest.raises(seeder.SeedError, match="at least 1"):
            seeder.seed(storage, complaints=0, seed=1, now=NOW, router=real_router)
        with pytest.raises(seeder.SeedError, match="timezone-aware"):
            seeder.seed(storage, complaints=1, seed=1, now=NOW.replace(tzinfo=None), router=real_router)
    finally:
        storage.close()


def test_the_cli_seeds_with_a_progress_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = tmp_path / "cli"
    code = central_main(
        [
            "seed",
            "--complaints",
            "40",
            "--seed",
            "5",
            "--data-dir",
            str(data),
            "--now",
            "2026-03-16T12:00+07:00",
        ]
    )
    assert code == 0
    err = capsys.readouterr().err
    assert "seeded 40/40 complaints" in err
    db = sqlite3.connect(data / DB_FILENAME)
    try:
        assert db.execute("SELECT count(*) FROM complaints").fetchone()[0] == 40
    finally:
        db.close()
    assert central_main(["seed", "--complaints", "40", "--data-dir", str(data)]) == 1
    assert "already holds complaints" in capsys.readouterr().err
