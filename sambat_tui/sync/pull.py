"""Pulling the change feed into the cache, page by page.

Each page and its ``next_cursor`` are written in one store transaction: after a crash the stored cursor is
exactly where the stored data stops, and the pull resumes there. Memory stays flat whatever the size of the
agency: one page is held at a time, and consecutive changes of one kind are written in one batch.

- A change that breaks the contract (a lone surrogate, invalid UTF-8, a missing field, an unknown status)
  is quarantined with its reason and the pull goes on.
- ``evict``: the complaint left this user's scope; it is dropped with its timeline and its still-queued
  mutations become conflicts (never silently dropped), but for one that may already be on the server: the
  push asks the server about that one first (``mark_evicted``).
- ``410 cursor_expired``: the server compacted its log past our cursor (or it is another database). The pull
  walks the feed again from the beginning, keeping the cache meanwhile, and at the end evicts every cached
  complaint the walk did not deliver (it left the scope while the log was compacted). The outbox is kept.
  The walk's "seen" marks live in a TEMP table of the writer connection; if the process dies during the
  walk, the next pull starts the walk over (``REBOOTSTRAP_KEY`` says one was under way).
- ``410`` with reason ``other_database``: the server's database is another one than the cursor's, in practice
  the same city's restored from a backup, so what it took after the backup is gone there and its versions
  went back. Before that walk (``server_restored``) the mutations it acknowledged within
  ``outbox.SENT_KEPT`` go back in the outbox to be sent again. The walk is numbered (``RESTORE_WALK_KEY``):
  in it the server's copy of a complaint wins whatever the cached version, each timeline entry the server
  sends again gets the walk's number, and at its end the server's entries without it go.
"""

from __future__ import annotations

import itertools
import json
import sqlite3
import time
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel, ValidationError

from sambat_tui.contract import (
    Agency,
    Category,
    ChangeOp,
    Complaint,
    CursorExpiredReason,
    Desk,
    Disposition,
    Entity,
    Update,
    User,
)
from sambat_tui.store import complaints, outbox, quarantine, reference, sync_state, timeline
from sambat_tui.store.db import Store
from sambat_tui.store.outbox import OutboxEntry
from sambat_tui.store.reference import RefEntity
from sambat_tui.sync import optimistic
from sambat_tui.sync.client import ApiClient, FeedChange, FeedPage, Unparsed, validation_summary
from sambat_tui.sync.errors import ApiError

REBOOTSTRAP_KEY = "sync.rebootstrap"
"""Set while a walk from the beginning after a 410 is under way."""
RESTORE_WALK_KEY = "sync.restore_walk"
"""The number of the walk under way after a server restore (unset when the walk is not one)."""
LAST_RESTORE_WALK_KEY = "sync.last_restore_walk"
SEEN_TABLE = "temp.sync_seen"
EVICTED_REASON = (
    "Pengaduan ini keluar dari lingkup Anda (dipindahkan ke meja, petugas atau instansi lain); perubahan ini "
    "belum terkirim / the complaint left your scope (moved to another desk, person or agency) before this "
    "change was sent"
)

NOT_ON_RESTORED_SERVER_REASON = (
    "Pengaduan ini tidak ada, atau bukan lagi lingkup Anda, di basis data server yang dipulihkan dari "
    "cadangan (mungkin masuk sesudah cadangan itu dibuat); perubahan ini belum terkirim / the complaint is "
    "not in your scope on the server's database restored from a backup (it may have come in after that "
    "backup); this change was not sent"
)

BATCH_SECONDS = 0.5
"""The longest a catching-up pull writes before it commits (and lets the UI's own writes in)."""

REFETCH_KEY = "sync.refetch"
"""Complaints whose cached row must be fetched again (an optimistic change was discarded): a JSON list."""

_MODELS: dict[Entity, type[BaseModel]] = {
    Entity.COMPLAINT: Complaint,
    Entity.UPDATE: Update,
    Entity.DISPOSITION: Disposition,
    Entity.AGENCY: Agency,
    Entity.DESK: Desk,
    Entity.USER: User,
    Entity.CATEGORY: Category,
}
_KEY_FIELD: dict[Entity, str] = {Entity.CATEGORY: "code"}


@dataclass(frozen=True)
class Walk:
    """A walk of the feed from its beginning, under way."""

    restore: int | None = None
    """Its number when it follows a server restore (see the module)."""


@dataclass
class PullStats:
    pages: int = 0
    changes: int = 0
    evicted: int = 0
    conflicts: int = 0
    """Queued mutations turned into conflicts by evictions."""
    quarantined: int = 0
    rebootstrapped: bool = False
    server_restored: bool = False
    """The server answered that its database is another one (restored from a backup)."""
    resent: int = 0
    """Acknowledged mutations put back in the outbox because of that."""


def _quarantine_change(conn: sqlite3.Connection, change: FeedChange, reason: str, stats: PullStats) -> None:
    quarantine.put(conn, change.envelope(), reason, entity=change.entity.value, record_id=change.id)
    stats.quarantined += 1


def _checked(conn: sqlite3.Connection, change: FeedChange, stats: PullStats) -> dict[str, Any] | None:
    """The change's data when it fits its contract model and its id; else quarantined and None."""
    if change.data is None:
        _quarantine_change(conn, change, "upsert without data", stats)
        return None
    try:
        _MODELS[change.entity].model_validate(change.data)
    except ValidationError as error:
        _quarantine_change(conn, change, f"{change.entity.value}: {validation_summary(error)}", stats)
        return None
    key = change.data.get(_KEY_FIELD.get(change.entity, "id"))
    if str(key) != change.id:
        _quarantine_change(conn, change, f"the change's id {change.id!r} is not its data's id", stats)
        return None
    return change.data


def _kind(item: FeedChange | Unparsed) -> tuple[str, str]:
    # The members themselves (each a str): their ``.value`` is a descriptor call per change.
    return ("", "") if isinstance(item, Unparsed) else (item.entity, item.op)


def mark_evicted(conn: sqlite3.Connection, complaint_id: str, reason: str = EVICTED_REASON) -> int:
    """Drop a complaint that left the scope; its queued mutations become conflicts. Returns how many.

    Except one that was sent before (``attempts`` > 0) and never acknowledged: the server may have it (a
    commit whose answer was lost, a process killed while it waited). It stays queued, and the push asks the
    server by sending it again: the same Idempotency-Key or update id gets the first answer if it arrived,
    404 if it did not (then it is a conflict). Calling it "not sent" unasked would make a person write it
    twice.
    """
    marked = 0
    for entry in complaints.evict(conn, complaint_id):
        if entry.attempts == 0:
            outbox.mark_conflict(conn, entry.seq, reason, "evicted")
            marked += 1
    return marked


def request_refetch(conn: sqlite3.Connection, complaint_id: str) -> None:
    """Ask the next sync to replace the cached row by the server's copy (and its queued changes on top)."""
    ids = refetch_requests(conn)
    if complaint_id not in ids:
        sync_state.put_json(conn, REFETCH_KEY, [*ids, complaint_id])


def refetch_requests(conn: sqlite3.Connection) -> list[str]:
    ids = sync_state.get_json(conn, REFETCH_KEY)
    return [i for i in ids if isinstance(i, str)] if isinstance(ids, list) else []


def refetch_done(conn: sqlite3.Connection, complaint_id: str) -> None:
    left = [i for i in refetch_requests(conn) if i != complaint_id]
    if left:
        sync_state.put_json(conn, REFETCH_KEY, left)
    else:
        sync_state.delete(conn, REFETCH_KEY)


def _ids_json(ids: Iterable[str]) -> str:
    return json.dumps(list(ids))


class PageWriter:
    """Writes one page of changes inside the caller's transaction."""

    def __init__(self, conn: sqlite3.Connection, stats: PullStats, *, walk: Walk | None) -> None:
        self.conn = conn
        self.stats = stats
        self.mark_seen = walk is not None
        self.restore = walk.restore if walk is not None else None

    def write(self, items: Iterable[FeedChange | Unparsed]) -> None:
        for (entity, op), run in itertools.groupby(items, key=_kind):
            batch = list(run)
            self.stats.changes += len(batch)
            if not entity:
                for bad in batch:
                    assert isinstance(bad, Unparsed)
                    quarantine.put(self.conn, bad.raw, bad.reason, entity=bad.entity, record_id=bad.id)
                    self.stats.quarantined += 1
                continue
            changes = [c for c in batch if isinstance(c, FeedChange)]
            if op == ChangeOp.EVICT.value:
                self._evict(Entity(entity), changes)
            elif entity == Entity.COMPLAINT.value:
                self._complaints(changes)
            elif entity == Entity.UPDATE.value:
                self._timeline(changes, timeline.upsert_updates)
            elif entity == Entity.DISPOSITION.value:
                self._timeline(changes, timeline.upsert_dispositions)
            else:
                self._reference(RefEntity(entity), changes)

    def _evict(self, entity: Entity, changes: list[FeedChange]) -> None:
        for change in changes:
            if entity is not Entity.COMPLAINT:
                _quarantine_change(
                    self.conn, change, f"evict is only for complaints, not {entity.value}", self.stats
                )
                continue
            self.stats.conflicts += mark_evicted(self.conn, change.id)
            self.stats.evicted += 1
            if self.mark_seen:
                self.conn.execute(f"DELETE FROM {SEEN_TABLE} WHERE id = ?", (change.id,))

    def _complaints(self, changes: list[FeedChange]) -> None:
        valid = [d for c in changes if (d := _checked(self.conn, c, self.stats)) is not None]
        if not valid:
            return
        ids = [str(d["id"]) for d in valid]
        before = complaints.versions(self.conn, ids)
        server_wins = self.restore is not None
        result = complaints.upsert_many(self.conn, valid, server_wins=server_wins)
        self.stats.quarantined += result.quarantined
        newest: dict[str, int] = {}
        for data in valid:
            newest[str(data["id"])] = max(newest.get(str(data["id"]), 0), int(data["version"]))
        # Only where the server's copy was written (not stale) do the queued mutations go back on top.
        written = [i for i, v in newest.items() if server_wins or i not in before or v >= before[i]]
        pending = [
            r[0]
            for r in self.conn.execute(
                "SELECT id FROM complaints WHERE pending > 0 AND id IN (SELECT value FROM json_each(?))",
                (_ids_json(written),),
            )
        ]
        for complaint_id in pending:
            optimistic.reapply(self.conn, complaint_id)
        if self.mark_seen:
            self.conn.executemany(
                f"INSERT OR IGNORE INTO {SEEN_TABLE}(id) VALUES (?)", [(i,) for i in newest]
            )

    def _timeline(
        self,
        changes: list[FeedChange],
        upsert: Callable[[sqlite3.Connection, Iterable[Mapping[str, Any]]], complaints.UpsertResult],
    ) -> None:
        valid = [d for c in changes if (d := _checked(self.conn, c, self.stats)) is not None]
        if valid:
            self.stats.quarantined += upsert(self.conn, valid).quarantined
            if self.restore is not None:
                timeline.mark_walked(self.conn, [str(d["id"]) for d in valid], self.restore)

    def _reference(self, entity: RefEntity, changes: list[FeedChange]) -> None:
        for change in changes:
            data = _checked(self.conn, change, self.stats)
            if data is not None:
                result = reference.upsert_many(self.conn, entity, [data], version=change.version)
                self.stats.quarantined += result.quarantined


def _seen_table_exists(conn: sqlite3.Connection) -> bool:
    row = conn.execute(
        "SELECT 1 FROM temp.sqlite_master WHERE type = 'table' AND name = 'sync_seen'"
    ).fetchone()
    return row is not None


def start_rebootstrap(conn: sqlite3.Connection) -> None:
    """Forget the cursor and start a walk from the beginning that will prune what it does not see."""
    sync_state.clear_cursor(conn)
    sync_state.put(conn, REBOOTSTRAP_KEY, "1")
    conn.execute("CREATE TEMP TABLE IF NOT EXISTS sync_seen (id TEXT PRIMARY KEY)")
    conn.execute(f"DELETE FROM {SEEN_TABLE}")


def server_restored(conn: sqlite3.Connection, now: datetime) -> list[OutboxEntry]:
    """Make ready for a walk of a server whose database went back to a backup (see the module); returns the
    mutations queued again."""
    again = outbox.send_again(conn, now)
    notes = [str(e.payload.get("update_id")) for e in again if e.op == optimistic.Op.UPDATE]
    timeline.hold_pending(conn, notes)
    walk = int(sync_state.get(conn, LAST_RESTORE_WALK_KEY) or 0) + 1
    sync_state.put(conn, LAST_RESTORE_WALK_KEY, str(walk))
    sync_state.put(conn, RESTORE_WALK_KEY, str(walk))
    return again


def _prune_unseen(conn: sqlite3.Connection, stats: PullStats, walk: Walk) -> None:
    reason = EVICTED_REASON if walk.restore is None else NOT_ON_RESTORED_SERVER_REASON
    while True:
        ids = [
            r[0]
            for r in conn.execute(
                f"SELECT id FROM complaints WHERE id NOT IN (SELECT id FROM {SEEN_TABLE}) LIMIT 500"
            )
        ]
        if not ids:
            break
        for complaint_id in ids:
            stats.conflicts += mark_evicted(conn, complaint_id, reason)
            stats.evicted += 1
    if walk.restore is not None:
        timeline.drop_unwalked(conn, walk.restore)
        sync_state.delete(conn, RESTORE_WALK_KEY)
    sync_state.delete(conn, REBOOTSTRAP_KEY)
    conn.execute("DROP TABLE IF EXISTS temp.sync_seen")


Progress = Callable[[PullStats], None]


class Puller:
    def __init__(
        self,
        store: Store,
        client: ApiClient,
        *,
        page_size: int = 500,
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.store = store
        self.client = client
        self.page_size = page_size
        self.now = now

    def _position(self) -> tuple[str, Walk | None]:
        """The cursor to continue from, and the walk under way if one is."""
        with self.store.transaction() as conn:
            if sync_state.get(conn, REBOOTSTRAP_KEY) is None:
                return sync_state.cursor(conn) or "", None
            if not _seen_table_exists(conn):
                # The walk's marks died with an earlier process: start the walk over.
                start_rebootstrap(conn)
            restore = sync_state.get(conn, RESTORE_WALK_KEY)
            return sync_state.cursor(conn) or "", Walk(int(restore) if restore is not None else None)

    def pull(self, progress: Progress | None = None, stats: PullStats | None = None) -> PullStats:
        """Pull until the feed has no more; raises the client's errors (the cursor stays where it was).
        ``stats`` (updated as it goes) still tells what was done when the pull ends with an exception.

        The next page is fetched while this one is written, so the server's time and the cache's overlap.
        While catching up, pages that have already arrived share a transaction (up to ``BATCH_SECONDS`` of
        writing): a commit costs a WAL write and an fsync, and per page that was a third of a first sync.
        The stored cursor is still exactly where the stored data stops. A transaction never waits for the
        network (a slow link would hold the write lock the UI's own actions need), and a page fetched ahead
        but never stored (an error, a killed process) is fetched again next time.
        """
        stats = stats if stats is not None else PullStats()
        restarted = False
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="sambat-feed") as fetcher:

            def fetch(cursor: str) -> Future[FeedPage]:
                return fetcher.submit(self.client.changes, cursor, self.page_size)

            cursor, walk = self._position()
            ahead = fetch(cursor)
            while True:
                try:
                    page = ahead.result()
                except ApiError as error:
                    if error.status == 410 and cursor and not restarted:
                        restarted = stats.rebootstrapped = True
                        with self.store.transaction() as conn:
                            if error.problem.get("reason") == CursorExpiredReason.OTHER_DATABASE:
                                stats.server_restored = True
                                stats.resent = len(server_restored(conn, self.now()))
                            start_rebootstrap(conn)
                        cursor, walk = self._position()
                        ahead = fetch(cursor)
                        continue
                    raise
                page, following = self._store_batch(page, fetch, stats, walk=walk)
                if progress is not None:
                    progress(stats)
                if following is None:
                    return stats
                cursor, ahead = page.next_cursor, following

    def _store_batch(
        self,
        page: FeedPage,
        fetch: Callable[[str], Future[FeedPage]],
        stats: PullStats,
        *,
        walk: Walk | None,
    ) -> tuple[FeedPage, Future[FeedPage] | None]:
        """Write ``page`` and the pages that have already arrived after it, in one transaction of at most
        ``BATCH_SECONDS``, each fetching the next as it starts; return the last page written and the fetch
        of the one after it (None: the feed has no more)."""
        with self.store.transaction() as conn:
            began = time.monotonic()
            while True:
                ahead = fetch(page.next_cursor) if page.has_more else None
                self._write_page(conn, page, stats, walk=walk)
                if ahead is None or not ahead.done() or ahead.exception() is not None:
                    return page, ahead
                if time.monotonic() - began >= BATCH_SECONDS:
                    return page, ahead
                page = ahead.result()

    def _write_page(
        self, conn: sqlite3.Connection, page: FeedPage, stats: PullStats, *, walk: Walk | None
    ) -> None:
        PageWriter(conn, stats, walk=walk).write(page.items)
        sync_state.set_cursor(conn, page.next_cursor)
        if walk is not None and not page.has_more:
            _prune_unseen(conn, stats, walk)
        stats.pages += 1
