"""Opening the cache: private files, pragmas, one writer, read-only readers, migrations, transactions."""

from __future__ import annotations

import errno
import os
import sqlite3
import stat
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from sambat_tui.store import db as db_module
from sambat_tui.store import sync_state
from sambat_tui.store.db import Store, StoreError, StoreFull, StoreLocked
from sambat_tui.store.migrations import LATEST, SchemaTooNew, migrate, schema_version
from tests.store.factory import make_complaint
from tests.support.full_disk import full_disk


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@contextmanager
def umask(value: int) -> Iterator[None]:
    old = os.umask(value)
    try:
        yield
    finally:
        os.umask(old)


@pytest.mark.parametrize("mask", [0o000, 0o022, 0o077])
def test_new_cache_and_its_wal_and_shm_are_0600_whatever_the_umask(tmp_path: Path, mask: int) -> None:
    path = tmp_path / "cache.sqlite3"
    with umask(mask), Store.open(path) as store:
        with store.transaction() as conn:
            sync_state.set_cursor(conn, "c1")
        with store.read() as conn:
            assert sync_state.cursor(conn) == "c1"
        wal, shm = Path(f"{path}-wal"), Path(f"{path}-shm")
        assert wal.exists() and shm.exists()
        assert {p.name: mode(p) for p in (path, wal, shm, Path(f"{path}.lock"))} == {
            path.name: 0o600,
            wal.name: 0o600,
            shm.name: 0o600,
            f"{path.name}.lock": 0o600,
        }


def test_an_existing_world_readable_cache_is_made_private(tmp_path: Path) -> None:
    path = tmp_path / "cache.sqlite3"
    Store.open(path).close()
    path.chmod(0o644)
    with Store.open(path):
        assert mode(path) == 0o600


def test_a_missing_data_directory_is_created_private(tmp_path: Path) -> None:
    path = tmp_path / "new" / "cache.sqlite3"
    with Store.open(path):
        assert mode(path.parent) & 0o077 == 0


def test_leftover_wal_beside_a_new_file_is_not_replayed(tmp_path: Path) -> None:
    path = tmp_path / "cache.sqlite3"
    with Store.open(path) as store, store.transaction() as conn:
        sync_state.set_cursor(conn, "old")
    path.unlink()
    Path(f"{path}-wal").write_bytes(b"not a wal of this file")
    with Store.open(path) as store, store.read() as conn:
        assert sync_state.cursor(conn) is None


def test_pragmas(store: Store) -> None:
    with store.transaction() as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert conn.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
        assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        assert conn.execute("PRAGMA busy_timeout").fetchone()[0] > 0


def test_a_second_writer_in_the_same_process_is_refused(store: Store) -> None:
    with pytest.raises(StoreLocked):
        Store.open(store.path)


def test_a_second_writer_in_another_process_is_refused(store: Store) -> None:
    code = (
        "import sys\n"
        "from sambat_tui.store.db import Store, StoreLocked\n"
        "try:\n"
        f"    Store.open({str(store.path)!r})\n"
        "except StoreLocked:\n"
        "    sys.exit(7)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], check=False, timeout=60)
    assert result.returncode == 7


def test_the_writer_is_free_again_after_close(tmp_path: Path) -> None:
    path = tmp_path / "cache.sqlite3"
    Store.open(path).close()
    Store.open(path).close()


def test_readers_cannot_write(store: Store) -> None:
    with store.read() as conn, pytest.raises(sqlite3.OperationalError):
        conn.execute("INSERT INTO sync_state(key, value) VALUES ('a', 'b')")
    reader = store.connect_reader()
    try:
        with pytest.raises(sqlite3.OperationalError):
            reader.execute("DELETE FROM sync_state")
    finally:
        reader.close()


def test_a_read_is_one_snapshot(store: Store) -> None:
    with store.transaction() as conn:
        sync_state.set_cursor(conn, "before")
    seen: list[str | None] = []
    with store.read() as reader:
        seen.append(sync_state.cursor(reader))

        def write() -> None:
            with store.transaction() as conn:
                sync_state.set_cursor(conn, "after")

        worker = threading.Thread(target=write)
        worker.start()
        worker.join()
        seen.append(sync_state.cursor(reader))
    with store.read() as reader:
        seen.append(sync_state.cursor(reader))
    assert seen == ["before", "before", "after"]


def test_readers_on_other_threads_have_their_own_connection(store: Store) -> None:
    with store.transaction() as conn:
        sync_state.set_cursor(conn, "x")
    found: list[str | None] = []

    def read() -> None:
        with store.read() as conn:
            found.append(sync_state.cursor(conn))

    threads = [threading.Thread(target=read) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert found == ["x", "x", "x"]


def test_transaction_rolls_back_on_error_and_nested_blocks_are_savepoints(store: Store) -> None:
    with pytest.raises(RuntimeError), store.transaction() as conn:
        sync_state.set_cursor(conn, "lost")
        raise RuntimeError("boom")
    with store.transaction() as conn:
        sync_state.set_cursor(conn, "outer")
        with pytest.raises(RuntimeError), store.transaction() as inner:
            sync_state.set_user_id(inner, "inner")
            raise RuntimeError("inner only")
        assert store.in_transaction
    with store.read() as conn:
        assert sync_state.cursor(conn) == "outer"
        assert sync_state.user_id(conn) is None
    assert not store.in_transaction


def test_migrations_run_once_and_reopening_changes_nothing(tmp_path: Path) -> None:
    path = tmp_path / "cache.sqlite3"
    with Store.open(path) as store, store.transaction() as conn:
        schema = conn.execute("SELECT type, name, sql FROM sqlite_master ORDER BY name").fetchall()
        assert schema_version(conn) == LATEST
        sync_state.set_cursor(conn, "kept")
    with Store.open(path) as store:
        with store.transaction() as conn:
            assert (
                conn.execute("SELECT type, name, sql FROM sqlite_master ORDER BY name").fetchall() == schema
            )
            assert schema_version(conn) == LATEST
        assert migrate(store._conn) == []
        with store.read() as conn:
            assert sync_state.cursor(conn) == "kept"
    assert {
        "complaints",
        "timeline",
        "outbox",
        "sync_state",
        "quarantine",
        "agencies",
        "desks",
        "users",
        "categories",
        "complaints_fts",
    } <= {name for _, name, _ in schema}


def test_a_fresh_file_gets_every_migration(tmp_path: Path) -> None:
    conn = sqlite3.connect(tmp_path / "plain.sqlite3", isolation_level=None)
    try:
        assert migrate(conn) == list(range(1, LATEST + 1))
        assert migrate(conn) == []
    finally:
        conn.close()


def test_migrating_a_version_1_cache_keeps_its_rows_and_fills_the_tiebreak(tmp_path: Path) -> None:
    import sqlite_utils

    from sambat_tui.store.migrations import MIGRATIONS

    path = tmp_path / "v1.sqlite3"
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("BEGIN")
    MIGRATIONS[0].apply(sqlite_utils.Database(conn, execute_plugins=False))
    conn.execute("PRAGMA user_version = 1")
    conn.execute(
        "INSERT INTO complaints(rid, id, public_ref, title, status, visibility, priority, priority_order, "
        "channel, "
        "classification, due_at, created_at, updated_at, version, data) "
        "VALUES (41, 'c1', 'MLG-1', 't', 'assigned', 'public', 'normal', 2, 'web', "
        "'pengaduan', 5, 1, 1, 1, '{}')"
    )
    conn.execute("COMMIT")
    conn.close()
    with Store.open(path) as store, store.read() as reader:
        assert reader.execute("SELECT rid, tiebreak FROM complaints").fetchall() == [(41, 41)]
        assert schema_version(reader) == LATEST


def test_a_cache_from_a_newer_app_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "cache.sqlite3"
    Store.open(path).close()
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {LATEST + 1}")
    conn.close()
    with pytest.raises(SchemaTooNew):
        Store.open(path)
    # The failed open released the writer lock.
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {LATEST}")
    conn.close()
    Store.open(path).close()


def test_closed_store_refuses_work(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "cache.sqlite3")
    store.close()
    store.close()  # twice is harmless
    with pytest.raises(RuntimeError), store.transaction():
        pass


def test_sqlite_utils_view_of_the_schema(store: Store) -> None:
    with store.transaction():
        columns = store.db["complaints"].columns_dict
    assert {"id", "status", "due_at", "data", "version", "pending"} <= set(columns)


def test_in_transaction_is_per_thread(store: Store) -> None:
    seen: list[bool] = []
    with store.transaction():
        assert store.in_transaction
        worker = threading.Thread(target=lambda: seen.append(store.in_transaction))
        worker.start()
        worker.join()
    assert seen == [False]


def _sqlite_error(code: int, message: str) -> sqlite3.OperationalError:
    error = sqlite3.OperationalError(message)
    error.sqlite_errorcode = code  # what the sqlite3 module sets from SQLite's extended result code
    return error


@pytest.mark.parametrize(
    ("error", "words"),
    [
        (_sqlite_error(13, "database or disk is full"), "is full"),
        (_sqlite_error(778, "disk I/O error"), "took no write"),  # SQLITE_IOERR_WRITE: EDQUOT, EFBIG, EIO
        (_sqlite_error(1034, "disk I/O error"), "took no write"),  # SQLITE_IOERR_FSYNC
        (_sqlite_error(4874, "disk I/O error"), "took no write"),  # SQLITE_IOERR_SHMSIZE
        (OSError(errno.ENOSPC, "No space left on device"), "is full"),
        (OSError(errno.EDQUOT, "Disk quota exceeded"), "is full"),
        (OSError(errno.EFBIG, "File too large"), "is full"),
    ],
)
def test_every_write_the_disk_refuses_is_told_as_store_full(error: BaseException, words: str) -> None:
    told = db_module._full(Path("/data/cache.sqlite3"), error)
    assert (
        isinstance(told, StoreFull)
        and words in str(told)
        and "nothing of this change was written" in str(told)
    )


@pytest.mark.parametrize(
    "error",
    [
        _sqlite_error(19, "UNIQUE constraint failed"),  # a bug, not the disk: it must not be told as one
        _sqlite_error(5, "database is locked"),
        OSError(errno.EACCES, "Permission denied"),
        ValueError("x"),
    ],
)
def test_an_error_that_is_not_the_disk_s_stays_what_it_is(error: BaseException) -> None:
    assert db_module._full(Path("/data/cache.sqlite3"), error) is None


def test_a_full_disk_raises_store_full_writes_nothing_and_the_store_goes_on(store: Store) -> None:
    from sambat_tui.store import complaints

    with store.transaction() as conn:
        complaints.upsert_many(conn, [make_complaint(1)])
    big = [make_complaint(n, description="Saluran mampet. " * 2000) for n in range(2, 6)]  # ~32 KB each
    with full_disk(store):
        with (
            pytest.raises(StoreFull, match="full: nothing of this change was written") as raised,
            store.transaction() as conn,
        ):
            sync_state.set_cursor(conn, "c2")
            complaints.upsert_many(conn, big)
        assert isinstance(raised.value, StoreError) and not store.in_transaction
        with store.read() as conn:
            assert conn.execute("SELECT count(*) FROM complaints").fetchone()[0] == 1
            assert sync_state.cursor(conn) is None  # the whole transaction, not only the rows that failed
    with store.transaction() as conn:  # once there is room, the same write goes through
        sync_state.set_cursor(conn, "c2")
        complaints.upsert_many(conn, big)
    with store.read() as conn:
        assert conn.execute("SELECT count(*) FROM complaints").fetchone()[0] == 5
