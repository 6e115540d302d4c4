"""Rebuilding a damaged cache: the changes not yet sent and the identity go into the new cache, the old file
is kept whole, a sound cache is left alone, and a rebuild that cannot be written changes nothing."""

from __future__ import annotations

import hashlib
import sqlite3
from contextlib import closing
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from sambat_tui.store import complaints, outbox, salvage, sync_state
from sambat_tui.store.db import Store, StoreFull, StoreLocked
from sambat_tui.store.salvage import Rebuilt, rebuild
from tests.store.factory import make_complaint
from tests.support.cache import sent_count
from tests.support.damage import child_pages, root_page, spoil, spoil_all_but_the_header

NOW = datetime(2026, 11, 2, 3, 0, tzinfo=UTC)
QUEUED = 300
STATE = {
    sync_state.SyncKey.SERVER_URL: "https://sambat.example.go.id",
    sync_state.SyncKey.USER_ID: "operator.dpuprpkp",
    sync_state.SyncKey.ME: '{"user_id": "operator.dpuprpkp"}',
}


def _filled(path: Path) -> None:
    """600 complaints, then 300 queued changes (their rows span several pages), some failed or in conflict."""
    items = [make_complaint(i) for i in range(600)]
    with Store.open(path) as store, store.transaction() as conn:
        complaints.upsert_many(conn, items)
        for n in range(QUEUED):
            entry = outbox.append(
                conn,
                mutation_id=f"m-{n:04d}",
                complaint_id=items[n % len(items)]["id"],
                op="note",
                payload={"text": f"catatan lapangan {n} " + "x" * 120},
                base_version=1,
                authored_at=NOW + timedelta(minutes=n),
                actor="operator.dpuprpkp",
                now=NOW,
            )
            if n % 7 == 0:
                outbox.mark_failed(conn, entry.seq, "timeout", NOW + timedelta(hours=1))
            elif n % 11 == 0:
                outbox.mark_conflict(conn, entry.seq, "409 version_conflict", "sudah diubah")
        sync_state.set_cursor(conn, "cursor-600")
        for key, value in STATE.items():
            sync_state.put(conn, key, value)


def _outbox_rows(path: Path) -> dict[int, tuple[Any, ...]]:
    with closing(sqlite3.connect(path)) as conn:
        return {int(row[0]): tuple(row) for row in conn.execute("SELECT * FROM outbox")}


def _left_beside(path: Path) -> list[str]:
    """Files beside the cache other than its WAL, shared memory and lock: an old copy, a half-made one."""
    usual = {path.name, f"{path.name}-wal", f"{path.name}-shm", f"{path.name}.lock"}
    return sorted(p.name for p in path.parent.iterdir() if p.name not in usual)


def _complaints(store: Store) -> int:
    with store.read() as conn:
        return int(conn.execute("SELECT count(*) FROM complaints").fetchone()[0])


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def cache(tmp_path: Path) -> Path:
    path = tmp_path / "cache.sqlite3"
    _filled(path)
    return path


def test_a_sound_cache_is_left_as_it_was(cache: Path) -> None:
    before = _digest(cache)
    assert rebuild(cache) == Rebuilt(None, None, 0, 0, ())
    assert _digest(cache) == before
    assert _left_beside(cache) == []


def test_damaged_complaints_cost_nothing_but_a_sync_every_queued_change_and_the_identity_are_kept(
    cache: Path,
) -> None:
    queued = _outbox_rows(cache)
    spoil(cache, [root_page(cache, "complaints")])
    damaged = _digest(cache)

    rebuilt = rebuild(cache, now=NOW)

    assert rebuilt.problem is not None and rebuilt.kept == QUEUED and rebuilt.unread == 0 and rebuilt.complete
    assert set(rebuilt.kept_state) == set(STATE)
    assert rebuilt.aside == cache.with_name("cache.sqlite3.damaged-20261102T030000Z")
    assert _digest(rebuilt.aside) == damaged  # kept byte for byte
    assert _outbox_rows(cache) == queued  # every column, the seq (the order) and the state included
    assert salvage.check(cache) is None
    with Store.open(cache) as store, store.read() as conn:
        assert _complaints(store) == 0
        assert sync_state.cursor(conn) is None  # the next sync reads the feed from its start
        assert {key: sync_state.get(conn, key) for key in STATE} == STATE
        assert outbox.counts(conn)[outbox.OutboxState.FAILED] == len([n for n in range(QUEUED) if n % 7 == 0])
        # New changes follow the kept ones: a seq is never given out twice.
    with Store.open(cache) as store, store.transaction() as conn:
        later = outbox.append(
            conn,
            mutation_id="m-new",
            complaint_id="c-new",
            op="take",
            payload={},
            base_version=1,
            authored_at=NOW,
            actor="operator.dpuprpkp",
        )
    assert later.seq > max(queued)


def test_a_damaged_outbox_page_costs_the_changes_on_it_not_the_ones_after_it(cache: Path) -> None:
    queued = _outbox_rows(cache)
    leaves = child_pages(cache, "outbox")
    assert len(leaves) >= 4  # the fixture's rows span pages
    spoil(cache, [leaves[1]])

    rebuilt = rebuild(cache, now=NOW)

    kept = _outbox_rows(cache)
    assert 0 < rebuilt.unread < QUEUED // 2 and rebuilt.kept == len(kept) and not rebuilt.complete
    assert len(kept) + rebuilt.unread == QUEUED
    assert max(kept) == max(queued)  # the rows after the damaged page were reached
    assert all(kept[seq] == queued[seq] for seq in kept)  # none of them garbled


def test_a_file_with_nothing_readable_is_kept_aside_and_replaced_by_an_empty_cache(cache: Path) -> None:
    spoil_all_but_the_header(cache)
    rebuilt = rebuild(cache, now=NOW)
    assert rebuilt.problem and rebuilt.kept == 0 and rebuilt.aside is not None and rebuilt.aside.exists()
    assert not rebuilt.complete  # 300 changes were queued: "0 kept" alone would say none was lost
    with Store.open(cache) as store, store.read() as conn:
        assert _complaints(store) == 0 and sync_state.cursor(conn) is None


def test_no_rebuild_while_the_app_or_a_sync_has_the_cache_open(cache: Path) -> None:
    spoil(cache, [root_page(cache, "complaints")])
    before = _digest(cache)
    with Store.open(cache), pytest.raises(StoreLocked):
        rebuild(cache)
    assert _digest(cache) == before and _left_beside(cache) == []


def test_a_rebuild_the_disk_cannot_take_changes_nothing_and_can_be_run_again(
    cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    spoil(cache, [root_page(cache, "complaints")])
    before = _digest(cache)

    def no_room(*_: object) -> int:
        raise StoreFull("the disk is full")

    monkeypatch.setattr(salvage, "restore", no_room)
    with pytest.raises(StoreFull):
        rebuild(cache, now=NOW)
    assert _digest(cache) == before
    assert _left_beside(cache) == []
    monkeypatch.undo()
    assert rebuild(cache, now=NOW).kept == QUEUED


def test_two_rebuilds_in_the_same_second_keep_both_old_files(cache: Path) -> None:
    first = rebuild(cache, force=True, now=NOW)
    second = rebuild(cache, force=True, now=NOW)
    assert first.aside != second.aside and first.aside and second.aside
    assert first.aside.exists() and second.aside.exists()
    assert first.kept == second.kept == QUEUED


def test_a_salvaged_row_the_new_table_refuses_is_left_out_and_the_rest_are_kept(
    cache: Path, tmp_path: Path
) -> None:
    with closing(sqlite3.connect(cache)) as conn:
        columns = [str(r[1]) for r in conn.execute("PRAGMA table_info(outbox)")]
    salvaged = [dict(zip(columns, row, strict=True)) for row in list(_outbox_rows(cache).values())[:3]]
    salvaged[1]["state"] = "garbled"  # fails the table's CHECK
    with Store.open(tmp_path / "new.sqlite3") as store, store.transaction() as conn:
        assert salvage.restore(conn, salvaged, {}) == 2
    assert sorted(_outbox_rows(tmp_path / "new.sqlite3")) == [salvaged[0]["seq"], salvaged[2]["seq"]]


def test_a_rebuild_keeps_what_the_server_acknowledged_for_a_later_server_restore(tmp_path: Path) -> None:
    path = tmp_path / "cache.sqlite3"
    _filled(path)
    with Store.open(path) as store, store.transaction() as conn:
        acked = [e for e in outbox.list_entries(conn, limit=5) if e.state is outbox.OutboxState.PENDING][:3]
        for entry in acked:
            outbox.acknowledge(conn, entry.seq, NOW)
    assert rebuild(path, force=True, now=NOW).kept == QUEUED - 3
    with Store.open(path) as store, store.transaction() as conn:
        assert sent_count(conn) == 3
        again = outbox.send_again(conn, NOW + timedelta(days=1))

    def key(entry: outbox.OutboxEntry) -> tuple[object, ...]:
        return entry.seq, entry.mutation_id, entry.payload

    assert [key(e) for e in again] == [key(e) for e in acked]
