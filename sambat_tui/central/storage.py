"""All SQL of the central server. Routes and jobs call these methods; a PostgreSQL backend replaces this file.

SQLite runs in WAL mode with ``synchronous=FULL`` (a power cut never loses an acknowledged commit). There is
exactly one writer connection, and every write goes through it under a lock, so commits are serialised: that
is what makes the change feed's watermark simply "the highest sequence number in the reader's snapshot".
Readers use their own connections (``query_only``), each read in one explicit transaction, i.e. one snapshot.
"""

from __future__ import annotations

import json
import os
import queue
import sqlite3
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

from sambat_tui.central.migrations import MIGRATIONS, SCHEMA_VERSION_TABLE, SECONDARY_INDEXES
from sambat_tui.central.records import (
    Deadline,
    FeedRow,
    FeedState,
    ScopeKey,
    StoredComplaint,
    StoredResponse,
    StoredUpdate,
)
from sambat_tui.central.scope import Scope
from sambat_tui.contract import (
    REFERENCE_ENTITIES,
    Agency,
    Category,
    Complaint,
    Desk,
    Disposition,
    Entity,
    Reporter,
    ReporterIn,
    Update,
    User,
)
from sambat_tui.domain.model import Status

DB_FILENAME = "central.sqlite3"

LOG_UPSERT = "upsert"
LOG_REANNOUNCE = "reannounce"
"""A timeline entry logged again because its complaint moved: news only to those who just gained it."""

DueColumn = Literal["verify_due", "response_due", "resolve_due", "reply_due"]
_DUE_COLUMNS: frozenset[str] = frozenset({"verify_due", "response_due", "resolve_due", "reply_due"})
_ESCALATED_COLUMN: dict[Deadline, str] = {
    Deadline.VERIFY: "escalated_verify",
    Deadline.RESPONSE: "escalated_response",
    Deadline.RESOLVE: "escalated_resolve",
}


class StorageError(RuntimeError):
    """The database is not in a state this code can work with (e.g. written by a newer version)."""


_UNREADABLE = frozenset({10, 11, 26})
"""SQLite's primary result codes for a database that cannot be read: SQLITE_IOERR (a disk failing a read),
SQLITE_CORRUPT, SQLITE_NOTADB. (The client's store tells them apart too; it shares no code with this.)"""


def unreadable(error: BaseException) -> bool:
    """Whether ``error`` says the database cannot be read (damaged, or its disk failed a read)."""
    code = getattr(error, "sqlite_errorcode", None)
    return isinstance(error, sqlite3.Error) and isinstance(code, int) and code & 0xFF in _UNREADABLE


@contextmanager
def readable(path: Path) -> Iterator[None]:
    """Raise an error that says the database at ``path`` cannot be read as a ``StorageError`` that says what
    to do: an operator's message at the start of the server or a command, not a traceback."""
    try:
        yield
    except sqlite3.Error as error:
        if not unreadable(error):
            raise
        raise StorageError(
            f"the database {path} cannot be read ({error}): it is damaged, or its disk failed a read. It was"
            " left as it is. Put the last backup in its place with `sambat-central restore BACKUP`"
            " (`sambat-central backup` makes them)."
        ) from error


def db_time(moment: datetime) -> str:
    """UTC text of fixed width, so that text order is time order."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"naive datetime {moment.isoformat()} cannot be stored; the server stores UTC")
    # isoformat (in C) rather than strftime: this runs for every timestamp of a bulk load.
    return moment.astimezone(UTC).replace(tzinfo=None).isoformat(timespec="microseconds") + "Z"


def py_time(text: str) -> datetime:
    return datetime.fromisoformat(text)


def _opt_time(text: str | None) -> datetime | None:
    return None if text is None else py_time(text)


def _opt_db_time(moment: datetime | None) -> str | None:
    return None if moment is None else db_time(moment)


def _json(value: Any) -> str:
    # ensure_ascii=False keeps text byte-exact in the database instead of \u-escaped.
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _connect(path: Path, *, read_only: bool, auto_checkpoint: bool = True) -> sqlite3.Connection:
    # isolation_level=None: transactions are begun and ended explicitly, so a read is one snapshot.
    conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False, timeout=30.0)
    conn.row_factory = sqlite3.Row
    conn.execute("PRAGMA busy_timeout = 30000")
    if read_only:
        conn.execute("PRAGMA query_only = ON")
    else:
        mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
        if str(mode).lower() != "wal":
            raise StorageError(f"could not switch {path} to WAL (journal_mode is {mode})")
        conn.execute("PRAGMA synchronous = FULL")
        if not auto_checkpoint:
            conn.execute("PRAGMA wal_autocheckpoint = 0")
    return conn


# --- row <-> model ---

_COMPLAINT_COLUMNS: tuple[str, ...] = (
    "id",
    "public_ref",
    "channel",
    "classification",
    "title",
    "description",
    "category_code",
    "lat",
    "lon",
    "address",
    "kelurahan",
    "kecamatan",
    "media",
    "visibility",
    "status",
    "agency_id",
    "desk_id",
    "assignee_id",
    "priority",
    "sla_class",
    "verify_due",
    "response_due",
    "resolve_due",
    "reply_due",
    "duplicate_of",
    "external_refs",
    "version",
    "created_at",
    "updated_at",
    "closed_at",
    "first_response_at",
    "escalation_level",
    "escalated_verify",
    "escalated_response",
    "escalated_resolve",
    "intake_hash",
    "created_by",
)
_COMPLAINT_SELECT = "SELECT " + ", ".join(_COMPLAINT_COLUMNS) + " FROM complaints"
_COMPLAINT_INSERT = (
    f"INSERT INTO complaints ({', '.join(_COMPLAINT_COLUMNS)}) "
    f"VALUES ({', '.join('?' for _ in _COMPLAINT_COLUMNS)})"
)
_COMPLAINT_UPDATE = (
    "UPDATE complaints SET "
    + ", ".join(f"{c} = ?" for c in _COMPLAINT_COLUMNS if c != "id")
    + " WHERE id = ? AND version = ?"
)


def _complaint_params(stored: StoredComplaint) -> tuple[Any, ...]:
    c = stored.complaint
    return (
        str(c.id),
        c.public_ref,
        c.channel.value,
        c.classification.value,
        c.title,
        c.description,
        c.category_code,
        c.location.lat,
        c.location.lon,
        c.location.address,
        c.location.kelurahan,
        c.location.kecamatan,
        _json([m.model_dump(mode="json") for m in c.media]),
        c.visibility.value,
        c.status.value,
        c.agency_id,
        c.desk_id,
        c.assignee_id,
        c.priority.value,
        c.sla.sla_class.value,
        db_time(c.sla.verify_due),
        db_time(c.sla.response_due),
        db_time(c.sla.resolve_due),
        _opt_db_time(c.sla.reply_due),
        None if c.duplicate_of is None else str(c.duplicate_of),
        _json([r.model_dump(mode="json") for r in c.external_refs]),
        c.version,
        db_time(c.created_at),
        db_time(c.updated_at),
        _opt_db_time(c.closed_at),
        _opt_db_time(c.first_response_at),
        c.escalation_level,
        int(Deadline.VERIFY in stored.escalated),
        int(Deadline.RESPONSE in stored.escalated),
        int(Deadline.RESOLVE in stored.escalated),
        stored.intake_hash,
        stored.created_by,
    )


def _complaint_from_row(row: sqlite3.Row) -> StoredComplaint:
    complaint = Complaint.model_validate(
        {
            "id": row["id"],
            "public_ref": row["public_ref"],
            "channel": row["channel"],
            "classification": row["classification"],
            "title": row["title"],
            "description": row["description"],
            "category_code": row["category_code"],
            "location": {
                "lat": row["lat"],
                "lon": row["lon"],
                "address": row["address"],
                "kelurahan": row["kelurahan"],
                "kecamatan": row["kecamatan"],
            },
            "media": json.loads(row["media"]),
            "visibility": row["visibility"],
            "status": row["status"],
            "agency_id": row["agency_id"],
            "desk_id": row["desk_id"],
            "assignee_id": row["assignee_id"],
            "priority": row["priority"],
            "sla": {
                "class": row["sla_class"],
                "verify_due": py_time(row["verify_due"]),
                "response_due": py_time(row["response_due"]),
                "resolve_due": py_time(row["resolve_due"]),
                "reply_due": _opt_time(row["reply_due"]),
            },
            "duplicate_of": row["duplicate_of"],
            "external_refs": json.loads(row["external_refs"]),
            "version": row["version"],
            "created_at": py_time(row["created_at"]),
            "updated_at": py_time(row["updated_at"]),
            "closed_at": _opt_time(row["closed_at"]),
            "first_response_at": _opt_time(row["first_response_at"]),
            "escalation_level": row["escalation_level"],
        }
    )
    escalated = frozenset(d for d, column in _ESCALATED_COLUMN.items() if row[column])
    return StoredComplaint(
        complaint=complaint, intake_hash=row["intake_hash"], created_by=row["created_by"], escalated=escalated
    )


def _update_from_row(row: sqlite3.Row) -> Update:
    return Update(
        id=row["id"],
        complaint_id=row["complaint_id"],
        kind=row["kind"],
        body=row["body"],
        status_after=row["status_after"],
        author_id=row["author_id"],
        authored_at=py_time(row["authored_at"]),
        recorded_at=py_time(row["recorded_at"]),
    )


def _disposition_from_row(row: sqlite3.Row) -> Disposition:
    return Disposition(
        id=row["id"],
        complaint_id=row["complaint_id"],
        kind=row["kind"],
        from_agency_id=row["from_agency_id"],
        from_desk_id=row["from_desk_id"],
        to_agency_id=row["to_agency_id"],
        to_desk_id=row["to_desk_id"],
        to_user_id=row["to_user_id"],
        reason=row["reason"],
        actor_id=row["actor_id"],
        rule_id=row["rule_id"],
        matched=tuple(json.loads(row["matched"])),
        created_at=py_time(row["created_at"]),
    )


def _user_from_row(row: sqlite3.Row) -> User:
    return User(
        id=row["id"],
        name=row["name"],
        agency_id=row["agency_id"],
        desk_ids=tuple(json.loads(row["desk_ids"])),
        roles=tuple(json.loads(row["roles"])),
        lang=row["lang"],
    )


def _agency_from_row(row: sqlite3.Row) -> Agency:
    return Agency(
        id=row["id"],
        name=row["name"],
        short_name=row["short_name"],
        kind=row["kind"],
        active=bool(row["active"]),
    )


def _desk_from_row(row: sqlite3.Row) -> Desk:
    return Desk(id=row["id"], agency_id=row["agency_id"], name=row["name"], active=bool(row["active"]))


def _category_from_row(row: sqlite3.Row) -> Category:
    return Category(
        code=row["code"],
        name=row["name"],
        group=row["grp"],
        keywords=tuple(json.loads(row["keywords"])),
        default_agency_id=row["default_agency_id"],
        default_desk_id=row["default_desk_id"],
        sla_class=row["sla_class"],
        active=bool(row["active"]),
    )


def _scope_where(scope: Scope, agency: str, desk: str, assignee: str) -> tuple[str, list[Any]]:
    """A boolean SQL expression over the given columns that holds where ``scope`` matches."""
    if scope.everything:
        return "1 = 1", []
    terms: list[str] = []
    params: list[Any] = []
    if scope.agency_id is not None:
        terms.append(f"{agency} = ?")
        params.append(scope.agency_id)
    if scope.desk_ids:
        terms.append(f"{desk} IN ({', '.join('?' for _ in scope.desk_ids)})")
        params.extend(scope.desk_ids)
    if scope.user_id is not None:
        terms.append(f"{assignee} = ?")
        params.append(scope.user_id)
    if not terms:
        return "0 = 1", []
    return "(" + " OR ".join(terms) + ")", params


def _scope_terms(scope: Scope) -> list[tuple[str, str]]:
    """The (column, value) equalities whose union is a limited scope."""
    terms = [("agency_id", scope.agency_id)] if scope.agency_id is not None else []
    terms += [("desk_id", desk) for desk in scope.desk_ids]
    if scope.user_id is not None:
        terms.append(("assignee_id", scope.user_id))
    return terms


def _like_pattern(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


# --- transactions ---


class ReadTx:
    """Reads inside one snapshot."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn

    def _one(self, sql: str, params: Sequence[Any] = ()) -> sqlite3.Row | None:
        row: sqlite3.Row | None = self._conn.execute(sql, params).fetchone()
        return row

    def _all(self, sql: str, params: Sequence[Any] = ()) -> list[sqlite3.Row]:
        return self._conn.execute(sql, params).fetchall()

    # complaints

    def complaint(self, complaint_id: str) -> StoredComplaint | None:
        row = self._one(_COMPLAINT_SELECT + " WHERE id = ?", (complaint_id,))
        return None if row is None else _complaint_from_row(row)

    def complaints(
        self,
        scope: Scope,
        *,
        statuses: Sequence[Status] = (),
        desk_id: str | None = None,
        query: str | None = None,
        before: tuple[datetime, str] | None = None,
        limit: int,
    ) -> list[Complaint]:
        """Newest first, keyset-paged on (created_at, id): ``before`` is the last row of the previous page.

        A scope is a union of terms (the agency, each desk, the assignee); each term is read newest first
        from its own index and the union keeps the newest ``limit``, so no page sorts a whole desk.
        """
        clauses: list[str] = []
        params: list[Any] = []
        if statuses:
            clauses.append(f"status IN ({', '.join('?' for _ in statuses)})")
            params.extend(s.value for s in statuses)
        if desk_id is not None:
            clauses.append("desk_id = ?")
            params.append(desk_id)
        if query:
            pattern = _like_pattern(query)
            clauses.append(
                "(title LIKE ? ESCAPE '\\' OR description LIKE ? ESCAPE '\\'"
                " OR public_ref LIKE ? ESCAPE '\\')"
            )
            params.extend((pattern, pattern, pattern))
        if before is not None:
            clauses.append("(created_at, id) < (?, ?)")
            params.extend((db_time(before[0]), before[1]))
        order = "ORDER BY created_at DESC, id DESC LIMIT ?"
        columns = ", ".join(_COMPLAINT_COLUMNS)
        if scope.everything:
            where = " AND ".join(clauses) or "1 = 1"
            rows = self._all(f"SELECT {columns} FROM complaints WHERE {where} {order}", [*params, limit])
            return [_complaint_from_row(row).complaint for row in rows]
        terms = _scope_terms(scope)
        if not terms:
            return []
        parts: list[str] = []
        union_params: list[Any] = []
        for column, value in terms:
            where = " AND ".join([f"{column} = ?", *clauses])
            parts.append(f"SELECT * FROM (SELECT {columns} FROM complaints WHERE {where} {order})")
            union_params += [value, *params, limit]
        sql = " UNION ".join(parts) + f" {order}"
        return [_complaint_from_row(row).complaint for row in self._all(sql, [*union_params, limit])]

    def complaint_ids_past(
        self,
        column: DueColumn,
        *,
        statuses: Sequence[Status],
        now: datetime,
        not_escalated_for: Deadline | None = None,
        unanswered_only: bool = False,
        limit: int = 1000,
    ) -> list[str]:
        """Ids of complaints in ``statuses`` whose ``column`` deadline lies before ``now``."""
        if column not in _DUE_COLUMNS:
            raise ValueError(f"unknown deadline column {column!r}")
        clauses = [
            f"status IN ({', '.join('?' for _ in statuses)})",
            f"{column} IS NOT NULL",
            f"{column} < ?",
        ]
        params: list[Any] = [s.value for s in statuses]
        params.append(db_time(now))
        if not_escalated_for is not None:
            clauses.append(f"{_ESCALATED_COLUMN[not_escalated_for]} = 0")
        if unanswered_only:
            clauses.append("first_response_at IS NULL")
        sql = f"SELECT id FROM complaints WHERE {' AND '.join(clauses)} ORDER BY {column} LIMIT ?"
        params.append(limit)
        return [row["id"] for row in self._all(sql, params)]

    def duplicates_of(self, original_id: str) -> list[StoredComplaint]:
        """The complaints linked as duplicates of ``original_id`` (they follow its status)."""
        rows = self._all(
            _COMPLAINT_SELECT + " WHERE duplicate_of = ? ORDER BY created_at, id", (original_id,)
        )
        return [_complaint_from_row(row) for row in rows]

    def has_duplicates(self, original_id: str) -> bool:
        return (
            self._one("SELECT 1 FROM complaints WHERE duplicate_of = ? LIMIT 1", (original_id,)) is not None
        )

    def reporter(self, complaint_id: str) -> Reporter | None:
        row = self._one(
            "SELECT name, phone, email, nik FROM reporters WHERE complaint_id = ?", (complaint_id,)
        )
        if row is None:
            return None
        return Reporter(name=row["name"], phone=row["phone"], email=row["email"], nik=row["nik"])

    # timeline

    def updates_of(self, complaint_id: str) -> list[Update]:
        rows = self._all(
            "SELECT * FROM updates WHERE complaint_id = ? ORDER BY recorded_at, rowid", (complaint_id,)
        )
        return [_update_from_row(row) for row in rows]

    def dispositions_of(self, complaint_id: str) -> list[Disposition]:
        rows = self._all(
            "SELECT * FROM dispositions WHERE complaint_id = ? ORDER BY created_at, rowid", (complaint_id,)
        )
        return [_disposition_from_row(row) for row in rows]

    def stored_update(self, update_id: str) -> StoredUpdate | None:
        row = self._one("SELECT * FROM updates WHERE id = ?", (update_id,))
        return None if row is None else StoredUpdate(_update_from_row(row), row["payload_hash"])

    # reference data and users

    def agencies(self) -> list[Agency]:
        return [_agency_from_row(r) for r in self._all("SELECT * FROM agencies ORDER BY id")]

    def agency(self, agency_id: str) -> Agency | None:
        row = self._one("SELECT * FROM agencies WHERE id = ?", (agency_id,))
        return None if row is None else _agency_from_row(row)

    def desks(self) -> list[Desk]:
        return [_desk_from_row(r) for r in self._all("SELECT * FROM desks ORDER BY agency_id, rowid")]

    def desk(self, desk_id: str) -> Desk | None:
        row = self._one("SELECT * FROM desks WHERE id = ?", (desk_id,))
        return None if row is None else _desk_from_row(row)

    def categories(self) -> list[Category]:
        return [_category_from_row(r) for r in self._all("SELECT * FROM categories ORDER BY rowid")]

    def category(self, code: str) -> Category | None:
        row = self._one("SELECT * FROM categories WHERE code = ?", (code,))
        return None if row is None else _category_from_row(row)

    def users(self) -> list[User]:
        return [_user_from_row(r) for r in self._all("SELECT * FROM users ORDER BY id")]

    def user(self, user_id: str) -> User | None:
        row = self._one("SELECT * FROM users WHERE id = ?", (user_id,))
        return None if row is None else _user_from_row(row)

    def user_for_token(self, token_hash: str) -> User | None:
        row = self._one(
            "SELECT users.* FROM tokens JOIN users ON users.id = tokens.user_id "
            "WHERE tokens.token_hash = ? AND tokens.revoked = 0",
            (token_hash,),
        )
        return None if row is None else _user_from_row(row)

    # change feed

    def feed_state(self) -> FeedState:
        meta = {row["key"]: row["value"] for row in self._all("SELECT key, value FROM meta")}
        top = self._one("SELECT max(seq) AS top FROM change_log")
        watermark = 0 if top is None or top["top"] is None else int(top["top"])
        return FeedState(
            epoch=meta["epoch"],
            min_seq=int(meta["feed_min_seq"]),
            generation=int(meta["feed_generation"]),
            watermark=watermark,
        )

    def feed_rows(self, scope: Scope, *, after: int, upto: int, limit: int) -> list[FeedRow]:
        """Log rows in (after, upto] that concern ``scope`` now or did before the change (evicts), by seq.

        Timeline rows come with their complaint's scope in this snapshot, read in the same statement.
        """
        params: list[Any] = [after, upto]
        sql = (
            "SELECT cl.seq, cl.entity, cl.entity_id, cl.op, cl.version, cl.data, cl.agency_id, cl.desk_id, "
            "cl.assignee_id, cl.prev_agency_id, cl.prev_desk_id, cl.prev_assignee_id, "
            "c.id AS cur_id, c.agency_id AS cur_agency_id, c.desk_id AS cur_desk_id, "
            "c.assignee_id AS cur_assignee_id "
            "FROM change_log AS cl LEFT JOIN complaints AS c "
            "ON c.id = cl.complaint_id AND cl.entity IN ('update', 'disposition') "
            "WHERE cl.seq > ? AND cl.seq <= ?"
        )
        if not scope.everything:
            now_where, now_params = _scope_where(scope, "cl.agency_id", "cl.desk_id", "cl.assignee_id")
            prev_where, prev_params = _scope_where(
                scope, "cl.prev_agency_id", "cl.prev_desk_id", "cl.prev_assignee_id"
            )
            reference = ", ".join(f"'{e.value}'" for e in sorted(REFERENCE_ENTITIES))
            sql += f" AND (cl.entity IN ({reference}) OR {now_where} OR {prev_where})"
            params += now_params + prev_params
        sql += " ORDER BY cl.seq LIMIT ?"
        params.append(limit)
        return [
            FeedRow(
                seq=row["seq"],
                entity=row["entity"],
                entity_id=row["entity_id"],
                op=row["op"],
                version=row["version"],
                data=row["data"],
                scope=ScopeKey(row["agency_id"], row["desk_id"], row["assignee_id"]),
                prev_scope=ScopeKey(row["prev_agency_id"], row["prev_desk_id"], row["prev_assignee_id"]),
                current_scope=None
                if row["cur_id"] is None
                else ScopeKey(row["cur_agency_id"], row["cur_desk_id"], row["cur_assignee_id"]),
            )
            for row in self._all(sql, params)
        ]

    # idempotency

    def stored_response(self, user_id: str, key: str) -> StoredResponse | None:
        row = self._one(
            "SELECT request_hash, status, response_body, created_at FROM idempotency_keys "
            "WHERE user_id = ? AND key = ?",
            (user_id, key),
        )
        if row is None:
            return None
        return StoredResponse(
            request_hash=row["request_hash"],
            status=row["status"],
            body=row["response_body"],
            created_at=py_time(row["created_at"]),
        )


class WriteTx(ReadTx):
    """A write transaction on the single writer connection. Every change to an entity appends to the log."""

    def __init__(self, conn: sqlite3.Connection, now: datetime) -> None:
        super().__init__(conn)
        self.now = now
        self._now_text = db_time(now)

    def _log(
        self,
        rows: Sequence[tuple[Entity, str, str | None, int, str | None, ScopeKey | None, ScopeKey | None]],
        op: str = LOG_UPSERT,
    ) -> None:
        """Append (entity, id, complaint_id, version, data, scope, previous scope) rows."""
        nothing = ScopeKey(None, None, None)
        self._conn.executemany(
            "INSERT INTO change_log (entity, entity_id, complaint_id, op, version, data, agency_id, desk_id, "
            "assignee_id, prev_agency_id, prev_desk_id, prev_assignee_id, created_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (
                    entity.value,
                    entity_id,
                    complaint_id,
                    op,
                    version,
                    data,
                    *(scope or nothing).as_tuple(),
                    *(prev or nothing).as_tuple(),
                    self._now_text,
                )
                for entity, entity_id, complaint_id, version, data, scope, prev in rows
            ],
        )

    # complaints

    def insert_complaints(
        self, items: Sequence[tuple[StoredComplaint, Reporter | ReporterIn | None]]
    ) -> None:
        """Insert new complaints (with their reporters) and log them; many at once for a bulk load."""
        self._conn.executemany(_COMPLAINT_INSERT, [_complaint_params(stored) for stored, _ in items])
        reporters = [
            (str(stored.complaint.id), r.name, r.phone, r.email, r.nik)
            for stored, r in items
            if r is not None
        ]
        if reporters:
            self._conn.executemany(
                "INSERT INTO reporters (complaint_id, name, phone, email, nik) VALUES (?, ?, ?, ?, ?)",
                reporters,
            )
        self._log(
            [
                (
                    Entity.COMPLAINT,
                    str(s.complaint.id),
                    str(s.complaint.id),
                    s.complaint.version,
                    s.complaint.model_dump_json(),
                    ScopeKey.of(s.complaint),
                    None,
                )
                for s, _ in items
            ]
        )

    def save_complaint(self, after: StoredComplaint, before: StoredComplaint) -> None:
        """Write a changed complaint. ``before`` is the row it replaces; its version guards the update."""
        if after.complaint.id != before.complaint.id:
            raise ValueError("save_complaint: before and after are different complaints")
        if after.complaint.version != before.complaint.version + 1:
            raise ValueError("save_complaint: the version must grow by exactly one per write")
        params = _complaint_params(after)
        cursor = self._conn.execute(_COMPLAINT_UPDATE, (*params[1:], params[0], before.complaint.version))
        if cursor.rowcount != 1:
            raise StorageError(f"complaint {after.complaint.id} changed under a write transaction")
        scope, prev = ScopeKey.of(after.complaint), ScopeKey.of(before.complaint)
        complaint_id = str(after.complaint.id)
        self._log(
            [
                (
                    Entity.COMPLAINT,
                    complaint_id,
                    complaint_id,
                    after.complaint.version,
                    after.complaint.model_dump_json(),
                    scope,
                    prev,
                )
            ]
        )
        if scope != prev:
            # Whoever gains the complaint needs its timeline too: log every entry again under the new scope,
            # with the old one, so that the feed sends it only to those who did not have it before.
            self._log(
                [
                    (Entity.UPDATE, str(u.id), complaint_id, 1, u.model_dump_json(), scope, prev)
                    for u in self.updates_of(complaint_id)
                ]
                + [
                    (Entity.DISPOSITION, str(d.id), complaint_id, 1, d.model_dump_json(), scope, prev)
                    for d in self.dispositions_of(complaint_id)
                ],
                op=LOG_REANNOUNCE,
            )

    def insert_updates(self, items: Sequence[tuple[StoredUpdate, ScopeKey]]) -> None:
        """Append updates; ``ScopeKey`` is where their complaint sits now (the feed sends them only there)."""
        self._conn.executemany(
            "INSERT INTO updates (id, complaint_id, kind, body, status_after, author_id, authored_at, "
            "recorded_at, payload_hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (
                    str(s.update.id),
                    str(s.update.complaint_id),
                    s.update.kind.value,
                    s.update.body,
                    None if s.update.status_after is None else s.update.status_after.value,
                    s.update.author_id,
                    db_time(s.update.authored_at),
                    db_time(s.update.recorded_at),
                    s.payload_hash,
                )
                for s, _ in items
            ],
        )
        self._log(
            [
                (
                    Entity.UPDATE,
                    str(s.update.id),
                    str(s.update.complaint_id),
                    1,
                    s.update.model_dump_json(),
                    k,
                    None,
                )
                for s, k in items
            ]
        )

    def insert_dispositions(self, items: Sequence[tuple[Disposition, ScopeKey]]) -> None:
        self._conn.executemany(
            "INSERT INTO dispositions (id, complaint_id, kind, from_agency_id, from_desk_id, to_agency_id, "
            "to_desk_id, to_user_id, reason, actor_id, rule_id, matched, created_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (
                    str(d.id),
                    str(d.complaint_id),
                    d.kind.value,
                    d.from_agency_id,
                    d.from_desk_id,
                    d.to_agency_id,
                    d.to_desk_id,
                    d.to_user_id,
                    d.reason,
                    d.actor_id,
                    d.rule_id,
                    _json(list(d.matched)),
                    db_time(d.created_at),
                )
                for d, _ in items
            ],
        )
        self._log(
            [
                (Entity.DISPOSITION, str(d.id), str(d.complaint_id), 1, d.model_dump_json(), k, None)
                for d, k in items
            ]
        )

    def next_public_ref_number(self, year: int) -> int:
        """The next running number of ``year`` (1, 2, ...), taken inside this transaction."""
        self._conn.execute(
            "INSERT INTO public_ref_counters (year, last) VALUES (?, 1) "
            "ON CONFLICT (year) DO UPDATE SET last = last + 1",
            (year,),
        )
        row = self._one("SELECT last FROM public_ref_counters WHERE year = ?", (year,))
        assert row is not None
        return int(row["last"])

    # reference data and users; each returns whether anything changed (and then logs it)

    def _put_reference(
        self, table: str, key: str, key_value: str, columns: dict[str, Any], entity: Entity, data: str
    ) -> bool:
        row = self._one(f"SELECT * FROM {table} WHERE {key} = ?", (key_value,))
        if row is not None and all(row[c] == v for c, v in columns.items()):
            return False
        version = 1 if row is None else int(row["version"]) + 1
        names = [key, *columns, "version"]
        self._conn.execute(
            f"INSERT INTO {table} ({', '.join(names)}) VALUES ({', '.join('?' for _ in names)}) "
            f"ON CONFLICT ({key}) DO UPDATE SET "
            + ", ".join(f"{c} = excluded.{c}" for c in [*columns, "version"]),
            (key_value, *columns.values(), version),
        )
        self._log([(entity, key_value, None, version, data, None, None)])
        return True

    def put_agency(self, agency: Agency) -> bool:
        columns = {
            "name": agency.name,
            "short_name": agency.short_name,
            "kind": agency.kind.value,
            "active": int(agency.active),
        }
        return self._put_reference(
            "agencies", "id", agency.id, columns, Entity.AGENCY, agency.model_dump_json()
        )

    def put_desk(self, desk: Desk) -> bool:
        columns = {"agency_id": desk.agency_id, "name": desk.name, "active": int(desk.active)}
        return self._put_reference("desks", "id", desk.id, columns, Entity.DESK, desk.model_dump_json())

    def put_category(self, category: Category) -> bool:
        columns = {
            "name": category.name,
            "grp": category.group,
            "keywords": _json(list(category.keywords)),
            "default_agency_id": category.default_agency_id,
            "default_desk_id": category.default_desk_id,
            "sla_class": category.sla_class.value,
            "active": int(category.active),
        }
        return self._put_reference(
            "categories", "code", category.code, columns, Entity.CATEGORY, category.model_dump_json()
        )

    def put_user(self, user: User) -> bool:
        columns = {
            "name": user.name,
            "agency_id": user.agency_id,
            "desk_ids": _json(list(user.desk_ids)),
            "roles": _json([r.value for r in user.roles]),
            "lang": user.lang,
        }
        return self._put_reference("users", "id", user.id, columns, Entity.USER, user.model_dump_json())

    def add_token(self, token_hash: str, user_id: str) -> None:
        self._conn.execute(
            "INSERT INTO tokens (token_hash, user_id, created_at, revoked) VALUES (?, ?, ?, 0)",
            (token_hash, user_id, self._now_text),
        )

    def revoke_tokens(self, user_id: str) -> int:
        return self._conn.execute(
            "UPDATE tokens SET revoked = 1 WHERE user_id = ? AND revoked = 0", (user_id,)
        ).rowcount

    # idempotency and housekeeping

    def remember_response(self, user_id: str, key: str, request_hash: str, status: int, body: str) -> None:
        self._conn.execute(
            "INSERT INTO idempotency_keys (user_id, key, request_hash, status, response_body, created_at) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            (user_id, key, request_hash, status, body, self._now_text),
        )

    def purge_responses(self, older_than: datetime) -> int:
        return self._conn.execute(
            "DELETE FROM idempotency_keys WHERE created_at < ?", (db_time(older_than),)
        ).rowcount

    def compact_feed(self, older_than: datetime) -> int:
        """Drop log rows older than ``older_than`` that a later row of the same entity supersedes.

        A client that had not read a dropped row could miss an evict, so every cursor issued before this
        compaction and lying before the highest dropped sequence number becomes invalid (410); a fresh
        bootstrap sees the latest row of everything.
        Rows of timeline entries (updates, dispositions) are never dropped: they do not change, and which of
        their rows reaches whom depends on the whole sequence of moves of their complaint.
        """
        condition = (
            "created_at < ? AND entity NOT IN ('update', 'disposition') AND seq < ("
            "SELECT max(later.seq) FROM change_log AS later "
            "WHERE later.entity = change_log.entity AND later.entity_id = change_log.entity_id)"
        )
        cutoff = db_time(older_than)
        top = self._one(f"SELECT max(seq) AS top, count(*) AS n FROM change_log WHERE {condition}", (cutoff,))
        if top is None or not top["n"]:
            return 0
        dropped = self._conn.execute(f"DELETE FROM change_log WHERE {condition}", (cutoff,)).rowcount
        self._conn.execute(
            "UPDATE meta SET value = CAST(max(CAST(value AS INTEGER), ?) AS TEXT) WHERE key = 'feed_min_seq'",
            (int(top["top"]),),
        )
        self._conn.execute(
            "UPDATE meta SET value = CAST(CAST(value AS INTEGER) + 1 AS TEXT) WHERE key = 'feed_generation'"
        )
        return dropped


# --- the store ---


class Storage:
    """One SQLite database: one writer connection behind a lock, a pool of reader connections."""

    def __init__(self, path: Path, *, auto_checkpoint: bool = True) -> None:
        self.path = path
        self._writer = _connect(path, read_only=False, auto_checkpoint=auto_checkpoint)
        self._write_lock = threading.Lock()
        self._readers: queue.SimpleQueue[sqlite3.Connection] = queue.SimpleQueue()
        self._all_readers: list[sqlite3.Connection] = []
        self._readers_lock = threading.Lock()
        self._closed = False

    @classmethod
    def open(cls, data_dir: Path, *, auto_checkpoint: bool = True) -> Storage:
        """Open (creating if needed) the database in ``data_dir``; the directory is 0700, the file 0600.

        ``auto_checkpoint=False`` is for a short-lived side process (the CLI next to a running server): it
        leaves checkpoints to the server, since SQLite before 3.51.3 can corrupt a WAL database when two
        connections write and checkpoint at the same moment.
        """
        data_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
        path = data_dir / DB_FILENAME
        if not path.exists():
            # Created before SQLite opens it, so the file (and its -wal and -shm) never exist world-readable.
            os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))
        with readable(path):
            return cls(path, auto_checkpoint=auto_checkpoint)

    # migrations

    def schema_version(self) -> int:
        with self._write_lock, readable(self.path):
            self._writer.execute(SCHEMA_VERSION_TABLE)
            row = self._writer.execute("SELECT max(version) FROM schema_version").fetchone()
        return 0 if row is None or row[0] is None else int(row[0])

    def migrate(self) -> list[int]:
        """Apply the migrations not yet applied, each in its own transaction; returns the versions applied."""
        applied: list[int] = []
        latest = max(m.version for m in MIGRATIONS)
        with self._write_lock, readable(self.path):
            conn = self._writer
            conn.execute(SCHEMA_VERSION_TABLE)
            for migration in sorted(MIGRATIONS, key=lambda m: m.version):
                conn.execute("BEGIN IMMEDIATE")
                try:
                    # Checked inside the transaction: another process may have migrated meanwhile.
                    done = {int(r[0]) for r in conn.execute("SELECT version FROM schema_version")}
                    if max(done, default=0) > latest:
                        raise StorageError(
                            f"{self.path} has schema version {max(done)}, newer than this program ({latest})"
                        )
                    if migration.version in done:
                        conn.execute("ROLLBACK")
                        continue
                    for statement in migration.statements:
                        conn.execute(statement)
                    conn.execute(
                        "INSERT INTO schema_version (version, name, applied_at) VALUES (?, ?, ?)",
                        (migration.version, migration.name, db_time(datetime.now(UTC))),
                    )
                    conn.execute("COMMIT")
                except BaseException:
                    if conn.in_transaction:
                        conn.execute("ROLLBACK")
                    raise
                applied.append(migration.version)
        return applied

    # transactions

    @contextmanager
    def write(self, now: datetime) -> Iterator[WriteTx]:
        """One write transaction; commits when the block ends normally, rolls back on any exception."""
        with self._write_lock:
            conn = self._writer
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield WriteTx(conn, now)
                conn.execute("COMMIT")
            except BaseException:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise

    @contextmanager
    def read(self) -> Iterator[ReadTx]:
        """One read snapshot on a pooled reader connection."""
        conn = self._take_reader()
        try:
            conn.execute("BEGIN")
            try:
                yield ReadTx(conn)
            finally:
                conn.execute("ROLLBACK")
        finally:
            self._readers.put(conn)

    def _take_reader(self) -> sqlite3.Connection:
        if self._closed:
            raise StorageError("storage is closed")
        try:
            return self._readers.get_nowait()
        except queue.Empty:
            conn = _connect(self.path, read_only=True)
            with self._readers_lock:
                self._all_readers.append(conn)
            return conn

    # bulk loading

    @contextmanager
    def bulk_load(self) -> Iterator[None]:
        """Drop the secondary indexes for the block and build them once after it (a seeder's fast path)."""
        with self._write_lock:
            for index in SECONDARY_INDEXES:
                self._writer.execute(f"DROP INDEX IF EXISTS {index.name}")
        try:
            yield
        finally:
            with self._write_lock:
                for index in SECONDARY_INDEXES:
                    self._writer.execute(index.ddl)
                self._writer.execute("ANALYZE")

    def close(self) -> None:
        """Close every connection; the writer last, so its close checkpoints the WAL."""
        if self._closed:
            return
        self._closed = True
        with self._readers_lock:
            for conn in self._all_readers:
                conn.close()
            self._all_readers.clear()
        with self._write_lock:
            self._writer.close()
