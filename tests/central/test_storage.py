"""The SQLite storage: durability settings, migrations, one serialised writer, snapshots, bulk loading."""

from __future__ import annotations

import sqlite3
import stat
import threading
import uuid
from pathlib import Path

import pytest

from sambat_tui.central.intake import intake
from sambat_tui.central.migrations import MIGRATIONS, SECONDARY_INDEXES
from sambat_tui.central.scope import Scope
from sambat_tui.central.storage import DB_FILENAME, Storage, StorageError
from sambat_tui.contract import Agency, IntakeRequest
from sambat_tui.domain.model import Channel, Priority
from tests.central.support import START, Api


@pytest.fixture
def disk_storage(tmp_path: Path) -> Storage:
    storage = Storage.open(tmp_path / "db")
    storage.migrate()
    return storage


def test_wal_with_full_synchronous_on_a_private_file(disk_storage: Storage) -> None:
    try:
        with disk_storage.write(START) as tx:
            assert tx._conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
            assert tx._conn.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
        mode = stat.S_IMODE(disk_storage.path.stat().st_mode)
        assert mode == 0o600
        assert stat.S_IMODE(disk_storage.path.parent.stat().st_mode) == 0o700
    finally:
        disk_storage.close()


def test_migrations_apply_in_order_once(tmp_path: Path) -> None:
    storage = Storage.open(tmp_path)
    try:
        assert storage.schema_version() == 0
        assert storage.migrate() == sorted(m.version for m in MIGRATIONS)
        assert storage.migrate() == []
        assert storage.schema_version() == max(m.version for m in MIGRATIONS)
    finally:
        storage.close()
    again = Storage.open(tmp_path)  # a restart
    try:
        assert again.migrate() == []
    finally:
        again.close()


def test_a_database_from_a_newer_program_is_refused(tmp_path: Path) -> None:
    storage = Storage.open(tmp_path)
    storage.migrate()
    storage.close()
    with sqlite3.connect(tmp_path / DB_FILENAME) as conn:
        conn.execute(
            "INSERT INTO schema_version VALUES (999, 'from the future', '2030-01-01T00:00:00.000000Z')"
        )
    newer = Storage.open(tmp_path)
    try:
        with pytest.raises(StorageError, match="newer"):
            newer.migrate()
    finally:
        newer.close()


def test_readers_cannot_write(api: Api) -> None:
    with api.context.storage.read() as tx, pytest.raises(sqlite3.OperationalError, match="readonly"):
        tx._conn.execute("DELETE FROM users")


def test_a_failed_write_leaves_no_trace_in_tables_or_log(api: Api) -> None:
    storage = api.context.storage
    with storage.read() as tx:
        before = tx.feed_state().watermark
    with pytest.raises(RuntimeError), storage.write(START) as tx:
        tx.put_agency(Agency(id="ghost", name="Ghost", short_name="G", kind="opd"))
        raise RuntimeError("crash after the first statement")
    with storage.read() as tx:
        assert tx.agency("ghost") is None and tx.feed_state().watermark == before


def test_a_read_is_one_snapshot(api: Api) -> None:
    storage = api.context.storage
    with storage.read() as tx:
        watermark = tx.feed_state().watermark
        api.new_complaint()  # commits on the writer while the read is open
        assert tx.feed_state().watermark == watermark
        assert tx.complaints(Scope(everything=True), limit=10) == []
    with storage.read() as tx:
        assert tx.feed_state().watermark > watermark


def test_concurrent_writers_are_serialised(api: Api) -> None:
    with api.context.storage.read() as tx:
        coordinator = tx.user("coordinator")
    assert coordinator is not None
    request = IntakeRequest(
        channel=Channel.WEB, title="Jalan rusak", description="Lubang", category_code="PJU"
    )
    errors: list[BaseException] = []

    def intake_many() -> None:
        try:
            for _ in range(8):
                assert intake(api.context, coordinator, uuid.uuid4(), request).status == 201
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=intake_many) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with api.context.storage.read() as tx:
        state = tx.feed_state()
        seqs = [r["seq"] for r in tx._all("SELECT seq FROM change_log ORDER BY seq")]
        numbers = sorted(int(r["public_ref"][-6:]) for r in tx._all("SELECT public_ref FROM complaints"))
    assert numbers == list(range(1, 33))  # no number taken twice, none skipped
    assert seqs == list(range(seqs[0], seqs[0] + len(seqs))) and state.watermark == seqs[-1]


def test_bulk_load_drops_and_rebuilds_the_secondary_indexes(api: Api) -> None:
    storage = api.context.storage

    def indexes() -> set[str]:
        with storage.read() as tx:
            rows = tx._all("SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL")
        return {r["name"] for r in rows}

    expected = {index.name for index in SECONDARY_INDEXES}
    assert indexes() == expected
    with storage.bulk_load():
        assert indexes() == set()
        api.new_complaint()
    assert indexes() == expected
    assert api.get("/v1/complaints", "coordinator").json()["complaints"]


def test_save_complaint_refuses_a_lost_update(api: Api) -> None:
    from sambat_tui.central.workflow import advance

    complaint = api.new_complaint()
    storage = api.context.storage
    with storage.read() as tx:
        stale = tx.complaint(complaint["id"])
    assert stale is not None
    api.act(complaint, "start", "operator.dpuprpkp")
    with pytest.raises(StorageError, match="changed"), storage.write(START) as tx:
        tx.save_complaint(advance(stale, START, priority=Priority.URGENT), stale)
    assert api.complaint(complaint["id"])["priority"] == "normal"
