"""The sync engine: one run = who am I, (bootstrap,) pull, push, pull again.

``run_once`` is blocking and meant for a worker thread (the UI) or the headless ``sambat-tui sync``. Every
outcome is read back from the store, never kept in memory: a run that dies half-way leaves the cursor,
the outbox states and the cache consistent, and the next run continues from there.

1. ``GET /v1/me``: the online check, and the identity (roles can change on the server). A token of another
   user than the cache's is refused: the cache and its outbox belong to one user.
2. Bootstrap when there is no cursor: the reference lists, then the feed from an empty cursor.
3. Pull the feed (``sync.pull``), push the outbox (``sync.push``), and when something was pushed pull once
   more so the cache holds the server's view of it.

A 429 at any step ends the run as "try later": nothing is marked failed, queued mutations stay pending, and
the moment the server named (``Retry-After``) is kept in the cache; runs before it do not call the server.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Literal

from pydantic import ValidationError

from sambat_tui.contract import Me
from sambat_tui.store import outbox, reference, sync_state
from sambat_tui.store.db import Store, StoreFull
from sambat_tui.store.outbox import OutboxState
from sambat_tui.store.reference import RefEntity
from sambat_tui.sync import optimistic
from sambat_tui.sync.backoff import Backoff
from sambat_tui.sync.client import ApiClient
from sambat_tui.sync.errors import ApiError, Offline, ProtocolError, SyncError
from sambat_tui.sync.pull import (
    REBOOTSTRAP_KEY,
    Puller,
    PullStats,
    mark_evicted,
    refetch_done,
    refetch_requests,
)
from sambat_tui.sync.push import Pusher, PushStats, PushStopped

Phase = Literal["bootstrap", "pull", "push"]

RATE_LIMITED_UNTIL_KEY = "sync.rate_limited_until"
"""Until when the server asked this client to wait (ISO 8601), after a 429."""
DEFAULT_RATE_WAIT = 30.0
"""Seconds to wait after a 429 that did not say how long."""


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class SyncProgress:
    phase: Phase
    done: int
    """Changes pulled, or mutations settled, so far in this phase."""
    total: int | None
    """Known for the push (the mutations ready at its start); the feed has no total."""


@dataclass(frozen=True)
class SyncReport:
    online: bool
    pulled: int
    pushed: int
    conflicts: int
    """Mutations in conflict in the outbox after the run (a person has to look)."""
    quarantined: int
    """Records quarantined by this run."""
    error: str | None
    rebootstrapped: bool = False
    retry_after: float | None = None
    """Seconds until the server takes this client's requests again (it answered 429); None: no wait."""
    server_restored: bool = False
    """The server's database went back to a backup since the last sync (``sync.pull``)."""
    resent: int = 0
    """Mutations the server had acknowledged, queued again because of that."""


class IdentityMismatch(SyncError):
    """The token belongs to another user than the one whose cache this is."""


def stored_identity(store: Store) -> Me | None:
    """The last ``/v1/me`` answer kept in the cache, or None before the first sync."""
    with store.read() as conn:
        raw = sync_state.get(conn, sync_state.SyncKey.ME)
    if raw is None:
        return None
    try:
        return Me.model_validate_json(raw)
    except ValidationError:
        return None


class SyncEngine:
    def __init__(
        self,
        store: Store,
        client: ApiClient,
        *,
        now: Callable[[], datetime] = utc_now,
        backoff: Backoff | None = None,
        page_size: int = 500,
    ) -> None:
        self.store = store
        self.client = client
        self.now = now
        self._lock = threading.Lock()
        self.puller = Puller(store, client, page_size=page_size, now=now)
        self.pusher = Pusher(store, client, identity=self.identity, now=now, backoff=backoff)

    def identity(self) -> Me | None:
        return stored_identity(self.store)

    # --- steps ---

    def _refresh_identity(self) -> Me:
        me = self.client.me()
        with self.store.transaction() as conn:
            known = sync_state.user_id(conn)
            if known is not None and known != me.user.id:
                raise IdentityMismatch(
                    f"the token is for {me.user.id!r} but this cache belongs to {known!r}; "
                    "sign in again with `sambat-tui login` or use another --profile"
                )
            sync_state.set_user_id(conn, me.user.id)
            sync_state.set_server_url(conn, self.client.server_url)
            sync_state.put(conn, sync_state.SyncKey.ME, me.model_dump_json(by_alias=True))
        return me

    def _needs_bootstrap(self) -> bool:
        with self.store.read() as conn:
            return sync_state.cursor(conn) is None and sync_state.get(conn, REBOOTSTRAP_KEY) is None

    def _bootstrap_reference(self) -> None:
        lists = (
            (RefEntity.AGENCY, self.client.agencies()),
            (RefEntity.DESK, self.client.desks()),
            (RefEntity.CATEGORY, self.client.categories()),
            (RefEntity.USER, self.client.users()),
        )
        with self.store.transaction() as conn:
            for entity, items in lists:
                reference.upsert_many(conn, entity, [i.model_dump(mode="json", by_alias=True) for i in items])

    def _refetch(self) -> None:
        """Replace the rows the services asked for (a discarded change) by the server's copies."""
        with self.store.read() as conn:
            wanted = refetch_requests(conn)
        for complaint_id in wanted:
            try:
                current = self.client.complaint(complaint_id)
            except ApiError as error:
                if error.status != 404:
                    raise
                with self.store.transaction() as conn:
                    mark_evicted(conn, complaint_id)
                    refetch_done(conn, complaint_id)
                continue
            with self.store.transaction() as conn:
                optimistic.store_server_copy(conn, current.model_dump(mode="json", by_alias=True))
                refetch_done(conn, complaint_id)

    def conflicts(self) -> int:
        with self.store.read() as conn:
            return outbox.counts(conn)[OutboxState.CONFLICT]

    def waiting_for(self) -> float | None:
        """Seconds left of the wait the server asked for with its last 429; None when there is none."""
        with self.store.read() as conn:
            raw = sync_state.get(conn, RATE_LIMITED_UNTIL_KEY)
        if raw is None:
            return None
        try:
            left = (datetime.fromisoformat(raw) - self.now()).total_seconds()
        except (ValueError, TypeError):
            return None  # unreadable: as if no wait were asked
        return left if left > 0 else None

    def _wait_asked(self, error: SyncError) -> float | None:
        """After a 429: keep until when to wait, and return the seconds; None for any other error."""
        if not isinstance(error, ApiError) or not error.rate_limited:
            return None
        seconds = error.retry_after if error.retry_after is not None else DEFAULT_RATE_WAIT
        until = self.now() + timedelta(seconds=seconds)
        with self.store.transaction() as conn:
            sync_state.put(conn, RATE_LIMITED_UNTIL_KEY, until.isoformat())
        return seconds

    # --- a run ---

    def _resume_sending(self) -> None:
        """A row still "sending" when a run begins was sent by an earlier run that could not record the
        answer (its disk was full): it goes back to pending, and its idempotency key makes the resend
        harmless. Runs hold the engine's lock, so no send of this process is under way."""
        with self.store.read() as conn:
            stale = outbox.has_sending(conn)
        if stale:
            with self.store.transaction() as conn:
                outbox.reset_sending(conn)

    def run_once(
        self, progress: Callable[[SyncProgress], None] | None = None, *, retry_now: bool = False
    ) -> SyncReport:
        """One sync run; never raises for a network or server problem (the report says what happened).

        ``retry_now`` makes failed mutations ready at once instead of at their backoff time (a sync the
        person asked for).
        """
        with self._lock:
            pulled = PullStats()
            pushed = PushStats()
            waiting = self.waiting_for()
            if waiting is not None:
                return SyncReport(
                    online=True,
                    pulled=0,
                    pushed=0,
                    conflicts=self.conflicts(),
                    quarantined=0,
                    error=_wait_message(waiting),
                    retry_after=waiting,
                )

            def on_pull(phase: Phase) -> Callable[[PullStats], None]:
                def report(stats: PullStats) -> None:
                    if progress is not None:
                        progress(SyncProgress(phase, pulled.changes + stats.changes, None))

                return report

            def pull(phase: Phase) -> None:
                stats = PullStats()
                try:
                    self.puller.pull(on_pull(phase), stats)
                finally:  # a pull cut short has still done what it counted (a restore noticed)
                    pulled.changes += stats.changes
                    pulled.quarantined += stats.quarantined
                    pulled.conflicts += stats.conflicts
                    pulled.rebootstrapped = pulled.rebootstrapped or stats.rebootstrapped
                    pulled.server_restored = pulled.server_restored or stats.server_restored
                    pulled.resent += stats.resent

            error: str | None = None
            online = True
            retry_after: float | None = None
            try:
                self._resume_sending()
                self._refresh_identity()
                self._refetch()
                if self._needs_bootstrap():
                    if progress is not None:
                        progress(SyncProgress("bootstrap", 0, None))
                    self._bootstrap_reference()
                    pull("bootstrap")
                else:
                    pull("pull")
                if retry_now:
                    self.pusher.retry_failed_now()
                with self.store.read() as conn:
                    counted = outbox.counts(conn)
                total = counted[OutboxState.PENDING] + counted[OutboxState.FAILED]

                def on_push(stats: PushStats) -> None:
                    if progress is not None:
                        done = stats.sent + stats.failed + stats.conflicts
                        progress(SyncProgress("push", done, max(total, done)))

                self.pusher.push(on_push, pushed)
                self._refetch()
                if pushed.sent:
                    pull("pull")
                with self.store.transaction() as conn:
                    sync_state.set_last_sync_at(conn, self.now())
                    sync_state.delete(conn, RATE_LIMITED_UNTIL_KEY)
            except PushStopped as stopped:
                online = not isinstance(stopped.error, Offline)
                error = stopped.reason
                retry_after = self._wait_asked(stopped.error)
            except Offline as offline:
                online, error = False, f"offline: {offline}"
            except (ApiError, ProtocolError, IdentityMismatch) as failure:
                error = str(failure)
                retry_after = self._wait_asked(failure)
            except StoreFull as full:
                # What the server already took stays queued as "sending": it is sent again, under its
                # idempotency key, once there is room; what was pulled into the rolled-back transaction is
                # pulled again from the same cursor.
                error = str(full)
            if retry_after is not None:
                error = _wait_message(retry_after)
            return SyncReport(
                online=online,
                pulled=pulled.changes,
                pushed=pushed.sent,
                conflicts=self.conflicts(),
                quarantined=pulled.quarantined,
                error=error,
                rebootstrapped=pulled.rebootstrapped,
                retry_after=retry_after,
                server_restored=pulled.server_restored,
                resent=pulled.resent,
            )


def _wait_message(seconds: float) -> str:
    return f"rate limited: the server asks to wait; try again in {max(1, math.ceil(seconds))} s"
