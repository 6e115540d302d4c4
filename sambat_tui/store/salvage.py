"""A damaged cache rebuilt without losing what only this machine holds.

The cache is a copy of the server's data, but for two things: the outbox (changes made here that the server
has not acknowledged) and the sync state that names the server and the signed-in user. ``rebuild`` reads what
it can of those two from the damaged file (and, in one pass, the acknowledged changes kept should the server
be restored from a backup: ``outbox_sent``), writes them into a new cache, and only then moves the damaged
file (with its ``-wal`` and ``-shm``) aside, under a name that says when. The next sync pulls the rest again:
no cursor is carried over, so it reads the feed from its beginning.

Nothing is deleted: the damaged file stays where ``Rebuilt.aside`` says. A change that the server had applied
but whose acknowledgement the damage ate is sent again under its own mutation id, and the server applies a
mutation id once.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Final, NamedTuple

from sambat_tui.domain.aside import aside_name
from sambat_tui.store import sync_state
from sambat_tui.store.db import Store, connect_reader, lock_writer, release_writer

KEPT_STATE: Final = (sync_state.SyncKey.SERVER_URL, sync_state.SyncKey.USER_ID, sync_state.SyncKey.ME)
"""Sync state carried over: who and where. The cursor and the last sync time are not: the new cache is
empty, and its first sync must read the feed from the beginning."""
PROBE_LIMIT: Final = 2_000_000
"""Most outbox ``seq`` numbers tried one by one when the outbox table cannot be read in one pass (its
``sqlite_sequence`` says how many were ever given out; a desk makes far fewer in a cache's life)."""
SIDE_FILES: Final = ("", "-wal", "-shm")


class Rebuilt(NamedTuple):
    problem: str | None
    """What the check found; None: the cache was sound, and nothing was done."""
    aside: Path | None
    """Where the old file is now (None when nothing was done)."""
    kept: int
    """Changes not yet sent, carried into the new cache."""
    unread: int
    """Outbox rows that could not be read, or that the new table refused: they stay in the file aside."""
    kept_state: tuple[str, ...]
    """The sync state keys carried over (the identity for offline use, the server)."""
    complete: bool = True
    """Whether the whole outbox could be read. When not, ``unread`` counts the rows known to be lost, and
    there may be more: the damage hid how many there were."""


class Salvage(NamedTuple):
    """What ``read_salvage`` found in a damaged cache."""

    rows: list[dict[str, Any]]
    unread: int
    complete: bool
    state: dict[str, str]
    sent: tuple[dict[str, Any], ...] = ()
    """Acknowledged changes kept for a server restore (``outbox_sent``), as far as one pass read them."""


def check(path: Path) -> str | None:
    """What is wrong with the cache at ``path`` (SQLite's ``quick_check``: every page and record read once),
    or None when it is sound. It reads the whole file: seconds for a large cache."""
    try:
        conn = connect_reader(path)
    except sqlite3.Error as error:
        return str(error)
    try:
        found = [str(row[0]) for row in conn.execute("PRAGMA quick_check(20)")]
    except sqlite3.Error as error:
        return str(error)
    finally:
        conn.close()
    return None if found == ["ok"] else "; ".join(found)


def rebuild(path: Path, *, force: bool = False, now: datetime | None = None) -> Rebuilt:
    """Check the cache at ``path``; when it is damaged (or ``force``), start a new one that holds its outbox
    and identity, and move the old one aside.

    Holds the writer lock throughout: ``StoreLocked`` while the app or a sync has the cache open. The new
    cache is written whole under a name of its own before anything is moved: when it cannot be (a full disk,
    ``StoreFull``), the old file is still where it was, and nothing was lost.
    """
    lock = lock_writer(path)
    try:
        problem = check(path) if path.exists() else "missing"
        if problem is None and not force:
            return Rebuilt(None, None, 0, 0, ())
        found = read_salvage(path)
        fresh = path.with_name(f"{path.name}.new")
        _remove(fresh)  # what an earlier attempt left, if it was cut short
        try:
            with Store.open(fresh) as store, store.transaction() as conn:
                kept = restore(conn, found.rows, found.state, found.sent)
        except BaseException:
            _remove(fresh)
            raise
        Path(f"{fresh}.lock").unlink(missing_ok=True)
        aside = _rename(path, aside_name(path, "damaged", now or datetime.now(UTC), SIDE_FILES))
        _rename(fresh, path)
    finally:
        release_writer(path, lock)
    unread = found.unread + len(found.rows) - kept
    return Rebuilt(problem or "rebuilt on request", aside, kept, unread, tuple(found.state), found.complete)


def _remove(path: Path) -> None:
    for side in (*SIDE_FILES, ".lock"):
        Path(f"{path}{side}").unlink(missing_ok=True)


def _rename(source: Path, target: Path) -> Path:
    """Rename the database ``source`` and its side files to ``target``; return ``target``."""
    for side in SIDE_FILES:
        if Path(f"{source}{side}").exists():
            Path(f"{source}{side}").replace(f"{target}{side}")
    return target


def read_salvage(path: Path) -> Salvage:
    """The outbox rows, how many could not be read, and the kept sync state, from the damaged cache."""
    if not path.exists():
        return Salvage([], 0, True, {})
    try:
        conn = connect_reader(path)
    except sqlite3.Error:
        return Salvage([], 0, False, {})
    try:
        rows, unread, complete = _outbox_rows(conn)
        return Salvage(rows, unread, complete, _kept_state(conn), _sent_rows(conn))
    finally:
        conn.close()


def _kept_state(conn: sqlite3.Connection) -> dict[str, str]:
    kept: dict[str, str] = {}
    for key in KEPT_STATE:
        try:
            value = sync_state.get(conn, key)
        except sqlite3.Error:
            continue
        if value is not None:
            kept[key] = value
    return kept


def _outbox_rows(conn: sqlite3.Connection) -> tuple[list[dict[str, Any]], int, bool]:
    """Every outbox row that can be read, in ``seq`` order; the count of those known to exist that could
    not; and whether the table was read whole (else more may have been lost than that count says).

    One pass first. When it breaks off, the places it did not reach are tried one ``seq`` at a time: the
    numbers the outbox's indexes still hold, and every number it ever gave out (``sqlite_sequence``). A
    damaged page then costs the rows on it, not the rows after it.
    """
    try:
        columns = [str(row[1]) for row in conn.execute("PRAGMA table_info(outbox)")]
    except sqlite3.Error:  # the schema itself is damaged
        return [], 0, False
    if "seq" not in columns:  # a cache older than any outbox, or a table that is no table of ours
        return [], 0, not columns
    found: dict[int, dict[str, Any]] = {}
    try:
        for values in conn.execute("SELECT * FROM outbox ORDER BY seq"):
            row = dict(zip(columns, values, strict=True))
            found[int(row["seq"])] = row
        return [found[seq] for seq in sorted(found)], 0, True
    except sqlite3.Error:
        pass
    unread = 0
    for seq in sorted(_seqs_known(conn) - found.keys()):
        try:
            values = conn.execute("SELECT * FROM outbox WHERE seq = ?", (seq,)).fetchone()
        except sqlite3.Error:
            unread += 1
            continue
        if values is not None:
            found[seq] = dict(zip(columns, values, strict=True))
    return [found[seq] for seq in sorted(found)], unread, False


def _seqs_known(conn: sqlite3.Connection) -> set[int]:
    known: set[int] = set()
    for index in ("outbox_state", "outbox_complaint"):
        known.update(_read_until_broken(conn, f"SELECT seq FROM outbox INDEXED BY {index}"))
    top = max(_read_until_broken(conn, "SELECT seq FROM sqlite_sequence WHERE name = 'outbox'"), default=0)
    known.update(range(1, min(top, PROBE_LIMIT) + 1))
    return known


def _read_until_broken(conn: sqlite3.Connection, sql: str) -> Iterator[int]:
    try:
        for (value,) in conn.execute(sql):
            if isinstance(value, int):
                yield value
    except sqlite3.Error:
        return


def _sent_rows(conn: sqlite3.Connection) -> tuple[dict[str, Any], ...]:
    """The acknowledged changes kept for a server restore, in one pass, up to where it breaks off: they
    matter only should the server be restored from a backup, so no row-by-row search for them."""
    found: list[dict[str, Any]] = []
    try:
        cursor = conn.execute("SELECT * FROM outbox_sent ORDER BY seq")
        names = [str(d[0]) for d in cursor.description]
        for values in cursor:
            found.append(dict(zip(names, values, strict=True)))
    except sqlite3.Error:  # a damaged page, or a cache from before the table
        pass
    return tuple(found)


def restore(
    conn: sqlite3.Connection,
    rows: list[dict[str, Any]],
    state: dict[str, str],
    sent: Sequence[dict[str, Any]] = (),
) -> int:
    """Write salvaged outbox rows (each column the new table has; ``seq`` kept, so the order is), sync
    state and acknowledged changes kept for a server restore into a new cache; return the outbox rows
    written. A row that fails the table's checks, or whose payload is not JSON, is left out (it is still in
    the file aside)."""
    outbox_columns = _columns(conn, "outbox")
    kept = sum(_insert(conn, "outbox", outbox_columns, row) for row in rows if _plausible(row))
    sent_columns = _columns(conn, "outbox_sent")
    for row in sent:
        if _plausible(row):
            _insert(conn, "outbox_sent", sent_columns, row)
    for key, value in state.items():
        sync_state.put(conn, key, value)
    return kept


def _columns(conn: sqlite3.Connection, table: str) -> set[str]:
    return {str(r[1]) for r in conn.execute(f"PRAGMA table_info({table})")}


def _insert(conn: sqlite3.Connection, table: str, columns: set[str], row: dict[str, Any]) -> bool:
    """Insert the columns of ``row`` that ``table`` has; False when the table refuses it."""
    names = [name for name in row if name in columns]
    try:  # a refused insert is undone alone: SQLite aborts the statement, not the transaction
        conn.execute(
            f"INSERT INTO {table} ({', '.join(names)}) VALUES ({', '.join('?' for _ in names)})",
            [row[name] for name in names],
        )
    except sqlite3.IntegrityError:
        return False
    return True


def _plausible(row: dict[str, Any]) -> bool:
    """A row a damaged page did not garble past use: a mutation id, and a payload that is a JSON object."""
    if not isinstance(row.get("mutation_id"), str) or not row["mutation_id"]:
        return False
    try:
        return isinstance(json.loads(row.get("payload") or ""), dict)
    except (TypeError, ValueError):
        return False
