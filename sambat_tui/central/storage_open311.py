"""The SQL of the Open311 facade and the tracking page, run on the caller's storage transaction.

Beside ``storage.py`` rather than in it, so that two people can change the two without colliding; the
functions take a ``ReadTx``/``WriteTx`` and use its connection, so a read is still one snapshot and a write is
still under the single writer's lock. Plain SQL only (no SQLite-only syntax), like ``storage.py``.

Everything here that reads complaints reads the *public* view: ``rahasia`` complaints are never returned, and
of a timeline only public responses and status changes (and the agency a complaint was forwarded to).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from sambat_tui.central.storage import ReadTx, WriteTx, db_time, py_time
from sambat_tui.contract import Complaint
from sambat_tui.domain.model import Channel, DispositionKind, Status, UpdateKind, Visibility

AttributeValues = dict[str, str | list[str]]
"""Answers to a service's attributes by attribute code; a multivaluelist answer is a list."""

PUBLIC_UPDATE_KINDS: tuple[UpdateKind, ...] = (UpdateKind.PUBLIC_RESPONSE, UpdateKind.STATUS_CHANGE)
"""What of a timeline Open311 and the tracking page show. Citizen replies are left out: a reporter of an
``anonim`` complaint may sign one with their name."""

FORWARDING_KINDS: tuple[DispositionKind, ...] = (DispositionKind.AUTO_ROUTE, DispositionKind.DISPOSE)
"""Dispositions shown as "forwarded to <agency>" (without their reason, desk or person)."""

_HIDDEN = Visibility.RAHASIA.value
_MAX_IN = 1000
"""Ids per ``IN (...)`` list; SQLite allows more, a PostgreSQL port is happier with fewer."""


@dataclass(frozen=True, slots=True)
class ApiKey:
    key_hash: str
    name: str
    created_at: datetime
    revoked: bool


@dataclass(frozen=True, slots=True)
class Submission:
    """What an Open311 POST brought beyond the complaint itself."""

    complaint_id: str
    key_hash: str
    body_hash: str
    created_at: datetime
    service_notice: str
    device_id: str | None = None
    account_id: str | None = None
    address_id: str | None = None
    attributes: AttributeValues = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class PublicComplaint:
    """What the public side reads of a complaint: a projection, read straight from its columns.

    Cheaper than the full ``Complaint`` model by an order of magnitude, which matters for a page of 1000,
    and without any field the public may not see (no desk, person or reporter).
    """

    id: str
    public_ref: str
    channel: Channel
    title: str
    description: str
    category_code: str | None
    status: Status
    agency_id: str | None
    lat: float | None
    lon: float | None
    address: str | None
    kelurahan: str | None
    kecamatan: str | None
    media_url: str | None
    created_at: datetime
    updated_at: datetime
    closed_at: datetime | None
    first_response_at: datetime | None
    verify_due: datetime
    response_due: datetime
    resolve_due: datetime

    @classmethod
    def of(cls, complaint: Complaint) -> PublicComplaint:
        location, sla = complaint.location, complaint.sla
        return cls(
            id=str(complaint.id),
            public_ref=complaint.public_ref,
            channel=complaint.channel,
            title=complaint.title,
            description=complaint.description,
            category_code=complaint.category_code,
            status=complaint.status,
            agency_id=complaint.agency_id,
            lat=location.lat,
            lon=location.lon,
            address=location.address,
            kelurahan=location.kelurahan,
            kecamatan=location.kecamatan,
            media_url=complaint.media[0].url if complaint.media else None,
            created_at=complaint.created_at,
            updated_at=complaint.updated_at,
            closed_at=complaint.closed_at,
            first_response_at=complaint.first_response_at,
            verify_due=sla.verify_due,
            response_due=sla.response_due,
            resolve_due=sla.resolve_due,
        )


_PUBLIC_COLUMNS = (
    "id, public_ref, channel, title, description, category_code, status, agency_id, lat, lon, address, "
    "kelurahan, kecamatan, media, created_at, updated_at, closed_at, first_response_at, verify_due, "
    "response_due, resolve_due"
)


def _opt_time(text: str | None) -> datetime | None:
    return None if text is None else py_time(text)


def _public_complaint(row: Any) -> PublicComplaint:
    media = row["media"]
    first = json.loads(media)[0]["url"] if media not in ("[]", "") else None
    return PublicComplaint(
        id=row["id"],
        public_ref=row["public_ref"],
        channel=Channel(row["channel"]),
        title=row["title"],
        description=row["description"],
        category_code=row["category_code"],
        status=Status(row["status"]),
        agency_id=row["agency_id"],
        lat=row["lat"],
        lon=row["lon"],
        address=row["address"],
        kelurahan=row["kelurahan"],
        kecamatan=row["kecamatan"],
        media_url=first,
        created_at=py_time(row["created_at"]),
        updated_at=py_time(row["updated_at"]),
        closed_at=_opt_time(row["closed_at"]),
        first_response_at=_opt_time(row["first_response_at"]),
        verify_due=py_time(row["verify_due"]),
        response_due=py_time(row["response_due"]),
        resolve_due=py_time(row["resolve_due"]),
    )


@dataclass(frozen=True, slots=True)
class PublicUpdate:
    id: str
    complaint_id: str
    public_ref: str
    kind: UpdateKind
    body: str
    status_after: Status | None
    recorded_at: datetime


@dataclass(frozen=True, slots=True)
class Forwarding:
    """A complaint forwarded to an agency: by the routing rules at intake, or by a person's disposition."""

    complaint_id: str
    agency_id: str
    at: datetime


class Order(StrEnum):
    NEWEST = "newest"
    """By intake time, newest first: the usual listing."""
    UPDATED = "updated"
    """By last change, oldest first: stable pages for a client that follows changes with updated_after."""


@dataclass(frozen=True, slots=True)
class PublicQuery:
    """A GET requests query; ``refs`` (service_request_id) overrides every other filter, as the spec says."""

    limit: int
    offset: int = 0
    refs: tuple[str, ...] | None = None
    service_codes: tuple[str, ...] = ()
    statuses: tuple[Status, ...] = ()
    created_from: datetime | None = None
    created_to: datetime | None = None
    updated_after: datetime | None = None
    updated_before: datetime | None = None
    order: Order = Order.NEWEST


def _marks(values: Sequence[object]) -> str:
    return ", ".join("?" for _ in values)


def _chunks(values: Sequence[str]) -> list[Sequence[str]]:
    return [values[i : i + _MAX_IN] for i in range(0, len(values), _MAX_IN)]


# --- api keys ---


def add_api_key(tx: WriteTx, key_hash: str, name: str) -> None:
    tx._conn.execute(
        "INSERT INTO open311_api_keys (key_hash, name, created_at, revoked) VALUES (?, ?, ?, 0)",
        (key_hash, name, db_time(tx.now)),
    )


def api_key(tx: ReadTx, key_hash: str) -> ApiKey | None:
    row = tx._one(
        "SELECT key_hash, name, created_at, revoked FROM open311_api_keys WHERE key_hash = ?", (key_hash,)
    )
    if row is None:
        return None
    return ApiKey(row["key_hash"], row["name"], py_time(row["created_at"]), bool(row["revoked"]))


def revoke_api_keys(tx: WriteTx, name: str) -> int:
    """Revoke every key of the partner app ``name``; returns how many were still valid."""
    cursor = tx._conn.execute(
        "UPDATE open311_api_keys SET revoked = 1 WHERE name = ? AND revoked = 0", (name,)
    )
    return int(cursor.rowcount)


# --- submissions ---


def _submission_from_row(row: Any) -> Submission:
    return Submission(
        complaint_id=row["complaint_id"],
        key_hash=row["key_hash"],
        body_hash=row["body_hash"],
        created_at=py_time(row["created_at"]),
        service_notice=row["service_notice"],
        device_id=row["device_id"],
        account_id=row["account_id"],
        address_id=row["address_id"],
        attributes=json.loads(row["attributes"]),
    )


def add_submission(tx: WriteTx, submission: Submission) -> bool:
    """Record a submission once; False when its complaint already has one (a retry that raced the first)."""
    cursor = tx._conn.execute(
        "INSERT INTO open311_submissions (complaint_id, key_hash, body_hash, created_at, service_notice, "
        "device_id, account_id, address_id, attributes) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) "
        "ON CONFLICT (complaint_id) DO NOTHING",
        (
            submission.complaint_id,
            submission.key_hash,
            submission.body_hash,
            db_time(submission.created_at),
            submission.service_notice,
            submission.device_id,
            submission.account_id,
            submission.address_id,
            json.dumps(submission.attributes, ensure_ascii=False, sort_keys=True),
        ),
    )
    return cursor.rowcount == 1


def recent_submission(tx: ReadTx, key_hash: str, body_hash: str, since: datetime) -> Submission | None:
    """The newest submission of the same request under the same key made at or after ``since``."""
    row = tx._one(
        "SELECT * FROM open311_submissions WHERE key_hash = ? AND body_hash = ? AND created_at >= ? "
        "ORDER BY created_at DESC LIMIT 1",
        (key_hash, body_hash, db_time(since)),
    )
    return None if row is None else _submission_from_row(row)


def submissions_of(tx: ReadTx, complaint_ids: Sequence[str]) -> dict[str, Submission]:
    found: dict[str, Submission] = {}
    for chunk in _chunks(complaint_ids):
        rows = tx._all(f"SELECT * FROM open311_submissions WHERE complaint_id IN ({_marks(chunk)})", chunk)
        found.update((row["complaint_id"], _submission_from_row(row)) for row in rows)
    return found


# --- the public view of complaints ---


def categories_changed_at(tx: ReadTx) -> datetime | None:
    """When a category last changed (the service list and definitions a client may have cached)."""
    row = tx._one("SELECT max(created_at) AS at FROM change_log WHERE entity = 'category'")
    return None if row is None or row["at"] is None else py_time(row["at"])


def public_complaint(tx: ReadTx, public_ref: str) -> PublicComplaint | None:
    """The complaint with this public reference, unless there is none or it is ``rahasia``."""
    row = tx._one(
        f"SELECT {_PUBLIC_COLUMNS} FROM complaints WHERE public_ref = ? AND visibility <> ?",
        (public_ref, _HIDDEN),
    )
    return None if row is None else _public_complaint(row)


def public_complaint_id_of(tx: ReadTx, complaint_id: str) -> str | None:
    """The public reference of a complaint id (a gateway's intake id), unless it is unknown or ``rahasia``."""
    row = tx._one(
        "SELECT public_ref FROM complaints WHERE id = ? AND visibility <> ?", (complaint_id, _HIDDEN)
    )
    return None if row is None else str(row["public_ref"])


def public_complaints(tx: ReadTx, query: PublicQuery) -> list[PublicComplaint]:
    """The complaints a GET requests query selects, in its order, one page of them."""
    clauses = ["visibility <> ?"]
    params: list[Any] = [_HIDDEN]
    if query.refs is not None:
        if not query.refs:
            return []
        clauses.append(f"public_ref IN ({_marks(query.refs)})")
        params.extend(query.refs)
    else:
        if query.service_codes:
            clauses.append(f"category_code IN ({_marks(query.service_codes)})")
            params.extend(query.service_codes)
        if query.statuses:
            clauses.append(f"status IN ({_marks(query.statuses)})")
            params.extend(s.value for s in query.statuses)
        for column, operator, moment in (
            ("created_at", ">=", query.created_from),
            ("created_at", "<=", query.created_to),
            ("updated_at", ">", query.updated_after),
            ("updated_at", "<", query.updated_before),
        ):
            if moment is not None:
                clauses.append(f"{column} {operator} ?")
                params.append(db_time(moment))
    order = "updated_at ASC, id ASC" if query.order is Order.UPDATED else "created_at DESC, id DESC"
    sql = (
        f"SELECT {_PUBLIC_COLUMNS} FROM complaints WHERE {' AND '.join(clauses)} "
        f"ORDER BY {order} LIMIT ? OFFSET ?"
    )
    params.extend((query.limit, query.offset))
    return [_public_complaint(row) for row in tx._all(sql, params)]


def _public_update(row: Any) -> PublicUpdate:
    return PublicUpdate(
        id=row["id"],
        complaint_id=row["complaint_id"],
        public_ref=row["public_ref"],
        kind=UpdateKind(row["kind"]),
        body=row["body"],
        status_after=None if row["status_after"] is None else Status(row["status_after"]),
        recorded_at=py_time(row["recorded_at"]),
    )


MOVE_KINDS: tuple[DispositionKind, ...] = (DispositionKind.DISPOSE, DispositionKind.REASSIGN)
"""A person's moves: their reason is internal, also where it is repeated as the body of the status change
the move caused (out of triage, or back from *bukan wewenang*). The server writes the two in one transaction,
so the status change's body is the move's reason at the move's instant: only that body is left out. A
transition's own reason (hold, return, archive) stays public."""

INTERNAL_KINDS: tuple[UpdateKind, ...] = (UpdateKind.INTERNAL_NOTE, UpdateKind.SYSTEM)
"""A status change whose body repeats one of these, written in the same instant, is internal too: a duplicate
link before ``workflow.merged_note`` repeated its system note, reason and all, as the status change."""

_PUBLIC_KINDS = ", ".join(f"'{k.value}'" for k in PUBLIC_UPDATE_KINDS)
_MOVE_KINDS = ", ".join(f"'{k.value}'" for k in MOVE_KINDS)
_INTERNAL_KINDS = ", ".join(f"'{k.value}'" for k in INTERNAL_KINDS)
_PUBLIC_BODY = (
    f"CASE WHEN u.kind = '{UpdateKind.STATUS_CHANGE.value}' AND u.body <> '' AND ("
    "EXISTS (SELECT 1 FROM dispositions AS d "
    "WHERE d.complaint_id = u.complaint_id AND d.created_at = u.recorded_at AND d.reason = u.body "
    f"AND d.kind IN ({_MOVE_KINDS})) "
    "OR EXISTS (SELECT 1 FROM updates AS n "
    "WHERE n.complaint_id = u.complaint_id AND n.recorded_at = u.recorded_at AND n.body = u.body "
    f"AND n.kind IN ({_INTERNAL_KINDS}))) "
    "THEN '' ELSE u.body END AS body"
)
_UPDATE_COLUMNS = f"u.id, u.complaint_id, c.public_ref, u.kind, {_PUBLIC_BODY}, u.status_after, u.recorded_at"


def public_updates_of(tx: ReadTx, complaint_ids: Sequence[str]) -> list[PublicUpdate]:
    """The public updates of these complaints, in server order (``recorded_at``, then insertion)."""
    found: list[PublicUpdate] = []
    for chunk in _chunks(complaint_ids):
        rows = tx._all(
            f"SELECT {_UPDATE_COLUMNS} FROM updates AS u JOIN complaints AS c ON c.id = u.complaint_id "
            f"WHERE u.complaint_id IN ({_marks(chunk)}) AND u.kind IN ({_PUBLIC_KINDS}) "
            "ORDER BY u.recorded_at, u.rowid",
            chunk,
        )
        found.extend(_public_update(row) for row in rows)
    found.sort(key=lambda u: u.recorded_at)  # stable: keeps insertion order within one instant
    return found


def public_updates_between(
    tx: ReadTx,
    *,
    start: datetime,
    end: datetime,
    refs: Sequence[str] | None,
    limit: int,
    offset: int,
) -> list[PublicUpdate]:
    """Public updates recorded in [start, end] on complaints that are not ``rahasia``, oldest first."""
    # The kind condition is written exactly as in the partial index updates_public_recorded, so it is used.
    clauses = [
        f"u.kind IN ({_PUBLIC_KINDS})",
        "u.recorded_at >= ?",
        "u.recorded_at <= ?",
        "c.visibility <> ?",
    ]
    params: list[Any] = [db_time(start), db_time(end), _HIDDEN]
    if refs is not None:
        if not refs:
            return []
        clauses.append(f"c.public_ref IN ({_marks(refs)})")
        params.extend(refs)
    sql = (
        f"SELECT {_UPDATE_COLUMNS} FROM updates AS u JOIN complaints AS c ON c.id = u.complaint_id "
        f"WHERE {' AND '.join(clauses)} ORDER BY u.recorded_at, u.rowid LIMIT ? OFFSET ?"
    )
    params.extend((limit, offset))
    return [_public_update(row) for row in tx._all(sql, params)]


def forwardings_of(tx: ReadTx, complaint_ids: Sequence[str]) -> list[Forwarding]:
    """Where these complaints were forwarded (auto-route and dispose), in server order."""
    kinds = ", ".join(f"'{k.value}'" for k in FORWARDING_KINDS)
    found: list[Forwarding] = []
    for chunk in _chunks(complaint_ids):
        rows = tx._all(
            "SELECT complaint_id, to_agency_id, created_at FROM dispositions "
            f"WHERE complaint_id IN ({_marks(chunk)}) AND kind IN ({kinds}) ORDER BY created_at, rowid",
            chunk,
        )
        found.extend(
            Forwarding(row["complaint_id"], row["to_agency_id"], py_time(row["created_at"]))
            for row in rows
            if row["to_agency_id"] is not None
        )
    found.sort(key=lambda f: f.at)
    return found
