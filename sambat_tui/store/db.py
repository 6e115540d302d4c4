"""Opening the cache file: permissions, pragmas, the one writer connection, read-only readers.

Rules (ARCHITECTURE.md, "SQLite, carefully"):

- The file is created ``0600`` *before* SQLite opens it, so its ``-wal`` and ``-shm`` (which SQLite creates
  with the database's mode) are private too. An existing file is chmod-ed back to ``0600``.
- WAL, ``synchronous=FULL`` (a power cut never loses an acknowledged commit), foreign keys on, a busy timeout.
- Exactly one writer connection per file: a ``Store`` owns it, and a lock file (``<name>.lock``, held with
  ``flock`` for the Store's life) refuses a second writer in this or any other process. SQLite 3.40, which
  Python links here, can corrupt a WAL file when two connections write or checkpoint at once.
- Readers open the file with ``mode=ro``: they can never write, and so never checkpoint either.
- A Store made with ``open_readers_only`` has readers and nothing else: no writer, no lock, no migrations. It
  is how a second, view-only window reads the cache while another process holds the writer (WAL lets its
  readers see each commit of that writer). Every attempt to write through it raises ``StoreReadOnly``.
  ``take_writer`` gives it the writer once that other process has let the lock go.

Usage::

    store = Store.open(path)                  # applies migrations
    viewer = Store.open_readers_only(path)    # beside another process's writer: reads only
    with store.transaction() as conn:          # BEGIN IMMEDIATE ... COMMIT (ROLLBACK on error)
        complaints.upsert_many(conn, items)
        sync_state.set_cursor(conn, cursor)
    with store.read() as conn:                 # one snapshot on this thread's read-only connection
        page = inbox.page(conn, query, ctx)
    store.close()

The writer connection may be used from several threads (the UI's services and the sync worker): every use
goes through ``transaction()``, which holds a lock for its duration. Repository functions take the
connection as their first argument and never commit; the caller's transaction decides.
"""

from __future__ import annotations

import contextlib
import errno
import os
import sqlite3
import stat
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Final

from sambat_tui.store.migrations import LATEST, migrate, schema_version

if TYPE_CHECKING:
    import sqlite_utils

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows: only the in-process guard below applies
    fcntl = None  # type: ignore[assignment]

FILE_MODE: Final = 0o600
WRITER_CACHE_KIB: Final = 65_536
READER_CACHE_KIB: Final = 256
"""Page caches (SQLite's default is 2 MiB): at a million complaints the inbox indexes alone are hundreds of
MiB, and every insert lands at random places in several of them: the writer keeps a large one. A reader's
pages come from the operating system's file cache at the same speed (keyset pages at 1M: p50 4 ms, p99 8 ms
with 2 MiB as with 16 MiB; the app's keys and searches at 1M as fast with 256 KiB as with 1 or 2 MiB), and a
larger reader cache only grew the app as the user paged on (16 MiB at 16 MiB; 0.8 MiB of a session of keys
and searches at 1 MiB, with its temp cache at 512 KiB)."""
READER_TEMP_CACHE_KIB: Final = 256
"""A reader's cache for its TEMP tables (the search's match sets and probe; SQLite's default is 2 MiB more):
they live in a temporary file the operating system caches, read once per page of results."""
SCAN_CACHE_KIB: Final = 512
"""Page cache of a ``scan()`` connection: a pass over most of the cache reads each page once, so a large cache
holds nothing worth keeping (at a million complaints the tab counts filled a 16 MiB cache with pages nothing
read again; that memory stayed with the app)."""
DIR_MODE: Final = 0o700
BUSY_TIMEOUT_MS: Final = 10_000


class StoreError(RuntimeError):
    """The cache cannot be opened or used as it is."""


class StoreLocked(StoreError):
    """Another ``Store`` (in this or another process) already holds the writer for this file."""


class StoreFull(StoreError):
    """The disk holding the cache took no write: the transaction was rolled back, nothing of it was written.

    Full (SQLITE_FULL, ENOSPC) or any I/O error SQLite met writing (SQLITE_IOERR_*): a disk quota or a file
    size limit reach SQLite as I/O errors (EDQUOT, EFBIG), as does a failing disk. Each is told and handled as
    a full disk: nothing was written, the user is told, the same act works once the disk takes writes again.
    """


class StoreDamaged(StoreError):
    """The cache could not be read: its file is damaged (SQLITE_CORRUPT, SQLITE_NOTADB) or the disk holding
    it failed a read (SQLITE_IOERR_*). The attempt wrote nothing.

    Not something to retry: ``salvage.rebuild`` (``sambat-tui repair``) moves the file aside, carries what
    only this machine holds (the changes not yet sent) into a new cache, and the next sync fills in the rest.
    """

    def __init__(self, path: Path, detail: str) -> None:
        super().__init__(f"the cache {path} cannot be read ({detail})")
        self.path = path
        self.detail = detail


_SQLITE_IOERR = 10
_SQLITE_CORRUPT = 11
_SQLITE_FULL = 13
_SQLITE_NOTADB = 26
_UNREADABLE = frozenset({_SQLITE_IOERR, _SQLITE_CORRUPT, _SQLITE_NOTADB})
_NO_ROOM = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EFBIG})


def _primary_code(error: BaseException) -> int | None:
    code = getattr(error, "sqlite_errorcode", None) if isinstance(error, sqlite3.Error) else None
    # An extended result code (SQLITE_IOERR_WRITE is 778) keeps its primary code in its low byte.
    return code & 0xFF if isinstance(code, int) else None


def _damaged(path: Path, error: BaseException) -> StoreDamaged | None:
    """``error`` as a ``StoreDamaged``, if it says the cache could not be read (see ``StoreDamaged``)."""
    return StoreDamaged(path, str(error)) if _primary_code(error) in _UNREADABLE else None


@contextlib.contextmanager
def reading(path: Path) -> Iterator[None]:
    """Raise an error that says the cache at ``path`` cannot be read as ``StoreDamaged``: callers then tell
    it apart from a bug without knowing SQLite's result codes."""
    try:
        yield
    except sqlite3.Error as error:
        damaged = _damaged(path, error)
        if damaged is None:
            raise
        raise damaged from error


def _full(path: Path, error: BaseException) -> StoreFull | None:
    """``error`` as a ``StoreFull``, if it says the cache's disk took no write (see ``StoreFull``)."""
    primary = _primary_code(error)
    if primary == _SQLITE_FULL or (isinstance(error, OSError) and error.errno in _NO_ROOM):
        return StoreFull(f"the disk holding {path} is full: nothing of this change was written ({error})")
    if primary == _SQLITE_IOERR:
        return StoreFull(
            f"the disk holding {path} took no write (full, over its quota, or failing): nothing of this"
            f" change was written ({error})"
        )
    return None


class StoreReadOnly(StoreError):
    """This Store has readers only (``Store.open_readers_only``): it has no writer to write with."""


_open_paths: set[Path] = set()
_open_paths_lock = threading.Lock()


def _create_private(path: Path) -> None:
    """Create ``path`` empty with mode 0600, or bring an existing file (and its -wal/-shm) back to 0600."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
    except FileExistsError:
        if not path.is_file():
            raise StoreError(f"{path} exists and is not a regular file") from None
        for candidate in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
            with contextlib.suppress(FileNotFoundError):
                if stat.S_IMODE(candidate.stat().st_mode) != FILE_MODE:
                    candidate.chmod(FILE_MODE)
        return
    try:
        # The umask may have taken bits away; 0600 exactly is what we want either way.
        os.fchmod(fd, FILE_MODE)
    finally:
        os.close(fd)
    # A -wal or -shm left beside a file that did not exist belongs to a deleted database: SQLite would
    # replay that WAL into the new, empty file.
    for leftover in (Path(f"{path}-wal"), Path(f"{path}-shm")):
        leftover.unlink(missing_ok=True)


def _lock_writer(path: Path) -> int:
    resolved = path.resolve()
    with _open_paths_lock:
        if resolved in _open_paths:
            raise StoreLocked(f"{path} is already open for writing in this process")
        _open_paths.add(resolved)
    lock_path = Path(f"{path}.lock")
    try:
        fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, FILE_MODE)
    except OSError:
        _release_path(resolved)
        raise
    if fcntl is not None:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(fd)
            _release_path(resolved)
            raise StoreLocked(f"{path} is open for writing in another process") from None
    return fd


def _release_path(resolved: Path) -> None:
    with _open_paths_lock:
        _open_paths.discard(resolved)


def lock_writer(path: Path) -> int:
    """Take the writer lock of the cache at ``path`` without opening it (``StoreLocked`` when another Store
    holds it), for work on the file itself such as replacing a damaged one; ``release_writer`` lets it go."""
    return _lock_writer(path)


def release_writer(path: Path, lock_fd: int) -> None:
    os.close(lock_fd)
    _release_path(path.resolve())


def connect_reader(path: Path) -> sqlite3.Connection:
    """A new read-only connection to the cache at ``path`` (the caller closes it).

    ``mode=ro`` keeps it from ever writing or checkpointing; ``isolation_level=None`` lets the caller group
    reads into one snapshot with ``BEGIN`` / ``COMMIT`` (``Store.read()`` does that).
    """
    uri = f"{path.resolve().as_uri()}?mode=ro"
    conn = sqlite3.connect(uri, uri=True, isolation_level=None, check_same_thread=False)
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    # TEMP tables (search.hits) go to a private temporary file the system caches, not into the process: a
    # common word's match set at a million complaints is ~600k rows (+15 to +40 MiB resident in memory, and
    # slower to fill there). mode=ro already keeps the database itself read-only.
    conn.execute("PRAGMA temp_store = FILE")
    conn.execute(f"PRAGMA cache_size = -{READER_CACHE_KIB}")
    conn.execute(f"PRAGMA temp.cache_size = -{READER_TEMP_CACHE_KIB}")
    return conn


def _open_writer(path: Path) -> tuple[sqlite3.Connection, int]:
    """Take the writer lock of ``path`` and open its writer connection, migrated: ``StoreLocked`` when
    another Store holds it."""
    lock_fd = _lock_writer(path)
    try:
        _create_private(path)
        conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    except BaseException:
        os.close(lock_fd)
        _release_path(path.resolve())
        raise
    try:
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
        if str(mode).lower() != "wal":
            raise StoreError(f"could not switch {path} to WAL (journal_mode is {mode})")
        conn.execute("PRAGMA synchronous = FULL")
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute("PRAGMA temp_store = MEMORY")
        conn.execute(f"PRAGMA cache_size = -{WRITER_CACHE_KIB}")
        if schema_version(conn) != LATEST:
            # Only then: ``migrate`` loads sqlite-utils (~0.15 s and several MiB at every app start).
            migrate(conn)
    except BaseException:
        conn.close()
        os.close(lock_fd)
        _release_path(path.resolve())
        raise
    return conn, lock_fd


class Store:
    """The cache file and the one writer connection to it. Make one with ``Store.open`` (or, to read beside
    another process's writer, with ``Store.open_readers_only``)."""

    def __init__(self, path: Path, conn: sqlite3.Connection | None, lock_fd: int | None) -> None:
        """``conn`` and ``lock_fd`` are the writer and its lock, both None for a Store of readers only."""
        if (conn is None) != (lock_fd is None):
            raise ValueError("a writer connection goes with its lock file, and only with it")
        self.path = path
        self._conn = conn
        self._lock_fd = lock_fd
        self._closed = False
        self._write_lock = threading.RLock()
        self._depth = 0
        self._owner: int | None = None
        self._local = threading.local()
        self._readers: list[sqlite3.Connection] = []
        self._readers_lock = threading.Lock()
        self._db: sqlite_utils.Database | None = None

    @classmethod
    def open(cls, path: Path | str) -> Store:
        """Open (creating it 0600 if needed) the cache at ``path``, take the writer lock, migrate.

        Raises ``StoreLocked`` when another Store holds the file, ``StoreDamaged`` when it cannot be read,
        ``StoreError`` when it cannot be used otherwise (e.g. written by a newer version of the app).
        """
        path = Path(path)
        if not path.parent.exists():
            path.parent.mkdir(parents=True, mode=DIR_MODE)
        with reading(path):
            conn, lock_fd = _open_writer(path)
        return cls(path, conn, lock_fd)

    @classmethod
    def open_readers_only(cls, path: Path | str) -> Store:
        """Open the existing cache at ``path`` for reading only, while another process may hold its writer.

        Takes no lock, opens no writer and runs no migration: the file must already be at the schema
        version this code knows (``LATEST``), else ``StoreError`` (a migration needs the writer). Every
        write through the result raises ``StoreReadOnly``.
        """
        path = Path(path)
        if not path.is_file():
            raise StoreError(f"{path} does not exist or is not a regular file: nothing to read")
        try:
            conn = connect_reader(path)
            try:
                found = schema_version(conn)
            finally:
                conn.close()
        except sqlite3.Error as error:
            raise _damaged(path, error) or StoreError(f"{path} cannot be read: {error}") from None
        if found != LATEST:
            raise StoreError(
                f"{path} has schema version {found}, this app reads version {LATEST}: "
                "it cannot be opened read-only beside the window that holds it"
            )
        return cls(path, None, None)

    @property
    def readers_only(self) -> bool:
        """Whether this Store has readers only (``open_readers_only``): writes raise ``StoreReadOnly``."""
        return self._conn is None

    def take_writer(self) -> bool:
        """Give a Store of readers only its writer, if no other process holds it any more: True when this
        Store has its writer now (also when it always had), False while another process still holds it.

        What a read-only window beside another does once that one has closed: from then on it syncs.
        """
        with self._write_lock:
            self._check_open()
            if self._conn is not None:
                return True
            try:
                with reading(self.path):
                    self._conn, self._lock_fd = _open_writer(self.path)
            except StoreLocked:
                return False
            return True

    # --- writing ----------------------------------------------------------------------------------

    @contextlib.contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """Run a block in one write transaction on the writer connection and yield that connection.

        ``BEGIN IMMEDIATE`` takes the write lock at once; the block commits when it ends and rolls back when
        it raises. Nested use on the same thread becomes a savepoint (rolled back alone on error). Other
        threads wait for the whole transaction to finish. A full disk raises ``StoreFull`` once the whole
        transaction has been rolled back: the caller still holds what it meant to write.
        """
        with self._write_lock:
            conn = self._writer()
            if self._depth:
                name = f"sp{self._depth}"
                conn.execute(f"SAVEPOINT {name}")
                self._depth += 1
                try:
                    yield conn
                except BaseException:
                    conn.execute(f"ROLLBACK TO {name}")
                    conn.execute(f"RELEASE {name}")
                    raise
                else:
                    conn.execute(f"RELEASE {name}")
                finally:
                    self._depth -= 1
                return
            conn.execute("BEGIN IMMEDIATE")
            self._depth, self._owner = 1, threading.get_ident()
            try:
                yield conn
                conn.execute("COMMIT")
            except BaseException as error:
                if conn.in_transaction:  # SQLite may have rolled back already (a full disk does)
                    conn.execute("ROLLBACK")
                told = _full(self.path, error) or _damaged(self.path, error)
                if told is not None:
                    raise told from error
                raise
            finally:
                self._depth, self._owner = 0, None

    @property
    def in_transaction(self) -> bool:
        """Whether the calling thread is inside ``transaction()``."""
        return self._depth > 0 and self._owner == threading.get_ident()

    @property
    def db(self) -> sqlite_utils.Database:
        """A ``sqlite_utils.Database`` over the writer connection, for introspection and migrations.

        Use it inside ``transaction()`` (it shares the writer connection and its lock discipline).
        """
        if self._db is None:
            import sqlite_utils

            self._db = sqlite_utils.Database(self._writer(), recursive_triggers=False, execute_plugins=False)
        return self._db

    def checkpoint(self) -> None:
        """Fold the WAL back into the database file (the writer does it; readers never do)."""
        with self._write_lock:
            self._writer().execute("PRAGMA wal_checkpoint(TRUNCATE)")

    # --- reading ----------------------------------------------------------------------------------

    @contextlib.contextmanager
    def read(self) -> Iterator[sqlite3.Connection]:
        """Yield this thread's read-only connection inside one read transaction (a consistent snapshot)."""
        conn = self._reader()
        if conn.in_transaction:  # nested read(): already inside this thread's snapshot
            yield conn
            return
        with reading(self.path):
            conn.execute("BEGIN")
            try:
                yield conn
            except BaseException:
                # The block's error is the one to tell; the snapshot ends either way, or the next read()
                # would take itself for a nested one and read this stale snapshot.
                with contextlib.suppress(sqlite3.Error):
                    conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")

    @contextlib.contextmanager
    def scan(self) -> Iterator[sqlite3.Connection]:
        """Yield a read-only connection of its own for one pass over much of the cache (the tab counts), in
        one read transaction. Its page cache is small and closes with it: the pass leaves nothing resident."""
        conn = self.connect_reader()
        try:
            with reading(self.path):
                conn.execute(f"PRAGMA cache_size = -{SCAN_CACHE_KIB}")
                conn.execute("BEGIN")
                yield conn
                conn.execute("COMMIT")
        finally:
            conn.close()

    def data_version(self) -> int:
        """A number that changes when another connection (another process's writer) has committed since this
        thread's reader last asked: cheap (no page is read), for noticing another window's sync."""
        with reading(self.path):
            return int(self._reader().execute("PRAGMA data_version").fetchone()[0])

    def connect_reader(self) -> sqlite3.Connection:
        """A new read-only connection that the caller owns and closes (e.g. for a child process's thread)."""
        self._check_open()
        return connect_reader(self.path)

    def _reader(self) -> sqlite3.Connection:
        self._check_open()  # this thread's reader, if any, closed with the store
        conn: sqlite3.Connection | None = getattr(self._local, "reader", None)
        if conn is None:
            conn = self.connect_reader()
            self._local.reader = conn
            with self._readers_lock:
                self._readers.append(conn)
        return conn

    def _check_open(self) -> None:
        if self._closed:
            raise StoreError(f"the store at {self.path} is closed")

    def _writer(self) -> sqlite3.Connection:
        self._check_open()
        if self._conn is None:
            raise StoreReadOnly(f"the store at {self.path} is open for reading only: it cannot write")
        return self._conn

    # --- closing ----------------------------------------------------------------------------------

    def close(self) -> None:
        """Close the readers this Store opened, then the writer if it has one (which checkpoints), then drop
        the lock."""
        with self._write_lock:
            if self._closed:
                return
            self._closed = True
            with self._readers_lock:
                for reader in self._readers:
                    reader.close()
                self._readers.clear()
            if self._conn is not None and self._lock_fd is not None:
                self._conn.close()
                os.close(self._lock_fd)
                self._lock_fd = None
                _release_path(self.path.resolve())

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
