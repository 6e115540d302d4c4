"""``sambat-central backup``: one consistent copy of the city's database, safe beside the running server.

The database is the only record of every complaint and every act on it; the clients' caches are copies of
it. SQLite's online backup copies it inside one read transaction: a consistent snapshot, and in WAL mode a
reader holds up no writer, so the server keeps taking complaints meanwhile. No migration runs (a backup made
before an upgrade must be of the old schema). The copy is written under a temporary name, checked page by
page (``quick_check``), flushed to the disk, and only then given its name: a backup cut short by a full disk
or a kill leaves no file that looks like a backup. The copy is another database from the start: it gets an
epoch of its own and says whose copy it is and from when (``central.lineage``), so that once restored no
desk's cursor of the live server is taken for one of its own.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from datetime import UTC, datetime
from pathlib import Path
from typing import NamedTuple

from sambat_tui.central.lineage import fork, lineage_of
from sambat_tui.central.storage import DB_FILENAME, StorageError, readable


class Backup(NamedTuple):
    path: Path
    bytes: int
    schema_version: int


def backup_name(now: datetime) -> str:
    """The file name a backup into a directory gets: sorts by time, says what it is."""
    return f"central-{now.astimezone(UTC):%Y%m%dT%H%M%SZ}.sqlite3"


def back_up(data_dir: Path, destination: Path, *, now: datetime | None = None) -> Backup:
    """Copy the database in ``data_dir`` to ``destination`` (a new file, or a directory to put one in, named
    by ``backup_name``). ``StorageError`` when there is no database, the destination exists, or the
    database cannot be read; ``OSError`` when the destination cannot be written (nothing is left there)."""
    source = data_dir / DB_FILENAME
    if not source.is_file():
        raise StorageError(f"no database in {data_dir} (no {DB_FILENAME}): nothing to back up")
    moment = now or datetime.now(UTC)
    target = destination / backup_name(moment) if destination.is_dir() else destination
    if target.exists():
        raise StorageError(f"{target} exists: a backup never replaces a file; name another")
    partial = target.with_name(f"{target.name}.part")
    with contextlib.suppress(FileNotFoundError):
        partial.unlink()  # what an earlier run cut short left
    try:
        version = _copy(source, partial, moment)
        flush(partial)
        partial.replace(target)
        flush(target.parent)
    except BaseException:
        for leftover in (partial, Path(f"{partial}-journal")):
            with contextlib.suppress(FileNotFoundError):
                leftover.unlink()
        raise
    return Backup(target, target.stat().st_size, version)


def copy_into(src: sqlite3.Connection, partial: Path) -> sqlite3.Connection:
    """The database on ``src`` copied whole into the new file ``partial`` (created 0600: it holds reporters'
    names and contacts), as one file with no ``-wal``; the copy's connection, for the caller to check, fork
    and close. ``backup`` and ``restore`` both copy this way."""
    os.close(os.open(partial, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
    dst = sqlite3.connect(partial)
    try:
        src.backup(dst)  # all pages in one step: one snapshot (stepping restarts when the server writes)
        # The copy inherits WAL mode; as a file to keep and move, one file without a -wal is better.
        dst.execute("PRAGMA journal_mode = DELETE")
    except BaseException:
        dst.close()
        raise
    return dst


def _copy(source: Path, partial: Path, moment: datetime) -> int:
    """The backup itself, into ``partial``; its schema version. ``moment``, taken before the copy, is its
    ``snapshot_at``: all recorded by then is in."""
    with (
        readable(source),
        contextlib.closing(_reader(source)) as src,
        contextlib.closing(copy_into(src, partial)) as dst,
    ):
        copied = lineage_of(dst, source)
        fork(dst, forked_from=copied.epoch, snapshot_at=moment)
        found = quick_check(dst)
        if found is not None:
            raise StorageError(f"the copy failed its check ({found}): it was not kept")
    return copied.schema_version


def _reader(source: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(f"{source.resolve().as_uri()}?mode=ro", uri=True, timeout=30.0)
    conn.execute("PRAGMA busy_timeout = 30000")
    return conn


def quick_check(conn: sqlite3.Connection) -> str | None:
    """SQLite's page by page check of the database on ``conn``: None when sound, else its first findings on
    one line (SQLite's rows run over several lines)."""
    rows = [str(row[0]) for row in conn.execute("PRAGMA quick_check(5)")]
    if rows == ["ok"]:
        return None
    lines = [line for row in rows for line in row.splitlines() if line and not line.startswith("***")]
    return "; ".join(lines)


def flush(path: Path) -> None:
    """fsync a file, or a directory (so that a rename in it lasts a power cut)."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
