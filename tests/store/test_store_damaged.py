"""A cache that cannot be read (damaged pages, a file that is no database) raises ``StoreDamaged`` wherever it
is read, and a read that failed leaves the connection usable for the pages that are sound."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from sambat_tui.store import complaints, outbox, sync_state
from sambat_tui.store.db import Store, StoreDamaged
from tests.store.factory import make_complaint
from tests.support.damage import child_pages, root_page, spoil

NOW = datetime(2026, 11, 2, 3, 0, tzinfo=UTC)


def _filled(path: Path, n: int = 600) -> None:
    with Store.open(path) as store, store.transaction() as conn:
        complaints.upsert_many(conn, [make_complaint(i) for i in range(n)])
        sync_state.set_cursor(conn, "c-600")


@pytest.mark.parametrize("opener", [Store.open, Store.open_readers_only])
def test_a_file_that_is_no_database_is_refused_as_damaged_and_left_as_it_was(
    tmp_path: Path, opener: object
) -> None:
    path = tmp_path / "cache.sqlite3"
    path.write_bytes(b"not a database, " * 1024)
    with pytest.raises(StoreDamaged) as raised:
        opener(path)  # type: ignore[operator]
    assert raised.value.path == path and "not a database" in raised.value.detail
    assert path.read_bytes() == b"not a database, " * 1024


def test_a_read_of_a_damaged_table_raises_store_damaged_and_the_next_read_of_sound_pages_works(
    tmp_path: Path,
) -> None:
    path = tmp_path / "cache.sqlite3"
    _filled(path)
    spoil(path, [root_page(path, "complaints")])
    with Store.open(path) as store:
        with pytest.raises(StoreDamaged, match="malformed"), store.read() as conn:
            conn.execute("SELECT count(*), sum(length(data)) FROM complaints").fetchone()
        with store.read() as conn:  # a new snapshot, not the broken one
            assert sync_state.cursor(conn) == "c-600"


def test_a_write_that_meets_a_damaged_page_raises_store_damaged_and_writes_nothing(tmp_path: Path) -> None:
    path = tmp_path / "cache.sqlite3"
    _filled(path)
    spoil(path, child_pages(path, "complaints"))
    with Store.open(path) as store:
        with pytest.raises(StoreDamaged), store.transaction() as conn:
            outbox.append(
                conn,
                mutation_id="m-1",
                complaint_id=make_complaint(3)["id"],
                op="take",
                payload={},
                base_version=1,
                authored_at=NOW,
                actor="operator.dpuprpkp",
            )
            complaints.upsert_many(conn, [make_complaint(3) | {"version": 9}])
        with store.read() as conn:
            assert outbox.find(conn, "m-1") is None


def test_a_pass_over_a_damaged_cache_raises_store_damaged(tmp_path: Path) -> None:
    path = tmp_path / "cache.sqlite3"
    _filled(path)
    spoil(path, child_pages(path, "complaints"))
    with Store.open(path) as store, pytest.raises(StoreDamaged), store.scan() as conn:
        conn.execute("SELECT count(*) FROM complaints WHERE length(data) > 0").fetchone()
