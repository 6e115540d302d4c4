"""The SQLite schema of the central server, as ordered migration steps.

Tables are plain (no foreign keys, no triggers) so a bulk load of a million complaints is a straight insert;
secondary indexes are listed apart so a bulk load can drop them, insert, and build them once afterwards.
Timestamps are UTC text of one fixed width (``2026-01-05T03:04:05.123456Z``), so text order is time order.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Migration:
    version: int
    name: str
    statements: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Index:
    name: str
    ddl: str


SCHEMA_VERSION_TABLE = """
CREATE TABLE IF NOT EXISTS schema_version (
    version INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    applied_at TEXT NOT NULL
)
"""

NEW_EPOCH_SQL = "lower(hex(randomblob(8)))"
"""A database's random id (``meta.epoch``): 16 lower-case hex digits. A copy made to be served gets a new one
(``central.lineage``)."""

_TABLES_V1: tuple[str, ...] = (
    """
    CREATE TABLE meta (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL
    )
    """,
    # A random id per database: feed cursors carry it, so one from another database is recognised.
    f"INSERT INTO meta (key, value) VALUES ('epoch', {NEW_EPOCH_SQL})",
    "INSERT INTO meta (key, value) VALUES ('feed_min_seq', '0')",
    """
    CREATE TABLE agencies (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        short_name TEXT NOT NULL,
        kind TEXT NOT NULL,
        active INTEGER NOT NULL,
        version INTEGER NOT NULL
    )
    """,
    """
    CREATE TABLE desks (
        id TEXT PRIMARY KEY,
        agency_id TEXT NOT NULL,
        name TEXT NOT NULL,
        version INTEGER NOT NULL
    )
    """,
    """
    CREATE TABLE categories (
        code TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        grp TEXT NOT NULL,
        keywords TEXT NOT NULL,
        default_agency_id TEXT,
        default_desk_id TEXT,
        sla_class TEXT NOT NULL,
        version INTEGER NOT NULL
    )
    """,
    """
    CREATE TABLE users (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        agency_id TEXT,
        desk_ids TEXT NOT NULL,
        roles TEXT NOT NULL,
        lang TEXT NOT NULL,
        version INTEGER NOT NULL
    )
    """,
    """
    CREATE TABLE tokens (
        token_hash TEXT PRIMARY KEY,
        user_id TEXT NOT NULL,
        created_at TEXT NOT NULL,
        revoked INTEGER NOT NULL DEFAULT 0
    )
    """,
    """
    CREATE TABLE complaints (
        id TEXT PRIMARY KEY,
        public_ref TEXT NOT NULL,
        channel TEXT NOT NULL,
        classification TEXT NOT NULL,
        title TEXT NOT NULL,
        description TEXT NOT NULL,
        category_code TEXT,
        lat REAL,
        lon REAL,
        address TEXT,
        kelurahan TEXT,
        kecamatan TEXT,
        media TEXT NOT NULL,
        visibility TEXT NOT NULL,
        status TEXT NOT NULL,
        agency_id TEXT,
        desk_id TEXT,
        assignee_id TEXT,
        priority TEXT NOT NULL,
        sla_class TEXT NOT NULL,
        verify_due TEXT NOT NULL,
        response_due TEXT NOT NULL,
        resolve_due TEXT NOT NULL,
        reply_due TEXT,
        duplicate_of TEXT,
        external_refs TEXT NOT NULL,
        version INTEGER NOT NULL,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        closed_at TEXT,
        first_response_at TEXT,
        escalation_level INTEGER NOT NULL,
        escalated_verify INTEGER NOT NULL DEFAULT 0,
        escalated_response INTEGER NOT NULL DEFAULT 0,
        escalated_resolve INTEGER NOT NULL DEFAULT 0,
        intake_hash TEXT NOT NULL,
        created_by TEXT NOT NULL
    )
    """,
    """
    CREATE TABLE reporters (
        complaint_id TEXT PRIMARY KEY,
        name TEXT,
        phone TEXT,
        email TEXT,
        nik TEXT
    )
    """,
    """
    CREATE TABLE updates (
        id TEXT PRIMARY KEY,
        complaint_id TEXT NOT NULL,
        kind TEXT NOT NULL,
        body TEXT NOT NULL,
        status_after TEXT,
        author_id TEXT NOT NULL,
        authored_at TEXT NOT NULL,
        recorded_at TEXT NOT NULL,
        payload_hash TEXT NOT NULL
    )
    """,
    """
    CREATE TABLE dispositions (
        id TEXT PRIMARY KEY,
        complaint_id TEXT NOT NULL,
        kind TEXT NOT NULL,
        from_agency_id TEXT,
        from_desk_id TEXT,
        to_agency_id TEXT,
        to_desk_id TEXT,
        to_user_id TEXT,
        reason TEXT NOT NULL,
        actor_id TEXT,
        rule_id TEXT,
        matched TEXT NOT NULL,
        created_at TEXT NOT NULL
    )
    """,
    # AUTOINCREMENT: a sequence number is never reused, even after compaction deleted the newest rows.
    """
    CREATE TABLE change_log (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        entity TEXT NOT NULL,
        entity_id TEXT NOT NULL,
        complaint_id TEXT,
        op TEXT NOT NULL,
        version INTEGER NOT NULL,
        data TEXT,
        agency_id TEXT,
        desk_id TEXT,
        assignee_id TEXT,
        prev_agency_id TEXT,
        prev_desk_id TEXT,
        prev_assignee_id TEXT,
        created_at TEXT NOT NULL
    )
    """,
    """
    CREATE TABLE idempotency_keys (
        user_id TEXT NOT NULL,
        key TEXT NOT NULL,
        request_hash TEXT NOT NULL,
        status INTEGER NOT NULL,
        response_body TEXT NOT NULL,
        created_at TEXT NOT NULL,
        PRIMARY KEY (user_id, key)
    )
    """,
    """
    CREATE TABLE public_ref_counters (
        year INTEGER PRIMARY KEY,
        last INTEGER NOT NULL
    )
    """,
)

# --- Open311 facade (central/open311, central/storage_open311.py) ---
# Partner apps' keys (only a SHA-256 of each is kept) and what an Open311 POST brought beyond the complaint:
# the fields of the reporter's device and account, the address id, the service attributes, and the digest of
# the request that makes a retry within the idempotency window return the same complaint. The UNIQUE
# constraint is the index of that look-up (an automatic index, so a bulk load leaves it alone).
_OPEN311_TABLES: tuple[str, ...] = (
    """
    CREATE TABLE open311_api_keys (
        key_hash TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        created_at TEXT NOT NULL,
        revoked INTEGER NOT NULL DEFAULT 0
    )
    """,
    """
    CREATE TABLE open311_submissions (
        complaint_id TEXT PRIMARY KEY,
        key_hash TEXT NOT NULL,
        body_hash TEXT NOT NULL,
        created_at TEXT NOT NULL,
        service_notice TEXT NOT NULL,
        device_id TEXT,
        account_id TEXT,
        address_id TEXT,
        attributes TEXT NOT NULL,
        UNIQUE (key_hash, body_hash, complaint_id)
    )
    """,
)

SECONDARY_INDEXES: tuple[Index, ...] = (
    Index(
        "complaints_public_ref",
        "CREATE UNIQUE INDEX IF NOT EXISTS complaints_public_ref ON complaints (public_ref)",
    ),
    Index(
        "complaints_created", "CREATE INDEX IF NOT EXISTS complaints_created ON complaints (created_at, id)"
    ),
    # A scoped listing reads one of these per scope term, newest first, with no sort (migration 4).
    *(
        Index(
            f"complaints_{column}_page",
            f"CREATE INDEX IF NOT EXISTS complaints_{column}_page ON complaints ({column}, created_at, id)",
        )
        for column in ("agency_id", "desk_id", "assignee_id")
    ),
    # The periodic job looks for open complaints past one of their deadlines (migration 4).
    *(
        Index(
            f"complaints_status_{due}",
            f"CREATE INDEX IF NOT EXISTS complaints_status_{due} ON complaints (status, {due})",
        )
        for due in ("verify_due", "response_due", "resolve_due", "reply_due")
    ),
    Index(
        "updates_complaint",
        "CREATE INDEX IF NOT EXISTS updates_complaint ON updates (complaint_id, recorded_at)",
    ),
    Index(
        "dispositions_complaint",
        "CREATE INDEX IF NOT EXISTS dispositions_complaint ON dispositions (complaint_id, created_at)",
    ),
    Index(
        "change_log_entity",
        "CREATE INDEX IF NOT EXISTS change_log_entity ON change_log (entity, entity_id, seq)",
    ),
    Index("change_log_created", "CREATE INDEX IF NOT EXISTS change_log_created ON change_log (created_at)"),
    Index(
        "idempotency_created",
        "CREATE INDEX IF NOT EXISTS idempotency_created ON idempotency_keys (created_at)",
    ),
    Index("tokens_user", "CREATE INDEX IF NOT EXISTS tokens_user ON tokens (user_id)"),
    # --- Open311 facade (central/open311): mySociety's servicerequestupdates walks public updates by time,
    # and updated_after walks complaints by their last change. Created by migration 3 in older databases.
    Index(
        "updates_public_recorded",
        "CREATE INDEX IF NOT EXISTS updates_public_recorded ON updates (recorded_at) "
        "WHERE kind IN ('public_response', 'status_change')",
    ),
    Index(
        "complaints_updated", "CREATE INDEX IF NOT EXISTS complaints_updated ON complaints (updated_at, id)"
    ),
    # Duplicates follow their original's status in the same write: found by the original's id (migration 5).
    Index(
        "complaints_duplicate_of",
        "CREATE INDEX IF NOT EXISTS complaints_duplicate_of ON complaints (duplicate_of) "
        "WHERE duplicate_of IS NOT NULL",
    ),
)
"""Indexes a bulk load may drop before inserting and create again afterwards (``Storage.bulk_load``)."""

MIGRATIONS: tuple[Migration, ...] = (
    Migration(1, "initial schema", _TABLES_V1 + tuple(index.ddl for index in SECONDARY_INDEXES)),
    # Counts compactions that dropped rows: a cursor issued since the last one is valid even below
    # feed_min_seq (a bootstrap that began after the compaction has missed nothing).
    Migration(
        2, "feed generation", ("INSERT OR IGNORE INTO meta (key, value) VALUES ('feed_generation', '0')",)
    ),
    Migration(
        3,
        "open311 facade",
        _OPEN311_TABLES
        + tuple(
            i.ddl for i in SECONDARY_INDEXES if i.name in ("updates_public_recorded", "complaints_updated")
        ),
    ),
    Migration(
        4,
        "listing and deadline indexes",
        tuple(
            f"DROP INDEX IF EXISTS {name}"
            for name in ("complaints_agency", "complaints_desk", "complaints_assignee", "complaints_status")
        )
        + tuple(
            i.ddl
            for i in SECONDARY_INDEXES
            if i.name.endswith("_page") or i.name.startswith("complaints_status_")
        ),
    ),
    Migration(
        5,
        "duplicates index",
        tuple(i.ddl for i in SECONDARY_INDEXES if i.name == "complaints_duplicate_of"),
    ),
    # A category a city removes from its table is retired, not deleted: complaints filed under it keep it.
    Migration(
        6, "retired categories", ("ALTER TABLE categories ADD COLUMN active INTEGER NOT NULL DEFAULT 1",)
    ),
    Migration(7, "retired desks", ("ALTER TABLE desks ADD COLUMN active INTEGER NOT NULL DEFAULT 1",)),
)
