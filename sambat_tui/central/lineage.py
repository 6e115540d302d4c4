"""A copy of the database is another database: it gets an epoch of its own and says where it came from.

Feed cursors carry the epoch of the database that issued them (``central.feed``). A backup put back in place
holds fewer changes than the server the desks last read; with the same epoch its sequence numbers would be
taken again by other changes, and a desk resuming from a cursor past the restored watermark would skip them
without a word. So every copy meant to be served (``backup``, ``restore``) is forked here: a fresh random
epoch, and in ``meta`` the epoch it was copied from (``forked_from``) and the time its content dates from
(``snapshot_at``: it holds all the server had recorded by then).
"""

from __future__ import annotations

import sqlite3
from datetime import datetime
from typing import NamedTuple

from sambat_tui.central.migrations import NEW_EPOCH_SQL
from sambat_tui.central.storage import StorageError, db_time, py_time

FORKED_FROM = "forked_from"
SNAPSHOT_AT = "snapshot_at"


class Lineage(NamedTuple):
    """What a database file says of itself."""

    epoch: str
    schema_version: int
    snapshot_at: datetime | None
    """None for a database never copied by ``backup`` (the live one, or a plain file copy of it)."""


def lineage_of(conn: sqlite3.Connection, name: object) -> Lineage:
    """The lineage of the database on ``conn``; ``StorageError`` when it is no sambat-central database
    (``name`` says which file in the message)."""
    try:
        meta = {str(key): str(value) for key, value in conn.execute("SELECT key, value FROM meta")}
        row = conn.execute("SELECT max(version) FROM schema_version").fetchone()
    except sqlite3.OperationalError as error:  # no such table
        raise StorageError(f"{name} is not a sambat-central database ({error})") from None
    if "epoch" not in meta or row is None or row[0] is None:
        raise StorageError(f"{name} is not a sambat-central database (no epoch or no schema version)")
    snapshot = meta.get(SNAPSHOT_AT)
    return Lineage(meta["epoch"], int(row[0]), None if snapshot is None else py_time(snapshot))


def fork(conn: sqlite3.Connection, *, forked_from: str, snapshot_at: datetime | None) -> str:
    """Give the database on ``conn`` a new random epoch and record its origin, in one transaction; the new
    epoch. ``snapshot_at`` None leaves whatever the file says (nothing, for a plain copy)."""
    with conn:  # commits, or rolls back on an error
        conn.execute("BEGIN IMMEDIATE")  # whatever the connection's isolation level: one transaction
        conn.execute(f"UPDATE meta SET value = {NEW_EPOCH_SQL} WHERE key = 'epoch'")
        conn.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (FORKED_FROM, forked_from))
        if snapshot_at is not None:
            conn.execute(
                "INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (SNAPSHOT_AT, db_time(snapshot_at))
            )
        row = conn.execute("SELECT value FROM meta WHERE key = 'epoch'").fetchone()
    return str(row[0])
