"""Versioned schema of the cache. ``PRAGMA user_version`` says which migrations a file has had.

``migrate`` runs at every open: each pending migration runs in its own transaction together with the
``user_version`` bump, so a crash leaves the file at a whole version. A file newer than this code is refused
(an older app must not write a schema it does not know). A migration is frozen once released: change the
schema by appending a new one. Migrations get a ``sqlite_utils.Database`` so that later ones can use
``db[table].transform(...)`` for the changes SQLite's ALTER TABLE cannot make.

Times are UTC epoch seconds (``INTEGER``) where the inbox filters or sorts on them; ``data`` holds the full
wire object as JSON, exactly as the change feed delivered it.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from typing import TYPE_CHECKING, Final, NamedTuple

if TYPE_CHECKING:
    import sqlite_utils


class SchemaTooNew(RuntimeError):
    """The file was written by a newer version of the app."""


class Migration(NamedTuple):
    version: int
    name: str
    apply: Callable[[sqlite_utils.Database], None]


def _statements(*sql: str) -> Callable[[sqlite_utils.Database], None]:
    def apply(db: sqlite_utils.Database) -> None:
        for statement in sql:
            db.execute(statement)

    return apply


# The inbox filter columns, carried by every inbox index after the sort key so that a page is filtered
# from the index alone (see store/inbox.py).
_FILTER_COLUMNS = "desk_id, assignee_id, category_code, kec_key, visibility"

_V1 = _statements(
    """
    CREATE TABLE complaints (
        rid INTEGER PRIMARY KEY,            -- local row id: keyset tiebreaker and full-text rowid
        id TEXT NOT NULL UNIQUE,            -- the complaint's uuid
        public_ref TEXT NOT NULL,
        title TEXT NOT NULL,
        status TEXT NOT NULL,
        category_code TEXT,
        kecamatan TEXT,
        kec_key TEXT,                       -- kecamatan case-folded, for kec: filters
        kelurahan TEXT,
        agency_id TEXT,
        desk_id TEXT,
        assignee_id TEXT,
        visibility TEXT NOT NULL,
        priority TEXT NOT NULL,
        priority_order INTEGER NOT NULL,    -- 0 urgent .. 3 low: ascending order puts urgent first
        channel TEXT NOT NULL,
        classification TEXT NOT NULL,
        sla_class TEXT,
        verify_due INTEGER,
        response_due INTEGER,
        resolve_due INTEGER,
        reply_due INTEGER,
        due_at INTEGER NOT NULL,            -- the deadline the status is running against; NO_DUE if none
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL,
        closed_at INTEGER,
        first_response_at INTEGER,
        escalation_level INTEGER NOT NULL DEFAULT 0,
        duplicate_of TEXT,
        version INTEGER NOT NULL,
        pending INTEGER NOT NULL DEFAULT 0, -- outbox rows not yet acknowledged for this complaint
        data TEXT NOT NULL                  -- the wire object, JSON
    )
    """,
    "CREATE INDEX complaints_public_ref ON complaints(public_ref)",
    f"CREATE INDEX inbox_due ON complaints(status, due_at, rid, {_FILTER_COLUMNS})",
    f"CREATE INDEX inbox_age ON complaints(status, created_at, rid, due_at, {_FILTER_COLUMNS})",
    f"CREATE INDEX inbox_priority ON complaints(status, priority_order, due_at, rid, {_FILTER_COLUMNS})",
    "CREATE INDEX complaints_category ON complaints(category_code)",
    "CREATE INDEX complaints_desk ON complaints(desk_id)",
    "CREATE INDEX complaints_assignee ON complaints(assignee_id)",
    # Full text reads its text through a view, so the description is stored once (inside data).
    """
    CREATE VIEW complaints_fts_source AS
    SELECT rid, public_ref, title,
           json_extract(data, '$.description') AS description,
           json_extract(data, '$.location.address') AS address
    FROM complaints
    """,
    """
    CREATE VIRTUAL TABLE complaints_fts USING fts5(
        public_ref, title, description, address,
        content = 'complaints_fts_source', content_rowid = 'rid',
        tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3', columnsize = 0
    )
    """,
    """
    CREATE TABLE timeline (
        id TEXT PRIMARY KEY,                -- the update's or disposition's uuid
        complaint_id TEXT NOT NULL,
        entry TEXT NOT NULL CHECK (entry IN ('update', 'disposition')),
        kind TEXT NOT NULL,                 -- UpdateKind or DispositionKind
        public INTEGER NOT NULL CHECK (public IN (0, 1)),
        at_us INTEGER NOT NULL,             -- recorded_at / created_at, UTC microseconds: the order
        -- 1: written here (optimistic), not yet echoed by the server
        pending INTEGER NOT NULL DEFAULT 0 CHECK (pending IN (0, 1)),
        data TEXT NOT NULL
    )
    """,
    "CREATE INDEX timeline_order ON timeline(complaint_id, at_us, id)",
    """
    CREATE TABLE outbox (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,  -- local order; never reused, even after deletes
        mutation_id TEXT NOT NULL UNIQUE,
        complaint_id TEXT NOT NULL,
        op TEXT NOT NULL,
        payload TEXT NOT NULL,
        base_version INTEGER,
        authored_at TEXT NOT NULL,
        actor TEXT NOT NULL,
        state TEXT NOT NULL DEFAULT 'pending'
            CHECK (state IN ('pending', 'sending', 'failed', 'conflict')),
        attempts INTEGER NOT NULL DEFAULT 0,
        next_attempt_at INTEGER,
        last_error TEXT,
        server_reason TEXT,
        created_at INTEGER NOT NULL
    )
    """,
    "CREATE INDEX outbox_complaint ON outbox(complaint_id, seq)",
    "CREATE INDEX outbox_state ON outbox(state, seq)",
    "CREATE TABLE sync_state (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID",
    """
    CREATE TABLE quarantine (
        id INTEGER PRIMARY KEY,
        entity TEXT,
        record_id TEXT,
        raw TEXT,                           -- JSON, ASCII-escaped so that any string survives
        raw_bytes BLOB,                     -- what could not even be decoded
        reason TEXT NOT NULL,
        at INTEGER NOT NULL
    )
    """,
    """
    CREATE TABLE agencies (
        id TEXT PRIMARY KEY, name TEXT NOT NULL, short_name TEXT NOT NULL, kind TEXT NOT NULL,
        active INTEGER NOT NULL, version INTEGER, data TEXT NOT NULL
    )
    """,
    """
    CREATE TABLE desks (
        id TEXT PRIMARY KEY, agency_id TEXT NOT NULL, name TEXT NOT NULL, version INTEGER, data TEXT NOT NULL
    )
    """,
    "CREATE INDEX desks_agency ON desks(agency_id)",
    """
    CREATE TABLE users (
        id TEXT PRIMARY KEY, name TEXT NOT NULL, agency_id TEXT, version INTEGER, data TEXT NOT NULL
    )
    """,
    """
    CREATE TABLE categories (
        code TEXT PRIMARY KEY, name TEXT NOT NULL, group_name TEXT NOT NULL, default_agency_id TEXT,
        default_desk_id TEXT, sla_class TEXT NOT NULL, version INTEGER, data TEXT NOT NULL
    )
    """,
)

# SQLite seeks an index with a row value such as (due_at, rid) > (?, ?) only on its first column when the
# next one is the rowid alias; on a tie group as big as "no deadline" (most of the cache) a deep page then
# walks the whole group. An ordinary column holding the same number is used in full.
_V2 = _statements(
    "ALTER TABLE complaints ADD COLUMN tiebreak INTEGER NOT NULL DEFAULT 0",
    "UPDATE complaints SET tiebreak = rid",
    "DROP INDEX inbox_due",
    "DROP INDEX inbox_age",
    "DROP INDEX inbox_priority",
    f"CREATE INDEX inbox_due ON complaints(status, due_at, tiebreak, {_FILTER_COLUMNS})",
    f"CREATE INDEX inbox_age ON complaints(status, created_at, tiebreak, due_at, {_FILTER_COLUMNS})",
    f"CREATE INDEX inbox_priority ON complaints(status, priority_order, due_at, tiebreak, {_FILTER_COLUMNS})",
)

# The supervisor's views read ranges, never the whole cache: escalations and today's status changes by kind
# and time (timeline_kind), duplicate candidates by category and creation time, intake per week, the weekly
# SLA figures by response deadline, and the medians by first response and by close.
_V3 = _statements(
    "CREATE INDEX timeline_kind ON timeline(kind, at_us)",
    "CREATE INDEX complaints_category_created ON complaints(category_code, created_at)",
    "CREATE INDEX complaints_created ON complaints(created_at)",
    # Covering: the weekly figures and the medians read these columns from the index, not the table.
    "CREATE INDEX complaints_response_due "
    "ON complaints(response_due, first_response_at, status, duplicate_of)",
    "CREATE INDEX complaints_first_response "
    "ON complaints(first_response_at, created_at, desk_id, duplicate_of)",
    "CREATE INDEX complaints_closed ON complaints(closed_at, status, created_at, desk_id, duplicate_of)",
)

# For a server whose database was restored from a backup. What it acknowledged is kept a while
# (store.outbox.SENT_KEPT): what the backup predates is gone there, and these are sent again.
_V4 = _statements(
    """
    CREATE TABLE outbox_sent (
        seq INTEGER PRIMARY KEY,  -- the outbox seq it had: its place in the local order when sent again
        mutation_id TEXT NOT NULL UNIQUE,
        complaint_id TEXT NOT NULL,
        op TEXT NOT NULL,
        payload TEXT NOT NULL,
        base_version INTEGER,
        authored_at TEXT NOT NULL,
        actor TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        acked_at INTEGER NOT NULL
    )
    """,
    "CREATE INDEX outbox_sent_acked ON outbox_sent(acked_at)",
    # The walk of the feed after such a restore numbers each entry the server still sends; at its end the
    # others go. Numbering what arrives, rather than marking every entry at the start, writes no more than
    # the walk writes anyway (a mass UPDATE would rewrite the whole table of a big agency in one go).
    "ALTER TABLE timeline ADD COLUMN walk INTEGER NOT NULL DEFAULT 0",
)

MIGRATIONS: Final[tuple[Migration, ...]] = (
    Migration(1, "cache schema", _V1),
    Migration(2, "keyset tiebreak column usable in index seeks", _V2),
    Migration(3, "indexes of the supervisor's views", _V3),
    Migration(4, "acknowledged mutations kept to send again after a server restore", _V4),
)
LATEST: Final = MIGRATIONS[-1].version


def schema_version(conn: sqlite3.Connection) -> int:
    return int(conn.execute("PRAGMA user_version").fetchone()[0])


def migrate(conn: sqlite3.Connection) -> list[int]:
    """Apply the pending migrations, each in its own transaction; return the versions applied.

    ``conn`` must be in autocommit mode (``isolation_level=None``) and outside a transaction.
    """
    import sqlite_utils

    current = schema_version(conn)
    if current > LATEST:
        raise SchemaTooNew(f"the cache has schema version {current}; this app knows up to {LATEST}")
    db = sqlite_utils.Database(conn, recursive_triggers=False, execute_plugins=False)
    applied: list[int] = []
    for migration in MIGRATIONS:
        if migration.version <= current:
            continue
        conn.execute("BEGIN IMMEDIATE")
        try:
            # Re-read under the write lock: another opener may have migrated meanwhile.
            if schema_version(conn) >= migration.version:
                conn.execute("COMMIT")
                continue
            migration.apply(db)
            conn.execute(f"PRAGMA user_version = {migration.version:d}")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")
        applied.append(migration.version)
    return applied
