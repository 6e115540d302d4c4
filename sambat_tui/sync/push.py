"""Pushing the outbox: each complaint's mutations in local outbox order, one at a time.

For each mutation that is ready (``store.outbox.ready``: the first unacknowledged one of its complaint,
pending, or failed with its retry time reached):

1. ``sending`` is committed before the request goes out, so a crash mid-request is visible afterwards
   (``outbox.reset_sending`` puts it back to pending; the resend is harmless). A mutation sent before
   whose complaint has left the cache since is sent again all the same: only the server knows whether
   the first attempt arrived (``pull.mark_evicted``).
2. The request carries ``Idempotency-Key`` = the mutation id and ``If-Match`` = the version of the complaint
   as cached now (after an earlier mutation of the same complaint, the server's answer gave the new one);
   updates are ``PUT`` by their client-made id.
3. The server's answer replaces the optimistic row, the mutation leaves the outbox, and the still-queued
   mutations go back on top, all in one transaction.
4. Failures are decided by ``sync.conflicts``: retry later with backoff (the mutation keeps its place and
   its complaint's later mutations wait behind it; other complaints go on), rebase after a 412, conflict,
   or stop (401). Network errors stop the whole push: the server is not reachable. A 429 stops it too,
   with the mutation back to pending, untouched: the server asked to wait, nothing failed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from pydantic import ValidationError

from sambat_tui.contract import (
    Complaint,
    DispositionRequest,
    DuplicateRequest,
    Me,
    MutationResult,
    TransitionRequest,
    UpdateRequest,
    VisibilityRequest,
)
from sambat_tui.store import complaints, outbox, timeline
from sambat_tui.store.db import Store
from sambat_tui.store.outbox import OutboxEntry, OutboxState
from sambat_tui.sync import optimistic
from sambat_tui.sync.backoff import Backoff
from sambat_tui.sync.client import ApiClient, validation_summary
from sambat_tui.sync.conflicts import Verdict, classify, rebase_refusal
from sambat_tui.sync.errors import ApiError, Offline, SyncError
from sambat_tui.sync.optimistic import Op
from sambat_tui.sync.pull import EVICTED_REASON, request_refetch

MAX_REBASES = 3
"""412s answered by a rebase within one attempt; more means the complaint is changing under us right now."""

NOT_CACHED_REASON = (
    "Pengaduan tidak ada di cache (sudah keluar dari lingkup Anda) / the complaint is not in the cache "
    "(it left your scope)"
)


class PushStopped(Exception):
    """The push cannot go on in this run (the server is unreachable or asks to wait, or the token was
    refused)."""

    def __init__(self, error: SyncError, reason: str) -> None:
        super().__init__(reason)
        self.error = error
        self.reason = reason


@dataclass
class PushStats:
    sent: int = 0
    failed: int = 0
    conflicts: int = 0
    rebased: int = 0


class Pusher:
    def __init__(
        self,
        store: Store,
        client: ApiClient,
        *,
        identity: Callable[[], Me | None],
        now: Callable[[], datetime],
        backoff: Backoff | None = None,
    ) -> None:
        self.store = store
        self.client = client
        self.identity = identity
        self.now = now
        self.backoff = backoff or Backoff()

    def retry_failed_now(self) -> int:
        """Make failed mutations ready at once (a sync the user asked for); returns how many."""
        with self.store.transaction() as conn:
            failed = outbox.list_entries(conn, states=frozenset({OutboxState.FAILED}), limit=1_000_000)
            for entry in failed:
                outbox.requeue(conn, entry.seq)
        return len(failed)

    def push(
        self, progress: Callable[[PushStats], None] | None = None, stats: PushStats | None = None
    ) -> PushStats:
        """Send what is ready until nothing is; raises ``PushStopped`` when the run cannot go on.

        ``stats`` (updated as it goes) still tells what was done when the push stops with an exception.
        """
        stats = stats if stats is not None else PushStats()
        while True:
            with self.store.read() as conn:
                ready = outbox.ready(conn, self.now(), limit=50)
            if not ready:
                return stats
            for entry in ready:
                self._push_one(entry, stats)
                if progress is not None:
                    progress(stats)

    # --- one mutation ---

    def _push_one(self, entry: OutboxEntry, stats: PushStats) -> None:
        with self.store.transaction() as conn:
            current = outbox.find(conn, entry.mutation_id)
            if current is None or current.state not in (OutboxState.PENDING, OutboxState.FAILED):
                return  # settled meanwhile (discarded by the user)
            cached = complaints.get(conn, entry.complaint_id)
            if cached is None and entry.attempts == 0:
                outbox.mark_conflict(conn, entry.seq, NOT_CACHED_REASON, "not cached")
                stats.conflicts += 1
                return
            # Not cached yet sent before: its complaint left the scope while its answer was outstanding
            # (``pull.mark_evicted``). Sending it again asks the server whether it arrived; the version
            # does not matter to a replay, and without one the server answers 404 before looking at it.
            entry = outbox.mark_sending(conn, entry.seq)
            version = cached.version if cached is not None else entry.base_version or 0
        rebases = 0
        while True:
            try:
                result = self._send(entry, version)
            except SyncError as error:
                decision = classify(error)
                if decision.verdict is Verdict.REBASE and rebases < MAX_REBASES:
                    new_version = self._rebase(entry, error, stats)
                    if new_version is None:
                        return
                    version, rebases = new_version, rebases + 1
                    continue
                self._settle_failure(entry, error, stats)
                return
            self._acknowledge(entry, result)
            stats.sent += 1
            return

    def _send(self, entry: OutboxEntry, version: int) -> MutationResult:
        payload = entry.payload
        try:
            if entry.op == Op.TRANSITION:
                transition = TransitionRequest(action=payload["action"], reason=payload.get("reason"))
                return self.client.transition(
                    entry.complaint_id, transition, version=version, idempotency_key=entry.mutation_id
                )
            if entry.op == Op.DISPOSITION:
                disposition = DispositionRequest(
                    kind=payload["kind"],
                    to_agency=payload["to_agency"],
                    to_desk=payload.get("to_desk"),
                    to_user=payload.get("to_user"),
                    reason=payload["reason"],
                )
                return self.client.disposition(
                    entry.complaint_id, disposition, version=version, idempotency_key=entry.mutation_id
                )
            if entry.op == Op.VISIBILITY:
                visibility = VisibilityRequest(visibility=payload["visibility"], reason=payload["reason"])
                return self.client.visibility(
                    entry.complaint_id, visibility, version=version, idempotency_key=entry.mutation_id
                )
            if entry.op == Op.DUPLICATE:
                duplicate = DuplicateRequest(duplicate_of=payload["duplicate_of"], reason=payload["reason"])
                return self.client.duplicate(
                    entry.complaint_id, duplicate, version=version, idempotency_key=entry.mutation_id
                )
            if entry.op == Op.UPDATE:
                update = UpdateRequest(
                    kind=payload["kind"],
                    body=payload["body"],
                    status_after=payload.get("status_after"),
                    authored_at=payload["authored_at"],
                )
                return self.client.put_update(entry.complaint_id, payload["update_id"], update)
        except (KeyError, ValidationError, ValueError) as error:
            detail = validation_summary(error) if isinstance(error, ValidationError) else repr(error)
            raise ApiError(422, "invalid_mutation", f"the queued mutation is malformed: {detail}") from None
        raise ApiError(422, "invalid_mutation", f"unknown outbox op {entry.op!r}")

    def _acknowledge(self, entry: OutboxEntry, result: MutationResult) -> None:
        data = result.complaint.model_dump(mode="json", by_alias=True)
        with self.store.transaction() as conn:
            # Discarded while it was on its way: the server has it all the same, so its answer is stored.
            if outbox.find(conn, entry.mutation_id) is not None:
                outbox.acknowledge(conn, entry.seq, self.now())
            if not complaints.versions(conn, [entry.complaint_id]):
                # Confirmed after its complaint left the scope: the answer is an old copy of a complaint
                # this user no longer sees; storing it would bring it back.
                return
            optimistic.store_server_copy(conn, data)
            timeline.upsert_updates(conn, [u.model_dump(mode="json") for u in result.updates])
            timeline.upsert_dispositions(conn, [d.model_dump(mode="json") for d in result.dispositions])

    def _store_current(self, current: Complaint) -> None:
        with self.store.transaction() as conn:
            optimistic.store_server_copy(conn, current.model_dump(mode="json", by_alias=True))

    def _rebase(self, entry: OutboxEntry, error: SyncError, stats: PushStats) -> int | None:
        """The version to retry with after a 412, or None when the mutation was settled here instead."""
        assert isinstance(error, ApiError)
        current = error.current
        if current is None:
            try:
                current = self.client.complaint(entry.complaint_id)
            except SyncError as fetch_error:
                self._settle_failure(entry, fetch_error, stats)
                return None
        self._store_current(current)
        me = self.identity()
        roles = me.roles if me is not None else ()
        agency = me.user.agency_id if me is not None else None
        refusal = rebase_refusal(entry, current, roles, agency)
        if refusal is not None:
            with self.store.transaction() as conn:
                outbox.mark_conflict(conn, entry.seq, refusal, f"{error.status} {error.code}")
                request_refetch(conn, entry.complaint_id)
            stats.conflicts += 1
            return None
        stats.rebased += 1
        return current.version

    def _settle_failure(self, entry: OutboxEntry, error: SyncError, stats: PushStats) -> None:
        decision = classify(error)
        if decision.verdict is Verdict.WAIT:
            # Not the mutation's failure: back in the queue as it was, and the run stops (the engine keeps
            # the server's Retry-After); every other request would only be refused as well.
            with self.store.transaction() as conn:
                if outbox.find(conn, entry.mutation_id) is not None:
                    outbox.requeue(conn, entry.seq)
            raise PushStopped(error, decision.reason or decision.error)
        with self.store.transaction() as conn:
            if outbox.find(conn, entry.mutation_id) is None:
                return
            # A REBASE verdict here means the rebases ran out: the act may still be valid, so retry later.
            if decision.verdict is Verdict.CONFLICT:
                reason = decision.reason or decision.error
                if (
                    isinstance(error, ApiError)
                    and error.status == 404
                    and not complaints.versions(conn, [entry.complaint_id])
                ):
                    reason = EVICTED_REASON  # asked after the complaint left: it never arrived
                outbox.mark_conflict(conn, entry.seq, reason, decision.error)
                # The row still shows this change; the server's copy replaces it (engine._refetch).
                request_refetch(conn, entry.complaint_id)
                stats.conflicts += 1
                return
            when = self.backoff.next_attempt(self.now(), max(entry.attempts, 1), decision.retry_after)
            outbox.mark_failed(conn, entry.seq, decision.error, when)
            stats.failed += 1
        if decision.verdict is Verdict.STOP:
            raise PushStopped(error, decision.reason or decision.error)
        if isinstance(error, Offline):
            raise PushStopped(error, decision.error)
