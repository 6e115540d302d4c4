"""``Store.open_readers_only``: a cache read beside another process's writer, with no writer and no lock."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

import pytest

from sambat_tui.store import complaints
from sambat_tui.store.db import Store, StoreError, StoreLocked, StoreReadOnly
from sambat_tui.store.migrations import LATEST
from tests.store.factory import make_complaint
from tests.support.other_writer import OtherWriter


def _refs(store: Store) -> list[str]:
    with store.read() as conn:
        return [r[0] for r in conn.execute("SELECT public_ref FROM complaints ORDER BY public_ref")]


@pytest.fixture
def cache(tmp_path: Path) -> Path:
    path = tmp_path / "cache.sqlite3"
    with Store.open(path) as store, store.transaction() as conn:
        complaints.upsert_many(conn, [make_complaint(1)])
    return path


def test_it_opens_while_another_process_writes_and_sees_each_commit(cache: Path) -> None:
    with OtherWriter(cache) as other:
        with pytest.raises(StoreLocked):
            Store.open(cache)  # the other process holds the writer
        with Store.open_readers_only(cache) as viewer:
            assert viewer.readers_only
            assert _refs(viewer) == ["MLG-2026-000001"]
            other.add([make_complaint(2), make_complaint(3)])
            assert _refs(viewer) == ["MLG-2026-000001", "MLG-2026-000002", "MLG-2026-000003"]
            with viewer.scan() as conn:
                assert conn.execute("SELECT count(*) FROM complaints").fetchone()[0] == 3


def test_every_write_through_it_raises_store_read_only(cache: Path) -> None:
    with Store.open_readers_only(cache) as viewer:
        with pytest.raises(StoreReadOnly, match="reading only"), viewer.transaction() as conn:
            complaints.upsert_many(conn, [make_complaint(2)])
        with pytest.raises(StoreReadOnly):
            viewer.checkpoint()
        with pytest.raises(StoreReadOnly):
            _ = viewer.db
        assert not viewer.in_transaction
        assert _refs(viewer) == ["MLG-2026-000001"]  # nothing was written, and it still reads
    assert issubclass(StoreReadOnly, StoreError)


def test_it_takes_no_lock_the_writer_needs(cache: Path) -> None:
    with Store.open_readers_only(cache) as viewer, Store.open(cache) as writer:
        with writer.transaction() as conn:
            complaints.upsert_many(conn, [make_complaint(2)])
        assert _refs(viewer) == ["MLG-2026-000001", "MLG-2026-000002"]


@pytest.mark.parametrize("version", [0, LATEST - 1, LATEST + 1])
def test_a_schema_version_other_than_this_codes_is_refused_naming_the_file(cache: Path, version: int) -> None:
    conn = sqlite3.connect(cache)
    conn.execute(f"PRAGMA user_version = {version}")
    conn.close()
    refusal = rf"{re.escape(str(cache))} has schema version {version}, this app reads version {LATEST}"
    with pytest.raises(StoreError, match=refusal):
        Store.open_readers_only(cache)
    conn = sqlite3.connect(cache)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == version  # no migration ran
    conn.close()


def test_a_missing_file_is_refused_and_not_created(tmp_path: Path) -> None:
    path = tmp_path / "cache.sqlite3"
    with pytest.raises(StoreError, match=r"cache\.sqlite3 does not exist"):
        Store.open_readers_only(path)
    assert not path.exists()


def test_a_closed_readers_only_store_refuses_work(cache: Path) -> None:
    viewer = Store.open_readers_only(cache)
    assert _refs(viewer) == ["MLG-2026-000001"]
    viewer.close()
    viewer.close()  # twice is harmless
    with pytest.raises(StoreError, match="closed"), viewer.read():
        pass
    with pytest.raises(StoreError, match="closed"), viewer.transaction():
        pass


@pytest.mark.parametrize("ending", ["closes", "is killed"])
def test_it_takes_the_writer_once_the_other_process_lets_it_go(cache: Path, ending: str) -> None:
    with Store.open_readers_only(cache) as viewer:
        with OtherWriter(cache) as other:
            assert viewer.take_writer() is False and viewer.readers_only
            with pytest.raises(StoreReadOnly):
                viewer.checkpoint()
            if ending == "is killed":
                other.kill()
        assert viewer.take_writer() is True and not viewer.readers_only
        with viewer.transaction() as conn:
            complaints.upsert_many(conn, [make_complaint(2)])
        assert _refs(viewer) == ["MLG-2026-000001", "MLG-2026-000002"]
        with pytest.raises(StoreLocked):
            Store.open(cache)  # the writer is this Store's now
        assert viewer.take_writer() is True  # asking again changes nothing
    with Store.open(cache) as after:  # closing it let the lock go
        assert _refs(after) == ["MLG-2026-000001", "MLG-2026-000002"]


def test_a_closed_store_takes_no_writer(cache: Path) -> None:
    viewer = Store.open_readers_only(cache)
    viewer.close()
    with pytest.raises(StoreError, match="closed"):
        viewer.take_writer()
