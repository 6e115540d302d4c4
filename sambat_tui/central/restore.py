"""``sambat-central restore BACKUP``: the one supported way to put a backup back in place of the database.

Refused in one line, with nothing changed, when the backup is missing, is no sambat-central database, is of a
newer schema than this program, or fails its check (``quick_check``), and while a server runs on the data
directory (``central.datalock``). Nothing is deleted: the database in place is moved aside with its ``-wal``
and ``-shm`` (a ``-wal`` must never meet another file: SQLite would replay it into it) as
``central.sqlite3.replaced-<UTC time>``. The backup is copied in under a temporary name (0600), checked,
given a fresh epoch (``central.lineage``: restored twice from one file, the two are still two databases, and
no desk resumes a cursor of the replaced one on it), flushed, and only then named. The backup file itself is
only read, and no migration runs: ``serve`` migrates as it starts, as always.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from datetime import UTC, datetime
from pathlib import Path
from typing import NamedTuple

from sambat_tui.central.backup import copy_into, flush, quick_check
from sambat_tui.central.datalock import owning
from sambat_tui.central.lineage import Lineage, fork, lineage_of
from sambat_tui.central.migrations import MIGRATIONS
from sambat_tui.central.storage import DB_FILENAME, StorageError
from sambat_tui.domain.aside import aside_name

SIDE_FILES = ("", "-wal", "-shm", "-journal")
"""A database is its file and these beside it; they move together or not at all."""


class Restored(NamedTuple):
    database: Path
    lineage: Lineage
    """The backup's: its schema version and the time its content dates from."""
    aside: tuple[Path, ...]
    """Where the files of the replaced database went; empty when there was none."""


def restore(data_dir: Path, backup: Path, *, now: datetime | None = None) -> Restored:
    """Put ``backup`` in place as the database of ``data_dir`` (created if missing: a new machine).
    ``StorageError`` when refused or when the copy fails (``OSError`` when the disk fails it); either way
    the database in place is left as it was."""
    found = _inspect(backup)  # before owning the directory: a bad backup does not even create it
    with owning(data_dir, "restore"):
        current = data_dir / DB_FILENAME
        if current.exists() and current.samefile(backup):
            raise _refused(backup, "is the database in place, not a backup")
        partial = current.with_name(f"{DB_FILENAME}.restoring")
        _remove(partial)  # what an earlier run cut short left
        try:
            _copy(backup, partial, found)
            flush(partial)
        except BaseException:
            _remove(partial)
            raise
        # The database in place keeps its name until the copy takes it in one rename: a crash in between
        # leaves the old database or the new one there, never none (a serve would start an empty one).
        aside = _move_aside(current, now or datetime.now(UTC))
        partial.replace(current)
        flush(data_dir)
    return Restored(current, found, aside)


def _refused(backup: Path, why: str) -> StorageError:
    return StorageError(f"{backup} {why}: nothing was restored")


def _inspect(backup: Path) -> Lineage:
    """The backup's lineage, read without writing a byte beside it; refused when it cannot be served."""
    if not backup.is_file():
        raise _refused(backup, "is not a file")
    try:
        with contextlib.closing(_reader(backup)) as conn:
            found = lineage_of(conn, backup)
    except sqlite3.Error as error:
        raise _refused(backup, f"cannot be read as a database ({error})") from None
    except StorageError as error:
        raise StorageError(f"{error}: nothing was restored") from None
    latest = max(m.version for m in MIGRATIONS)
    if found.schema_version > latest:
        raise _refused(
            backup, f"has schema version {found.schema_version}, newer than this program ({latest})"
        )
    return found


def _reader(backup: Path) -> sqlite3.Connection:
    # A read-only open of a file in WAL mode (a plain copy of a stopped server's file) creates a -wal and a
    # -shm beside it; ``immutable`` does not, and without a journal beside the file there is nothing it
    # would miss. With one (a copy of a crashed server's files), SQLite must read it: plain read-only.
    journal = any(Path(f"{backup}{side}").exists() for side in ("-wal", "-journal"))
    mode = "mode=ro" if journal else "immutable=1"
    return sqlite3.connect(f"{backup.resolve().as_uri()}?{mode}", uri=True, timeout=30.0)


def _copy(backup: Path, partial: Path, found: Lineage) -> None:
    """The backup copied into ``partial``, checked page by page, and forked: a fresh epoch, ``forked_from``
    the backup's, its ``snapshot_at`` kept."""
    try:
        with contextlib.closing(_reader(backup)) as src, contextlib.closing(copy_into(src, partial)) as dst:
            problems = quick_check(dst)
            if problems is not None:
                raise _refused(backup, f"failed its check ({problems})")
            fork(dst, forked_from=found.epoch, snapshot_at=None)
    except sqlite3.Error as error:
        raise _refused(backup, f"could not be copied in ({error})") from None


def _move_aside(current: Path, now: datetime) -> tuple[Path, ...]:
    """Rename the database at ``current`` and its side files to ``<name>.replaced-<UTC time>``, numbered
    when that name is taken; the new names."""
    present = [side for side in SIDE_FILES if Path(f"{current}{side}").exists()]
    if not present:
        return ()
    target = aside_name(current, "replaced", now, SIDE_FILES)
    for side in present:
        if side == "":
            _link_or_move(current, target)  # the copy's rename replaces the name in place
        else:
            Path(f"{current}{side}").replace(f"{target}{side}")
    return tuple(Path(f"{target}{side}") for side in present)


def _link_or_move(current: Path, target: Path) -> None:
    try:
        os.link(current, target)
    except OSError:  # a file system without hard links: a moment without a database, as a plain move has
        current.replace(target)


def _remove(path: Path) -> None:
    for side in SIDE_FILES:
        Path(f"{path}{side}").unlink(missing_ok=True)
