"""The sync's promises, checked against a real server: reusable after any scenario (faults, kills, fuzzing).

``check_sync_invariants`` asserts, for one user's cache:

1. every queued mutation that left the outbox is on the server exactly once, and each complaint's
   mutations landed in outbox order; a mutation still in the outbox is not on the server twice;
2. no cached complaint is lost: the cache holds exactly the complaints the server lets the user see;
3. the cache matches the server's view: each cached complaint equals the server's copy (no optimistic
   change left over once the outbox is settled), and the timelines of the complaints the scenario acted
   on (and of any complaint still showing a local entry) hold exactly the server's entries.

Take the expected mutations with ``queued_mutations(store)`` right after queuing them (before syncing):
the outbox is the only record of what the user asked for, and a synced mutation leaves it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sambat_tui.store import complaints, outbox, timeline
from sambat_tui.store.db import Store
from sambat_tui.store.outbox import OutboxState
from tests.support.server import CentralServer

# The fields the client changes optimistically, and the ones the server's answers carry: if these agree
# and the versions agree, the cached complaint is the server's complaint.
_COMPARED = (
    "version",
    "status",
    "assignee_id",
    "agency_id",
    "desk_id",
    "title",
    "description",
    "updated_at",
    "closed_at",
    "first_response_at",
    "priority",
    "visibility",
)


@dataclass(frozen=True)
class Queued:
    seq: int
    mutation_id: str
    complaint_id: str
    op: str
    payload: dict[str, Any]


def queued_mutations(store: Store) -> list[Queued]:
    """Every mutation in the outbox now, in local order."""
    with store.read() as conn:
        entries = outbox.list_entries(conn, limit=1_000_000)
    return [Queued(e.seq, e.mutation_id, e.complaint_id, e.op, dict(e.payload)) for e in entries]


def _outbox_now(store: Store) -> dict[str, OutboxState]:
    with store.read() as conn:
        return {e.mutation_id: e.state for e in outbox.list_entries(conn, limit=1_000_000)}


def _expected_status_changes(mutation: Queued) -> int:
    """How many status_change updates by the user one mutation leaves on the server."""
    if mutation.op == "transition":
        return 1
    if mutation.op == "update" and mutation.payload.get("status_after") == "responded":
        return 1
    return 0


def check_sync_invariants(
    server: CentralServer,
    store: Store,
    user_id: str,
    expected: Sequence[Queued],
    *,
    settled: bool = True,
) -> None:
    """Assert the three promises (module docstring). ``settled``: the outbox must hold nothing but conflicts
    (call it after syncing with faults off); False skips the checks that need a settled outbox."""
    left = _outbox_now(store)
    if settled:
        unsettled = {m: s for m, s in left.items() if s is not OutboxState.CONFLICT}
        assert not unsettled, f"mutations still waiting after the final sync: {unsettled}"
    by_complaint: dict[str, list[Queued]] = defaultdict(list)
    for mutation in sorted(expected, key=lambda m: m.seq):
        by_complaint[mutation.complaint_id].append(mutation)
    for complaint_id, mutations in by_complaint.items():
        _check_complaint_history(server, user_id, complaint_id, mutations, left)
    _check_cache_matches_scope(server, store, user_id, set(by_complaint), settled=settled)


def _check_complaint_history(
    server: CentralServer,
    user_id: str,
    complaint_id: str,
    mutations: list[Queued],
    left: dict[str, OutboxState],
) -> None:
    """Exactly once and in order. Texts are identified by their update id; transitions by their reason
    (the server writes it as the status_change body: give each transition in a scenario its own reason)."""
    history = server.history(complaint_id, "coordinator")
    updates = [u for u in history["updates"] if u["author_id"] == user_id]
    done = [m for m in mutations if m.mutation_id not in left]
    waiting = [m for m in mutations if left.get(m.mutation_id) not in (None, OutboxState.CONFLICT)]
    refused = [m for m in mutations if left.get(m.mutation_id) is OutboxState.CONFLICT]

    text_ids = [u["id"] for u in updates if u["kind"] in ("public_response", "internal_note")]
    for mutation in mutations:
        if mutation.op != "update":
            continue
        count = text_ids.count(mutation.payload["update_id"])
        if mutation in done:
            assert count == 1, f"{mutation.mutation_id}: acknowledged, but on the server {count} times"
        elif mutation in refused:
            assert count == 0, f"{mutation.mutation_id}: a conflict, but on the server {count} times"
        else:
            assert count <= 1, f"{mutation.mutation_id}: waiting, and on the server {count} times"
    done_texts = [m.payload["update_id"] for m in done if m.op == "update"]
    assert [i for i in text_ids if i in done_texts] == done_texts, (
        f"{complaint_id}: texts landed out of order: {text_ids} vs {done_texts}"
    )

    changes = [u for u in updates if u["kind"] == "status_change"]
    low = sum(_expected_status_changes(m) for m in done)
    high = low + sum(_expected_status_changes(m) for m in waiting)
    assert low <= len(changes) <= high, (
        f"{complaint_id}: {len(changes)} status changes by {user_id}, expected {low}..{high} "
        "(a mutation applied twice, or lost)"
    )
    labels = [c["body"] for c in changes if c["body"]]
    done_labels = [m.payload["reason"] for m in done if m.op == "transition" and m.payload.get("reason")]
    for label in {*labels}:
        assert labels.count(label) == 1, (
            f"{complaint_id}: transition {label!r} applied {labels.count(label)} times"
        )
    refused_labels = {m.payload.get("reason") for m in refused if m.op == "transition"}
    assert not refused_labels & set(labels), f"{complaint_id}: a conflicting transition reached the server"
    assert [x for x in labels if x in done_labels] == done_labels, (
        f"{complaint_id}: transitions landed out of outbox order: {labels} vs {done_labels}"
    )

    moved = [
        d
        for d in history["dispositions"]
        if d["actor_id"] == user_id and d["kind"] in ("dispose", "reassign")
    ]
    done_moves = sum(1 for m in done if m.op == "disposition")
    waiting_moves = sum(1 for m in waiting if m.op == "disposition")
    assert done_moves <= len(moved) <= done_moves + waiting_moves, (
        f"{complaint_id}: {len(moved)} dispositions by {user_id} for {done_moves} acknowledged"
    )


def _check_cache_matches_scope(
    server: CentralServer, store: Store, user_id: str, touched: set[str], *, settled: bool
) -> None:
    view = server.scope_view(user_id)
    with store.read() as conn:
        cached_ids = {r[0] for r in conn.execute("SELECT id FROM complaints")}
        missing = set(view) - cached_ids
        extra = cached_ids - set(view)
        assert not missing, f"complaints in {user_id}'s scope missing from the cache: {sorted(missing)}"
        assert not extra, f"cached complaints outside {user_id}'s scope: {sorted(extra)}"
        if not settled:
            return
        for complaint_id, server_copy in view.items():
            cached = complaints.get(conn, complaint_id)
            assert cached is not None
            diff = {
                k: (cached.data.get(k), server_copy.get(k))
                for k in _COMPARED
                if cached.data.get(k) != server_copy.get(k)
            }
            assert not diff, f"cached {complaint_id} differs from the server: {diff}"
            local = [i.id for i in timeline.for_complaint(conn, complaint_id) if i.pending]
            assert not local, f"{complaint_id} still shows unsent timeline entries {local}"
    # Timelines cost a request each: those the scenario touched, and any still showing a local entry.
    with store.read() as conn:
        local = {r[0] for r in conn.execute("SELECT DISTINCT complaint_id FROM timeline WHERE pending = 1")}
    for complaint_id in sorted((touched | local) & set(view)):
        history = server.history(complaint_id, "coordinator")
        server_ids = {u["id"] for u in history["updates"]} | {d["id"] for d in history["dispositions"]}
        with store.read() as conn:
            cached_timeline = {i.id for i in timeline.for_complaint(conn, complaint_id)}
        assert cached_timeline == server_ids, (
            f"{complaint_id}: timeline differs: cache only {sorted(cached_timeline - server_ids)}, "
            f"server only {sorted(server_ids - cached_timeline)}"
        )
