"""Cached complaints: write what the change feed delivers, read one back, evict what left the scope.

A row holds the full wire object (``data``, JSON) plus columns for everything the inbox filters, sorts or
shows. Deadlines are UTC epoch seconds; ``due_at`` is the one deadline the complaint's status is running
against (``active_deadline``), or ``NO_DUE`` when none is. Reading pages of the inbox is store/inbox.py.

All functions take the connection and never commit: call them inside ``Store.transaction()``.
"""

from __future__ import annotations

import functools
import json
import math
import re
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Mapping
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any, Final, NamedTuple, TypeVar, cast

from sambat_tui.domain.model import Channel, Classification, Priority, SlaClass, Status, Visibility
from sambat_tui.store import outbox, quarantine, search
from sambat_tui.store.outbox import OutboxEntry

NO_DUE: Final = 1 << 62
"""``due_at`` of a complaint no deadline is running for: sorts after every real deadline, never overdue."""

PRIORITY_ORDER: Final[dict[Priority, int]] = {
    Priority.URGENT: 0,
    Priority.HIGH: 1,
    Priority.NORMAL: 2,
    Priority.LOW: 3,
}

CHUNK: Final = 500
"""Rows written per statement batch: large enough to amortise, small enough to bound memory."""


class BadRecord(ValueError):
    """A wire complaint the cache cannot store; the message is the quarantine reason."""


def active_deadline(
    status: Status,
    *,
    verify_due: int | None,
    response_due: int | None,
    resolve_due: int | None,
    first_response_at: int | None,
) -> int | None:
    """The deadline a status runs against (epoch seconds), or None.

    received, returned: verification / re-disposition by the coordinator (verify_due).
    assigned, in_progress, on_hold: the first response (response_due), or resolution once responded
    (resolve_due; a citizen reply reopens a responded complaint).
    responded: the reporter's turn; closed, archived: done.
    """
    # Keep DEADLINE_STATUSES in step with this.
    if status in (Status.RECEIVED, Status.RETURNED):
        return verify_due
    if status in (Status.ASSIGNED, Status.IN_PROGRESS, Status.ON_HOLD):
        return response_due if first_response_at is None else resolve_due
    return None


DEADLINE_STATUSES: Final = frozenset(
    {Status.RECEIVED, Status.RETURNED, Status.ASSIGNED, Status.IN_PROGRESS, Status.ON_HOLD}
)
"""The statuses ``active_deadline`` gives a deadline to: only they can be overdue or match a due term."""


# ------------------------------------------------------------------------------------ wire -> row


_COLUMNS: Final = (
    "id",
    "public_ref",
    "title",
    "status",
    "category_code",
    "kecamatan",
    "kec_key",
    "kelurahan",
    "agency_id",
    "desk_id",
    "assignee_id",
    "visibility",
    "priority",
    "priority_order",
    "channel",
    "classification",
    "sla_class",
    "verify_due",
    "response_due",
    "resolve_due",
    "reply_due",
    "due_at",
    "created_at",
    "updated_at",
    "closed_at",
    "first_response_at",
    "escalation_level",
    "duplicate_of",
    "version",
    "data",
)


def _field(data: Mapping[str, Any], key: str, kind: type | tuple[type, ...], *, optional: bool) -> Any:
    value = data.get(key)
    if value is None:
        if optional:
            return None
        raise BadRecord(f"missing {key}")
    # bool is an int to isinstance, but true is not a version number.
    if not isinstance(value, kind) or (isinstance(value, bool) and kind is not bool):
        raise BadRecord(f"{key} has the wrong type ({type(value).__name__})")
    return value


def _text(data: Mapping[str, Any], key: str, *, optional: bool = False) -> str | None:
    value: str | None = _field(data, key, str, optional=optional)
    return value


def _req_text(data: Mapping[str, Any], key: str) -> str:
    value = _text(data, key)
    assert value is not None  # _field raised otherwise
    return value


_E = TypeVar("_E", bound=StrEnum)


def parse_enum(kind: type[_E], value: object, key: str) -> _E:
    """``kind(value)``, or ``BadRecord`` naming ``key`` when value is not one of its values."""
    # A dict lookup: Enum.__call__ costs more than the rest of a row's checks together.
    members = cast("dict[str, _E]", _members(kind))
    member = members.get(value) if isinstance(value, str) else None
    if member is None:
        raise BadRecord(f"unknown {key} {value!r}")
    return member


@functools.cache
def _members(kind: type[StrEnum]) -> dict[str, StrEnum]:
    return {m.value: m for m in kind}


def enum_text(kind: type[StrEnum], value: object, key: str) -> str:
    """``parse_enum(kind, value, key).value`` as a plain ``str``, for a column: no member's ``.value``
    property on the way (a descriptor call per field and row, a tenth of a feed page's Python time)."""
    parse_enum(kind, value, key)
    return cast("str", value)


def epoch(value: object, key: str) -> int | None:
    """RFC 3339 text -> UTC epoch seconds (floored); None stays None. Naive times are refused."""
    if value is None:
        return None
    if not isinstance(value, str):
        raise BadRecord(f"{key} is not an RFC 3339 string")
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise BadRecord(f"{key} is not an RFC 3339 time: {value[:40]!r}") from None
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise BadRecord(f"{key} has no UTC offset")
    return math.floor(moment.timestamp())


@functools.cache
def _json_encoder() -> tuple[Callable[[Any], bytes], type[Exception]]:
    # Loaded at the first write, not at import: the app's first frame only reads (25-45 ms, 3 MiB less).
    from pydantic_core import PydanticSerializationError, to_json

    return to_json, PydanticSerializationError


def encode_wire(data: Mapping[str, Any]) -> str:
    """The JSON text stored for a wire object; ``BadRecord`` when it holds what cannot be stored exactly
    (a lone surrogate, which is not UTF-8; NUL, which C tools cut strings at; values JSON has no form for).

    pydantic-core's encoder (already here for the contract) is three times the standard library's: on a first
    sync every complaint and timeline entry is encoded once, so it was a sixth of the client's time.
    """
    to_json, refused = _json_encoder()
    try:
        encoded = to_json(data).decode("utf-8")
    except refused as error:
        if "surrogates not allowed" in str(error):
            raise BadRecord("text that is not valid UTF-8 (a lone surrogate)") from None
        raise BadRecord(f"not JSON data: {error}") from None
    if "\\u0000" in encoded and _NUL.search(encoded):
        raise BadRecord("text holds NUL (U+0000)")
    return encoded


# The encoder writes U+0000 as the escape \u0000; an even run of backslashes before it is literal text.
_NUL = re.compile(r"(?<!\\)(?:\\\\)*\\u0000")


_DEFAULT_PRIORITY: Final = Priority.NORMAL.value


def row_from_wire(data: Mapping[str, Any]) -> dict[str, Any]:
    """The column values for a wire complaint; raises ``BadRecord`` when it cannot be stored as is."""
    if not isinstance(data, Mapping):
        raise BadRecord("a complaint must be a JSON object")
    encoded = encode_wire(data)
    location = data.get("location") or {}
    sla = data.get("sla")
    if not isinstance(location, Mapping):
        raise BadRecord("location is not an object")
    if not isinstance(sla, Mapping):
        raise BadRecord("missing sla")
    status = parse_enum(Status, data.get("status"), "status")
    priority_text = data.get("priority", _DEFAULT_PRIORITY)
    priority = parse_enum(Priority, priority_text, "priority")
    status_text = cast("str", data["status"])  # parse_enum checked it is one of the values
    dues = {
        k: epoch(sla.get(k), f"sla.{k}") for k in ("verify_due", "response_due", "resolve_due", "reply_due")
    }
    first_response_at = epoch(data.get("first_response_at"), "first_response_at")
    created_at = epoch(data.get("created_at"), "created_at")
    updated_at = epoch(data.get("updated_at"), "updated_at")
    if created_at is None or updated_at is None:
        raise BadRecord("missing created_at or updated_at")
    version = _field(data, "version", int, optional=False)
    escalation = _field(data, "escalation_level", int, optional=True) or 0
    kecamatan = _text(location, "kecamatan", optional=True)
    _text(location, "address", optional=True)
    _req_text(data, "description")
    sla_class = sla.get("class")
    due = active_deadline(
        status,
        verify_due=dues["verify_due"],
        response_due=dues["response_due"],
        resolve_due=dues["resolve_due"],
        first_response_at=first_response_at,
    )
    return {
        "id": _req_text(data, "id"),
        "public_ref": _req_text(data, "public_ref"),
        "title": _req_text(data, "title"),
        "status": status_text,
        "category_code": _text(data, "category_code", optional=True),
        "kecamatan": kecamatan,
        "kec_key": None if kecamatan is None else " ".join(kecamatan.split()).casefold(),
        "kelurahan": _text(location, "kelurahan", optional=True),
        "agency_id": _text(data, "agency_id", optional=True),
        "desk_id": _text(data, "desk_id", optional=True),
        "assignee_id": _text(data, "assignee_id", optional=True),
        "visibility": enum_text(Visibility, data.get("visibility"), "visibility"),
        "priority": priority_text,
        "priority_order": PRIORITY_ORDER[priority],
        "channel": enum_text(Channel, data.get("channel"), "channel"),
        "classification": enum_text(Classification, data.get("classification"), "classification"),
        "sla_class": None if sla_class is None else enum_text(SlaClass, sla_class, "sla.class"),
        **dues,
        "due_at": NO_DUE if due is None else due,
        "created_at": created_at,
        "updated_at": updated_at,
        "closed_at": epoch(data.get("closed_at"), "closed_at"),
        "first_response_at": first_response_at,
        "escalation_level": escalation,
        "duplicate_of": _text(data, "duplicate_of", optional=True),
        "version": version,
        "data": encoded,
    }


def _search_text(row: Mapping[str, Any]) -> tuple[object, ...]:
    data = json.loads(row["data"])
    location = data.get("location") or {}
    return (row["public_ref"], row["title"], data.get("description"), location.get("address"))


# ----------------------------------------------------------------------------------------- writes


class UpsertResult(NamedTuple):
    written: int = 0
    """Inserted or replaced."""
    stale: int = 0
    """Skipped: the cache already had a newer version."""
    quarantined: int = 0
    """Refused (``BadRecord``) and kept in the quarantine table instead."""

    def __add__(self, other: UpsertResult) -> UpsertResult:  # type: ignore[override]
        return UpsertResult(
            self.written + other.written, self.stale + other.stale, self.quarantined + other.quarantined
        )


_INSERT_SQL: Final = (
    f"INSERT INTO complaints (rid, tiebreak, {', '.join(_COLUMNS)}, pending) "
    f"VALUES (:rid, coalesce(:rid, 0), {', '.join(':' + c for c in _COLUMNS)}, "
    "(SELECT count(*) FROM outbox WHERE complaint_id = :id)) "
    f"ON CONFLICT(id) DO UPDATE SET {', '.join(f'{c} = excluded.{c}' for c in _COLUMNS if c != 'id')}"
)
"""Insert or replace a row. A new row gets ``rid`` (chosen by the caller) and ``tiebreak`` equal to it; a
row replaced keeps both (``rid`` None: the conflict on ``id`` turns the insert into an update)."""


def _next_rid(conn: sqlite3.Connection) -> int:
    return int(conn.execute("SELECT coalesce(max(rid), 0) + 1 FROM complaints").fetchone()[0])


def _chunks(items: Iterable[Mapping[str, Any]], size: int) -> Iterator[list[Mapping[str, Any]]]:
    chunk: list[Mapping[str, Any]] = []
    for item in items:
        chunk.append(item)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def upsert_many(
    conn: sqlite3.Connection,
    complaints: Iterable[Mapping[str, Any]],
    *,
    index: bool = True,
    chunk_size: int = CHUNK,
    server_wins: bool = False,
) -> UpsertResult:
    """Store wire complaints from the feed (any iterable; consumed in chunks of ``chunk_size``).

    A complaint replaces the cached one unless the cache holds a newer ``version`` (equal versions are
    rewritten: the server's state wins over an optimistic local change of the same version); with
    ``server_wins`` whatever the cached version (the server's database went back to a backup, and its
    versions with it). ``pending`` is
    kept; a complaint new to the cache counts the outbox rows already queued for it. A record that cannot be
    stored goes to quarantine and the rest carry on. Full text is updated per chunk, and only for rows whose
    text changed; ``index=False`` skips it for a bulk load and marks the index stale (``search.rebuild``).
    """
    total = UpsertResult()
    if not index:
        search.mark_stale(conn)
    # A stale index stays untouched until its rebuild: deleting entries it never had would corrupt it.
    index = index and not search.is_stale(conn)
    for chunk in _chunks(complaints, chunk_size):
        total += _upsert_chunk(conn, chunk, index=index, server_wins=server_wins)
    return total


def _upsert_chunk(
    conn: sqlite3.Connection, items: list[Mapping[str, Any]], *, index: bool, server_wins: bool
) -> UpsertResult:
    rows: dict[str, dict[str, Any]] = {}
    quarantined = 0
    for item in items:
        try:
            row = row_from_wire(item)
        except BadRecord as error:
            record_id = item.get("id") if isinstance(item, Mapping) else None
            quarantine.put(
                conn,
                item,
                str(error),
                entity="complaint",
                record_id=record_id if isinstance(record_id, str) else None,
            )
            quarantined += 1
            continue
        previous = rows.get(row["id"])
        if previous is None or row["version"] >= previous["version"]:
            rows[row["id"]] = row
    if not rows:
        return UpsertResult(quarantined=quarantined)
    existing = {
        r[0]: (r[1], r[2], (r[3], r[4], r[5], r[6]))
        for r in conn.execute(
            "SELECT c.id, c.rid, c.version, s.public_ref, s.title, s.description, s.address "
            "FROM complaints AS c JOIN complaints_fts_source AS s ON s.rid = c.rid "
            "WHERE c.id IN (SELECT value FROM json_each(?))",
            (json.dumps(list(rows)),),
        )
    }
    writes: list[dict[str, Any]] = []
    changed_text: list[int] = []
    to_index: list[str] = []
    stale = 0
    next_rid = _next_rid(conn)
    for complaint_id, row in rows.items():
        old = existing.get(complaint_id)
        if old is None:
            row["rid"] = next_rid
            next_rid += 1
            writes.append(row)
            to_index.append(complaint_id)
            continue
        row["rid"] = None
        rid, version, old_text = old
        if version > row["version"] and not server_wins:
            stale += 1
            continue
        writes.append(row)
        if old_text != _search_text(row):
            changed_text.append(rid)
            to_index.append(complaint_id)
    if index and changed_text:
        search.unindex(conn, changed_text)
    conn.executemany(_INSERT_SQL, writes)
    if index and to_index:
        search.index(conn, _rids(conn, to_index))
    return UpsertResult(written=len(writes), stale=stale, quarantined=quarantined)


def _rids(conn: sqlite3.Connection, ids: list[str]) -> list[int]:
    return [
        r[0]
        for r in conn.execute(
            "SELECT rid FROM complaints WHERE id IN (SELECT value FROM json_each(?))", (json.dumps(ids),)
        )
    ]


def put_local(conn: sqlite3.Connection, data: Mapping[str, Any]) -> None:
    """Write an optimistic local change (the services' edited copy of the wire object), whatever its version.

    Raises ``BadRecord`` (nothing is quarantined: this is our own data). The services pair it with
    ``outbox.append`` in one transaction; the server's answer later replaces it via ``upsert_many``.
    """
    row = row_from_wire(data)
    old = conn.execute(
        "SELECT c.rid, s.public_ref, s.title, s.description, s.address FROM complaints AS c "
        "JOIN complaints_fts_source AS s ON s.rid = c.rid WHERE c.id = ?",
        (row["id"],),
    ).fetchone()
    changed = (old is None or tuple(old[1:]) != _search_text(row)) and not search.is_stale(conn)
    if old is not None and changed:
        search.unindex(conn, [old[0]])
    row["rid"] = _next_rid(conn) if old is None else None
    conn.execute(_INSERT_SQL, row)
    if changed:
        search.index(conn, _rids(conn, [row["id"]]))


def patch_local(conn: sqlite3.Connection, complaint_id: str, changes: Mapping[str, Any]) -> CachedComplaint:
    """Apply top-level wire fields (``{"status": "in_progress", "assignee_id": "operator.x"}``) to the
    cached complaint as an optimistic local change; returns the changed complaint.

    Raises ``KeyError`` when the complaint is not cached, ``BadRecord`` when the result is not storable.
    """
    cached = get(conn, complaint_id)
    if cached is None:
        raise KeyError(complaint_id)
    data = {**cached.data, **changes}
    put_local(conn, data)
    changed = get(conn, complaint_id)
    assert changed is not None
    return changed


def evict(conn: sqlite3.Connection, complaint_id: str) -> list[OutboxEntry]:
    """Drop a complaint that left this user's scope, with its timeline and full-text entry.

    Its outbox rows stay (never silently dropped); the ones still queued (pending, sending, failed) are
    returned so that the sync can mark them as conflicts. Evicting an unknown id does nothing but that.
    """
    found = conn.execute("SELECT rid FROM complaints WHERE id = ?", (complaint_id,)).fetchone()
    if found is not None:
        if not search.is_stale(conn):
            search.unindex(conn, [found[0]])
        conn.execute("DELETE FROM complaints WHERE rid = ?", (found[0],))
    conn.execute("DELETE FROM timeline WHERE complaint_id = ?", (complaint_id,))
    return [e for e in outbox.for_complaint(conn, complaint_id) if e.state in outbox.QUEUED]


def recount_pending(conn: sqlite3.Connection) -> int:
    """Repair ``pending`` from the outbox (e.g. after restoring a backup); returns the rows corrected."""
    return conn.execute(
        "UPDATE complaints SET pending = (SELECT count(*) FROM outbox WHERE complaint_id = complaints.id) "
        "WHERE pending != (SELECT count(*) FROM outbox WHERE complaint_id = complaints.id)"
    ).rowcount


# ------------------------------------------------------------------------------------------ reads


class CachedComplaint(NamedTuple):
    """One cached complaint: the wire object and what the cache knows beside it."""

    data: dict[str, Any]
    version: int
    pending: int
    """Outbox rows not yet acknowledged for it (any state)."""
    due_at: datetime | None
    """The deadline its status runs against (``active_deadline``)."""

    @property
    def id(self) -> str:
        return str(self.data["id"])

    @property
    def status(self) -> Status:
        return Status(self.data["status"])


def _cached(row: tuple[Any, ...] | None) -> CachedComplaint | None:
    if row is None:
        return None
    return CachedComplaint(
        data=json.loads(row[0]),
        version=row[1],
        pending=row[2],
        due_at=None if row[3] >= NO_DUE else datetime.fromtimestamp(row[3], UTC),
    )


def get(conn: sqlite3.Connection, complaint_id: str) -> CachedComplaint | None:
    return _cached(
        conn.execute(
            "SELECT data, version, pending, due_at FROM complaints WHERE id = ?", (complaint_id,)
        ).fetchone()
    )


def get_by_ref(conn: sqlite3.Connection, public_ref: str) -> CachedComplaint | None:
    """Jump to a public reference (``MLG-2026-000123``), e.g. from the command palette."""
    return _cached(
        conn.execute(
            "SELECT data, version, pending, due_at FROM complaints WHERE public_ref = ? LIMIT 1",
            (public_ref,),
        ).fetchone()
    )


def versions(conn: sqlite3.Connection, ids: Iterable[str]) -> dict[str, int]:
    """Cached versions of the given complaints (absent ones are left out)."""
    return dict(
        conn.execute(
            "SELECT id, version FROM complaints WHERE id IN (SELECT value FROM json_each(?))",
            (json.dumps(list(ids)),),
        ).fetchall()
    )


def total(conn: sqlite3.Connection) -> int:
    """How many complaints the cache holds (a full count over the smallest index: O(rows))."""
    return int(conn.execute("SELECT count(*) FROM complaints").fetchone()[0])
