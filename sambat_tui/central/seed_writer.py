"""The seeder's fast path into the database: rows and their feed entries, many at once.

``WriteTx.insert_complaints`` and friends build a pydantic model per row and serialise it; for a million
complaints with their timelines that is most of the time. Here the rows are built from plain values and
inserted with ``executemany`` on the write transaction's connection, and the change log is filled from the
rows just inserted by ``INSERT ... SELECT json_object(...)``: SQLite writes the JSON, in C, byte for byte as
the contract models serialise it (same key order, compact, non-ASCII unescaped, UTC times with a fraction only
when it is not zero). The seeder's tests check that by parsing every feed entry with the models and
serialising it again. The digests are those of ``replies.request_hash``, so a client re-sending a seeded
intake or update is recognised as a retry.

Every entity is logged once, at its final version, with the scope it finally sits in: a client syncing from an
empty cursor gets the same city as if it had followed every write, as the log looks after compaction. Per
chunk the log holds its complaints first, then their updates, then their dispositions, so a client has each
complaint before its timeline.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any

from pydantic_core import to_json

from sambat_tui.central.records import Deadline
from sambat_tui.central.seed_life import Life, UpdateRow
from sambat_tui.central.storage import Storage, WriteTx
from sambat_tui.domain.sla import SlaDeadlines


@dataclass(slots=True)
class ReporterRow:
    name: str | None
    phone: str | None
    email: str | None
    nik: str | None


@dataclass(slots=True)
class SeededComplaint:
    """A complaint's intake (what the reporter sent) and its life (what happened since)."""

    public_ref: str
    channel: str
    """Wire values (of ``Channel``, ``Classification``, ...) as plain strings: rows are serialised and sent
    between processes, and enum members cost more at both."""
    classification: str
    title: str
    description: str
    category_code: str | None
    lat: float | None
    lon: float | None
    address: str | None
    kelurahan: str
    kecamatan: str
    media: tuple[tuple[str, str], ...]
    visibility: str
    priority: str
    deadlines: SlaDeadlines
    external_refs: tuple[tuple[str, str], ...]
    created_by: str
    reporter: ReporterRow | None
    life: Life


def _dumps(value: Any) -> str:
    # pydantic-core's serialiser is the one behind model_dump_json: same floats, escapes and spacing.
    return to_json(value).decode("utf-8")


def _utc(moment: datetime) -> datetime:
    return moment if moment.tzinfo is UTC else moment.astimezone(UTC)


def wire_time(moment: datetime) -> str:
    """A datetime as pydantic serialises an aware UTC one: no fraction when it is zero."""
    return _utc(moment).isoformat()[:-6] + "Z"


def db_time(moment: datetime) -> str:
    """``storage.db_time``: fixed-width UTC text, so that text order is time order."""
    text = _utc(moment).isoformat()[:-6]
    return text + "Z" if moment.microsecond else text + ".000000Z"


@lru_cache(maxsize=1 << 16)
def _formats(moment: datetime) -> tuple[str, str]:
    # A moment is often written twice (authored and recorded, a digest) and deadlines are shared by many rows.
    return db_time(moment), wire_time(moment)


def _db(moment: datetime) -> str:
    return _formats(moment)[0]


def _wire(moment: datetime) -> str:
    return _formats(moment)[1]


def _opt_db(moment: datetime | None) -> str | None:
    return None if moment is None else _formats(moment)[0]


def request_digest(method: str, path: str, sorted_body: dict[str, Any]) -> str:
    """``replies.request_hash`` of a request whose JSON-mode body is ``sorted_body``.

    That digest is over ``json.dumps(..., sort_keys=True)``; pydantic-core writes keys in the order given
    (and the same JSON otherwise), so callers build ``sorted_body`` with its keys, at every level, sorted.
    """
    canonical = to_json({"body": sorted_body, "method": method, "path": path})
    return hashlib.sha256(canonical).hexdigest()


def _media(c: SeededComplaint) -> list[dict[str, str]]:
    return [{"url": url, "kind": kind} for url, kind in c.media]


def _refs(c: SeededComplaint) -> list[dict[str, str]]:
    return [{"system": system, "ref": ref} for system, ref in c.external_refs]


def _location(c: SeededComplaint) -> dict[str, Any]:
    return {
        "lat": c.lat,
        "lon": c.lon,
        "address": c.address,
        "kelurahan": c.kelurahan,
        "kecamatan": c.kecamatan,
    }


def intake_digest(c: SeededComplaint) -> str:
    """The digest ``PUT /v1/complaints/{id}`` keeps of an ``IntakeRequest`` (keys sorted at every level)."""
    r = c.reporter
    body = {
        "category_code": c.category_code,
        "channel": c.channel,
        "classification": c.classification,
        "description": c.description,
        "external_refs": [{"ref": ref, "system": system} for system, ref in c.external_refs],
        "location": {
            "address": c.address,
            "kecamatan": c.kecamatan,
            "kelurahan": c.kelurahan,
            "lat": c.lat,
            "lon": c.lon,
        },
        "media": [{"kind": kind, "url": url} for url, kind in c.media],
        "priority": c.priority,
        "reporter": None if r is None else {"email": r.email, "name": r.name, "nik": r.nik, "phone": r.phone},
        "title": c.title,
        "visibility": c.visibility,
    }
    return request_digest("PUT", f"/v1/complaints/{c.life.complaint_id}", body)


def update_digest(complaint_id: str, u: UpdateRow) -> str:
    """The digest ``PUT .../updates/{id}`` keeps of an ``UpdateRequest``; server-made updates keep none."""
    if not u.client_made:
        return ""
    body = {
        "authored_at": _wire(u.authored_at),
        "body": u.body,
        "kind": u.kind,
        "status_after": u.status_after,
    }
    return request_digest("PUT", f"/v1/complaints/{complaint_id}/updates/{u.id}", body)


_COMPLAINT_COLUMNS = (
    "id, public_ref, channel, classification, title, description, category_code, lat, lon, address, "
    "kelurahan, kecamatan, media, visibility, status, agency_id, desk_id, assignee_id, priority, sla_class, "
    "verify_due, response_due, resolve_due, reply_due, duplicate_of, external_refs, version, created_at, "
    "updated_at, closed_at, first_response_at, escalation_level, escalated_verify, escalated_response, "
    "escalated_resolve, intake_hash, created_by"
)
_INSERT_COMPLAINT = f"INSERT INTO complaints ({_COMPLAINT_COLUMNS}) VALUES ({', '.join('?' * 37)})"
_INSERT_REPORTER = "INSERT INTO reporters (complaint_id, name, phone, email, nik) VALUES (?, ?, ?, ?, ?)"
_INSERT_UPDATE = (
    "INSERT INTO updates (id, complaint_id, kind, body, status_after, author_id, authored_at, recorded_at, "
    "payload_hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
)
_INSERT_DISPOSITION = (
    "INSERT INTO dispositions (id, complaint_id, kind, from_agency_id, from_desk_id, to_agency_id, "
    "to_desk_id, to_user_id, reason, actor_id, rule_id, matched, created_at) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)


def _wire_sql(column: str) -> str:
    """SQL turning a stored time (``...05.000000Z``) into its wire form (``...05Z`` for a zero fraction)."""
    whole = f"substr({column}, 1, 19) || 'Z'"
    return f"CASE WHEN substr({column}, 20, 7) = '.000000' THEN {whole} ELSE {column} END"


_LOG_COLUMNS = (
    "entity, entity_id, complaint_id, op, version, data, agency_id, desk_id, assignee_id, created_at"
)
# Keys in the contract models' field order (Complaint, Update, Disposition): the JSON they would write.
_LOG_COMPLAINTS = f"""
INSERT INTO change_log ({_LOG_COLUMNS})
SELECT 'complaint', id, id, 'upsert', version, json_object(
    'id', id, 'public_ref', public_ref, 'channel', channel, 'classification', classification,
    'title', title, 'description', description, 'category_code', category_code,
    'location', json_object('lat', lat, 'lon', lon, 'address', address, 'kelurahan', kelurahan,
                            'kecamatan', kecamatan),
    'media', json(media), 'visibility', visibility, 'status', status, 'agency_id', agency_id,
    'desk_id', desk_id, 'assignee_id', assignee_id, 'priority', priority,
    'sla', json_object('class', sla_class, 'verify_due', {_wire_sql("verify_due")},
                       'response_due', {_wire_sql("response_due")}, 'resolve_due', {_wire_sql("resolve_due")},
                       'reply_due', {_wire_sql("reply_due")}),
    'duplicate_of', duplicate_of, 'external_refs', json(external_refs), 'version', version,
    'created_at', {_wire_sql("created_at")}, 'updated_at', {_wire_sql("updated_at")},
    'closed_at', {_wire_sql("closed_at")}, 'first_response_at', {_wire_sql("first_response_at")},
    'escalation_level', escalation_level
), agency_id, desk_id, assignee_id, updated_at
FROM complaints WHERE rowid > ? ORDER BY rowid
"""
_LOG_UPDATES = f"""
INSERT INTO change_log ({_LOG_COLUMNS})
SELECT 'update', u.id, u.complaint_id, 'upsert', 1, json_object(
    'id', u.id, 'complaint_id', u.complaint_id, 'kind', u.kind, 'body', u.body,
    'status_after', u.status_after, 'author_id', u.author_id, 'authored_at', {_wire_sql("u.authored_at")},
    'recorded_at', {_wire_sql("u.recorded_at")}
), c.agency_id, c.desk_id, c.assignee_id, u.recorded_at
FROM updates AS u JOIN complaints AS c ON c.id = u.complaint_id WHERE u.rowid > ? ORDER BY u.rowid
"""
_LOG_DISPOSITIONS = f"""
INSERT INTO change_log ({_LOG_COLUMNS})
SELECT 'disposition', d.id, d.complaint_id, 'upsert', 1, json_object(
    'id', d.id, 'complaint_id', d.complaint_id, 'kind', d.kind, 'from_agency_id', d.from_agency_id,
    'from_desk_id', d.from_desk_id, 'to_agency_id', d.to_agency_id, 'to_desk_id', d.to_desk_id,
    'to_user_id', d.to_user_id, 'reason', d.reason, 'actor_id', d.actor_id, 'rule_id', d.rule_id,
    'matched', json(d.matched), 'created_at', {_wire_sql("d.created_at")}
), c.agency_id, c.desk_id, c.assignee_id, d.created_at
FROM dispositions AS d JOIN complaints AS c ON c.id = d.complaint_id WHERE d.rowid > ? ORDER BY d.rowid
"""


@dataclass(slots=True)
class ChunkRows:
    complaints: list[tuple[Any, ...]]
    reporters: list[tuple[Any, ...]]
    updates: list[tuple[Any, ...]]
    dispositions: list[tuple[Any, ...]]


def chunk_rows(items: Iterable[SeededComplaint]) -> ChunkRows:
    """The table rows of a chunk, timelines in the order the server would have written them."""
    rows = ChunkRows([], [], [], [])
    for c in items:
        life = c.life
        cid = life.complaint_id
        deadlines = c.deadlines
        rows.complaints.append(
            (
                cid,
                c.public_ref,
                c.channel,
                c.classification,
                c.title,
                c.description,
                c.category_code,
                c.lat,
                c.lon,
                c.address,
                c.kelurahan,
                c.kecamatan,
                _dumps(_media(c)),
                c.visibility,
                life.status.value,
                life.agency_id,
                life.desk_id,
                life.assignee_id,
                c.priority,
                deadlines.sla_class.value,
                _db(deadlines.verify_due),
                _db(deadlines.response_due),
                _db(deadlines.resolve_due),
                _opt_db(life.reply_due),
                None,  # duplicate_of: the seeder links no duplicates
                _dumps(_refs(c)),
                life.version,
                _db(life.created_at),
                _db(life.updated_at),
                _opt_db(life.closed_at),
                _opt_db(life.first_response_at),
                life.escalation_level,
                int(Deadline.VERIFY in life.escalated),
                int(Deadline.RESPONSE in life.escalated),
                int(Deadline.RESOLVE in life.escalated),
                intake_digest(c),
                c.created_by,
            )
        )
        if c.reporter is not None:
            r = c.reporter
            rows.reporters.append((cid, r.name, r.phone, r.email, r.nik))
        for u in life.updates:
            rows.updates.append(
                (
                    u.id,
                    cid,
                    u.kind,
                    u.body,
                    u.status_after,
                    u.author_id,
                    _db(u.authored_at),
                    _db(u.recorded_at),
                    update_digest(cid, u),
                )
            )
        for d in life.dispositions:
            rows.dispositions.append(
                (
                    d.id,
                    cid,
                    d.kind,
                    d.from_agency_id,
                    d.from_desk_id,
                    d.to_agency_id,
                    d.to_desk_id,
                    d.to_user_id,
                    d.reason,
                    d.actor_id,
                    d.rule_id,
                    _dumps(list(d.matched)),
                    _db(d.created_at),
                )
            )
    return rows


def _last_rowid(tx: WriteTx, table: str) -> int:
    return int(tx._conn.execute(f"SELECT coalesce(max(rowid), 0) FROM {table}").fetchone()[0])


def insert_rows(tx: WriteTx, rows: ChunkRows) -> None:
    """Insert a chunk and log it, inside the caller's write transaction (the storage's one writer)."""
    conn = tx._conn
    after = {table: _last_rowid(tx, table) for table in ("complaints", "updates", "dispositions")}
    conn.executemany(_INSERT_COMPLAINT, rows.complaints)
    conn.executemany(_INSERT_REPORTER, rows.reporters)
    conn.executemany(_INSERT_UPDATE, rows.updates)
    conn.executemany(_INSERT_DISPOSITION, rows.dispositions)
    conn.execute(_LOG_COMPLAINTS, (after["complaints"],))
    conn.execute(_LOG_UPDATES, (after["updates"],))
    conn.execute(_LOG_DISPOSITIONS, (after["dispositions"],))


def raise_public_ref_counters(tx: WriteTx, last_numbers: Sequence[tuple[int, int]]) -> None:
    """Let the server's next intake continue after the seeded numbers of each year."""
    tx._conn.executemany(
        "INSERT INTO public_ref_counters (year, last) VALUES (?, ?) "
        "ON CONFLICT (year) DO UPDATE SET last = max(last, excluded.last)",
        list(last_numbers),
    )


_BULK_PRAGMAS: tuple[tuple[str, int], ...] = (
    # Inserts and the index builds after them touch far more pages than the default 2 MB cache holds.
    ("cache_size", -512 * 1024),
    # Helper threads for the sorts of CREATE INDEX (each index is one big sort).
    ("threads", 2),
    # ANALYZE samples instead of reading every row of a table of millions (its statistics stay good enough).
    ("analysis_limit", 1000),
)


@contextmanager
def bulk_tuning(storage: Storage, now: datetime) -> Iterator[None]:
    """Tune the writer connection for a bulk load around ``Storage.bulk_load`` (whose index builds and
    ANALYZE run inside it), and restore each setting afterwards."""
    with storage.write(now) as tx:
        previous = [
            (name, int(tx._conn.execute(f"PRAGMA {name}").fetchone()[0])) for name, _ in _BULK_PRAGMAS
        ]
        for name, value in _BULK_PRAGMAS:
            tx._conn.execute(f"PRAGMA {name} = {value}")
    try:
        yield
    finally:
        with storage.write(now) as tx:
            for name, value in previous:
                tx._conn.execute(f"PRAGMA {name} = {value}")
