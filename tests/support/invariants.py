"""The sync's promises, checked against a real server: reusable after any scenario (faults, kills, fuzzing).

``check_sync_invariants`` asserts, for one user's cache:

1. every queued mutation that left the outbox is on the server exactly once, and each complaint's
   mutations landed in outbox order; a mutation still in the outbox is not on the server twice; a
   conflict is not on the server at all;
2. no cached complaint is lost: the cache holds exactly the complaints the server lets the user see;
3. the cache matches the server's view: each cached complaint equals the server's copy (no optimistic
   change left over once the outbox is settled), and the timelines of the complaints the scenario acted
   on (and of any complaint still showing a local entry) hold exactly the server's entries, plus the local
   copies of texts the server refused (conflicts, shown until a person discards them); work queued
   behind a conflict waits for that person too, and its complaint keeps showing it;
4. the store agrees with itself (``check_store_consistency``).

``audit_mutations`` does the first check without asserting and counts what it finds (applied, waiting,
conflicts, lost, duplicated, out of order), for the kill tests' summary; ``check_store_consistency`` checks
what must hold in the cache at every moment, even right after a ``kill -9``.

How a mutation is found on the server: a text by its client-made update id; a transition or a disposition
by its reason, which the server writes as the body of the ``status_change`` (resp. the disposition's
reason): give each one in a scenario its own reason. Transitions without a reason (``sambat-tui take``) and
the status change of a response are counted together per complaint, from the first one's ``authored_at``
on (a seeded history before it is not the cache's): the server must hold between the acknowledged ones
and those plus the waiting ones. Acts of the same user made outside the cache (through ``/v1`` directly)
must carry reasons of their own, or they would be counted as the cache's.

Take the expected mutations with ``queued_mutations(store)`` right after queuing them (before syncing):
the outbox is the only record of what the user asked for, and a synced mutation leaves it.
"""

from __future__ import annotations

import itertools
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sambat_tui.store import complaints, outbox, timeline
from sambat_tui.store.db import Store
from sambat_tui.store.outbox import QUEUED, OutboxState
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
_MOVES = ("dispose", "reassign")


@dataclass(frozen=True)
class Queued:
    seq: int
    mutation_id: str
    complaint_id: str
    op: str
    payload: dict[str, Any]
    authored_at: datetime | None = None


def queued_mutations(store: Store) -> list[Queued]:
    """Every mutation in the outbox now, in local order."""
    with store.read() as conn:
        entries = outbox.list_entries(conn, limit=1_000_000)
    return [
        Queued(e.seq, e.mutation_id, e.complaint_id, e.op, dict(e.payload), e.authored_at) for e in entries
    ]


def _outbox_now(store: Store) -> dict[str, OutboxState]:
    with store.read() as conn:
        return {e.mutation_id: e.state for e in outbox.list_entries(conn, limit=1_000_000)}


# --- the audit: each mutation on the server exactly once, in order ---


@dataclass
class MutationAudit:
    mutations: int = 0
    applied: int = 0
    """Left the outbox and on the server exactly once."""
    waiting: int = 0
    """Still queued (pending, sending, failed); on the server at most once."""
    conflicts: int = 0
    """In the outbox as a conflict for a person to see."""
    lost: list[str] = field(default_factory=list)
    duplicated: list[str] = field(default_factory=list)
    misordered: list[str] = field(default_factory=list)
    conflict_applied: list[str] = field(default_factory=list)
    """Shown as a conflict, yet on the server."""

    def problems(self) -> list[str]:
        return [
            *(f"lost: {m}" for m in self.lost),
            *(f"applied twice: {m}" for m in self.duplicated),
            *(f"out of order: {m}" for m in self.misordered),
            *(f"a conflict, yet on the server: {m}" for m in self.conflict_applied),
        ]

    def __iadd__(self, other: MutationAudit) -> MutationAudit:
        self.mutations += other.mutations
        self.applied += other.applied
        self.waiting += other.waiting
        self.conflicts += other.conflicts
        self.lost += other.lost
        self.duplicated += other.duplicated
        self.misordered += other.misordered
        self.conflict_applied += other.conflict_applied
        return self


def _label(mutation: Queued) -> str | None:
    """The text the server keeps of a transition or disposition (its reason), if it has one."""
    if mutation.op in ("transition", "disposition"):
        reason = mutation.payload.get("reason")
        return reason if isinstance(reason, str) and reason else None
    return None


def _unlabelled_status_changes(mutation: Queued) -> int:
    """Status changes by the user that cannot be told apart: a take without reason, a response."""
    if mutation.op == "transition" and _label(mutation) is None:
        return 1
    if mutation.op == "update" and mutation.payload.get("status_after") == "responded":
        return 1
    return 0


def _moment(record: dict[str, Any], key: str) -> datetime:
    return datetime.fromisoformat(str(record[key]))


def _audit_complaint(
    history: dict[str, Any], user_id: str, mutations: list[Queued], left: dict[str, OutboxState]
) -> MutationAudit:
    audit = MutationAudit(mutations=len(mutations))
    updates: list[dict[str, Any]] = history["updates"]
    moves = [d for d in history["dispositions"] if d["actor_id"] == user_id and d["kind"] in _MOVES]
    changes = [
        (i, u) for i, u in enumerate(updates) if u["kind"] == "status_change" and u["author_id"] == user_id
    ]
    text_at = {u["id"]: i for i, u in enumerate(updates)}
    labels = Counter(u["body"] for _, u in changes if u["body"])
    label_at = {u["body"]: i for i, u in reversed(changes) if u["body"]}
    move_labels = Counter(d["reason"] for d in moves)
    move_at = {d["reason"]: i for i, d in reversed(list(enumerate(moves)))}

    landed: list[tuple[int, str, int, datetime]] = []  # (seq, list, position, server time) of applied ones
    unlabelled_low = unlabelled_high = 0
    for mutation in mutations:
        state = left.get(mutation.mutation_id)
        name = f"{mutation.complaint_id}/{mutation.op}/{mutation.mutation_id[:8]}"
        label = _label(mutation)
        count: int | None
        where: tuple[str, int, datetime] | None = None
        if mutation.op == "update":
            update_id = mutation.payload["update_id"]
            count = int(update_id in text_at)
            if count:
                at = text_at[update_id]
                where = ("updates", at, _moment(updates[at], "recorded_at"))
        elif mutation.op == "transition" and label is not None:
            count = labels[label]
            if count:
                at = label_at[label]
                where = ("updates", at, _moment(updates[at], "recorded_at"))
        elif mutation.op == "disposition" and label is not None:
            count = move_labels[label]
            if count:
                at = move_at[label]
                where = ("dispositions", at, _moment(moves[at], "created_at"))
        else:
            count = None  # counted with the complaint's other unlabelled status changes below
        unlabelled = _unlabelled_status_changes(mutation)
        if state is None:
            unlabelled_low += unlabelled
            unlabelled_high += unlabelled
        elif state in QUEUED:
            unlabelled_high += unlabelled
        if state is OutboxState.CONFLICT:
            audit.conflicts += 1
            if count:
                audit.conflict_applied.append(name)
            continue
        if state is not None:
            audit.waiting += 1
            if count is not None and count > 1:
                audit.duplicated.append(f"{name} (on the server {count} times)")
            continue
        if count == 0:
            audit.lost.append(name)
        elif count is not None and count > 1:
            audit.duplicated.append(f"{name} (on the server {count} times)")
        else:
            audit.applied += 1
        if where is not None:
            landed.append((mutation.seq, *where))
    # Status changes the user made before the scenario (a seeded history) are not the cache's.
    since = min((m.authored_at for m in mutations if m.authored_at is not None), default=None)
    found = sum(
        1 for _, u in changes if not u["body"] and (since is None or _moment(u, "recorded_at") >= since)
    )
    if found > unlabelled_high:
        audit.duplicated.append(
            f"{history['complaint_id']}: {found} status changes without reason, at most {unlabelled_high}"
        )
    if found < unlabelled_low:
        audit.lost.append(
            f"{history['complaint_id']}: {found} status changes without reason, at least {unlabelled_low}"
        )
    landed.sort()
    for before, after in itertools.pairwise(landed):
        same_list = before[1] == after[1]
        if (same_list and before[2] > after[2]) or before[3] > after[3]:
            audit.misordered.append(f"{history['complaint_id']}: outbox {before[0]} landed after {after[0]}")
    return audit


def _check_labels_unique(expected: Iterable[Queued]) -> None:
    seen = Counter((m.complaint_id, m.op, _label(m)) for m in expected if _label(m) is not None)
    twice = [key for key, n in seen.items() if n > 1]
    assert not twice, f"the scenario gave two mutations the same reason (they cannot be told apart): {twice}"


def audit_mutations(
    server: CentralServer,
    store: Store,
    user_id: str,
    expected: Sequence[Queued],
    *,
    only: Iterable[str] | None = None,
) -> MutationAudit:
    """Where each expected mutation is (module docstring), counted. ``only``: those complaints alone."""
    _check_labels_unique(expected)
    left = _outbox_now(store)
    wanted = None if only is None else set(only)
    by_complaint: dict[str, list[Queued]] = defaultdict(list)
    for mutation in sorted(expected, key=lambda m: m.seq):
        if wanted is None or mutation.complaint_id in wanted:
            by_complaint[mutation.complaint_id].append(mutation)
    audit = MutationAudit()
    for complaint_id, mutations in by_complaint.items():
        history = server.history(complaint_id, "coordinator")
        audit += _audit_complaint(history, user_id, mutations, left)
    return audit


# --- the cache at every moment ---


def check_store_consistency(store: Store) -> None:
    """What holds in the cache whatever moment a process died at: each complaint's ``pending`` counts its
    outbox rows, every mutation still on its way and never sent has its complaint cached (an eviction turns
    those into conflicts in the same transaction), and every local (pending) timeline entry belongs to a
    text still in the outbox."""
    with store.read() as conn:
        rows = "(SELECT count(*) FROM outbox WHERE complaint_id = complaints.id)"
        wrong = conn.execute(f"SELECT id, pending, {rows} FROM complaints WHERE pending != {rows}").fetchall()
        # One sent before may outlive its complaint: the push asks the server whether it arrived.
        orphans = conn.execute(
            "SELECT mutation_id, complaint_id, state FROM outbox WHERE state != 'conflict' "
            "AND attempts = 0 AND complaint_id NOT IN (SELECT id FROM complaints)"
        ).fetchall()
        texts = {
            str(e.payload.get("update_id"))
            for e in outbox.list_entries(conn, limit=1_000_000)
            if e.op == "update"
        }
        ghosts = [
            (r[0], r[1])
            for r in conn.execute("SELECT id, complaint_id FROM timeline WHERE pending = 1")
            if r[0] not in texts
        ]
    assert not wrong, f"complaints whose pending count is not their outbox rows (id, pending, rows): {wrong}"
    assert not orphans, f"queued mutations of complaints not in the cache: {orphans}"
    assert not ghosts, f"local timeline entries with no text in the outbox: {ghosts}"


# --- everything, once the outbox is settled ---


def check_sync_invariants(
    server: CentralServer,
    store: Store,
    user_id: str,
    expected: Sequence[Queued],
    *,
    settled: bool = True,
) -> None:
    """Assert the promises (module docstring). ``settled``: the outbox must hold nothing but conflicts and
    the work queued behind them (call it after syncing with faults off); False skips the checks that need
    a settled outbox."""
    left = _outbox_now(store)
    if settled:
        blocked = _blocked(store)
        unsettled = {m: s for m, s in left.items() if s is not OutboxState.CONFLICT and m not in blocked}
        assert not unsettled, f"mutations still waiting after the final sync: {unsettled}"
    audit = audit_mutations(server, store, user_id, expected)
    assert not audit.problems(), "\n".join(audit.problems())
    check_store_consistency(store)
    check_cache_matches_scope(server, store, user_id, {m.complaint_id for m in expected}, settled=settled)


def _held(store: Store) -> tuple[set[str], set[str]]:
    """Texts still in the outbox (conflicts, and work waiting behind a conflict): their local copies stay
    on the timeline; and the complaints with work waiting behind a conflict: they keep showing it."""
    with store.read() as conn:
        entries = outbox.list_entries(conn, limit=1_000_000)
    texts = {str(e.payload.get("update_id")) for e in entries if e.op == "update"}
    return texts, {e.complaint_id for e in entries if e.state in QUEUED}


def _blocked(store: Store) -> set[str]:
    """Mutations queued behind a conflict of their complaint: they wait for a person, not for the sync."""
    with store.read() as conn:
        rows = conn.execute(
            "SELECT mutation_id FROM outbox AS o WHERE state != 'conflict' AND EXISTS (SELECT 1 FROM outbox "
            "AS c WHERE c.complaint_id = o.complaint_id AND c.state = 'conflict' AND c.seq < o.seq)"
        ).fetchall()
    return {str(r[0]) for r in rows}


def check_cache_matches_scope(
    server: CentralServer, store: Store, user_id: str, touched: set[str], *, settled: bool = True
) -> None:
    """No cached complaint lost or left over: the cache holds exactly the user's scope; ``settled``: each
    equals the server's copy, and the timelines of ``touched`` (and of any showing a local entry) match,
    but for the work a person must look at (conflicts, and what waits behind one)."""
    view = server.scope_view(user_id)
    texts, waiting = _held(store)
    with store.read() as conn:
        cached_ids = {r[0] for r in conn.execute("SELECT id FROM complaints")}
        missing = set(view) - cached_ids
        extra = cached_ids - set(view)
        assert not missing, f"complaints in {user_id}'s scope missing from the cache: {sorted(missing)}"
        assert not extra, f"cached complaints outside {user_id}'s scope: {sorted(extra)}"
        if not settled:
            return
        for complaint_id, server_copy in view.items():
            if complaint_id in waiting:
                continue
            cached = complaints.get(conn, complaint_id)
            assert cached is not None
            diff = {
                k: (cached.data.get(k), server_copy.get(k))
                for k in _COMPARED
                if cached.data.get(k) != server_copy.get(k)
            }
            assert not diff, f"cached {complaint_id} differs from the server: {diff}"
            local = [
                i.id for i in timeline.for_complaint(conn, complaint_id) if i.pending and i.id not in texts
            ]
            assert not local, f"{complaint_id} still shows unsent timeline entries {local}"
    # Timelines cost a request each: those the scenario touched, and any still showing a local entry.
    with store.read() as conn:
        showing = {r[0] for r in conn.execute("SELECT DISTINCT complaint_id FROM timeline WHERE pending = 1")}
    for complaint_id in sorted((touched | showing) & set(view)):
        history = server.history(complaint_id, "coordinator")
        server_ids = {u["id"] for u in history["updates"]} | {d["id"] for d in history["dispositions"]}
        with store.read() as conn:
            cached_timeline = {i.id for i in timeline.for_complaint(conn, complaint_id)}
        assert cached_timeline - texts == server_ids, (
            f"{complaint_id}: timeline differs: cache only {sorted(cached_timeline - texts - server_ids)}, "
            f"server only {sorted(server_ids - cached_timeline)}"
        )
