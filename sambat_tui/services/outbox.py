"""The outbox as people see it: what is waiting, what failed and why, and what they can do about it.

Everything is read from the store each time ("sent" is what the database says, never memory). A mutation
leaves the outbox only when the server acknowledged it, or when a person discards it after a confirm.

The counts come from the store alone: the status bar shows them on the app's first frame. What acting on an
entry needs (the text checks of the wire contract, the sync's optimistic changes, the timeline's table)
loads when it is done.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import datetime
from types import MappingProxyType
from typing import Any, NamedTuple

from sambat_tui.domain.model import UpdateKind
from sambat_tui.domain.text_safety import one_line
from sambat_tui.store import complaints, outbox
from sambat_tui.store.db import Store
from sambat_tui.store.outbox import QUEUED, OutboxState
from sambat_tui.store.outbox import OutboxEntry as StoredEntry

SUMMARY_LENGTH = 60


class OutboxActionRefused(Exception):
    """The outbox row cannot take this action now; the message says why in both languages."""


class OutboxEntry(NamedTuple):
    seq: int
    mutation_id: str
    complaint_id: str
    public_ref: str
    op: str
    summary: str
    """What the mutation does, one line in the wire's words, for logs and scripts: ``take``,
    ``return: <reason>``, ``public_response: <text>``. People read ``kind`` and ``details`` instead."""
    state: str
    attempts: int
    last_error: str | None
    server_reason: str | None
    created_at: datetime
    kind: str = ""
    """What the mutation does, for the UI to say in its own language (``describe``): ``transition``,
    ``update``, ``disposition``, ``visibility``, ``duplicate``; another op is its own kind."""
    details: Mapping[str, str] = MappingProxyType({})
    """The kind's values, as stored (untrusted: neutralise before display); see ``describe``."""


class OutboxCounts(NamedTuple):
    pending: int
    """Waiting to be sent, including the one being sent right now."""
    failed: int
    conflicts: int

    @property
    def waiting(self) -> int:
        """Everything not yet on the server."""
        return self.pending + self.failed + self.conflicts


def describe(op: str, payload: Mapping[str, Any]) -> tuple[str, dict[str, str]]:
    """A mutation as a kind and its details, every value a string (the UI words them from its catalogue):

    - ``transition``: ``action`` (an ``Action`` value), ``text`` (the reason, if any)
    - ``update``: ``update_kind`` (an ``UpdateKind`` value), ``text`` (the body)
    - ``disposition``: ``disposition`` (a ``DispositionKind`` value), ``to_agency``, ``to_desk``, ``to_user``
      (those given), ``text`` (the reason)
    - ``visibility``: ``visibility`` (a ``Visibility`` value), ``text`` (the reason)
    - ``duplicate``: ``original`` (its reference; absent when unlinking), ``text`` (the reason)
    - any other op: itself, no details
    """
    from sambat_tui.sync.optimistic import Op

    fields: dict[str, str]
    if op == Op.TRANSITION:
        fields = {"action": "action", "text": "reason"}
    elif op == Op.UPDATE:
        fields = {"update_kind": "kind", "text": "body"}
    elif op == Op.DISPOSITION:
        fields = {"disposition": "kind", "to_agency": "to_agency", "to_desk": "to_desk", "to_user": "to_user"}
        fields["text"] = "reason"
    elif op == Op.VISIBILITY:
        fields = {"visibility": "visibility", "text": "reason"}
    elif op == Op.DUPLICATE:
        original = payload.get("duplicate_of_ref") or payload.get("duplicate_of")
        details = {"original": str(original)} if original else {}
        reason = payload.get("reason")
        return op, details | ({"text": reason} if isinstance(reason, str) and reason else {})
    else:
        return op, {}
    found = {name: payload.get(key) for name, key in fields.items()}
    return op, {name: str(value) for name, value in found.items() if value is not None and value != ""}


def summarise(op: str, payload: Mapping[str, Any]) -> str:
    """One display line for a mutation in the wire's words, from ``describe`` (already neutralised: the text
    may be anyone's)."""
    kind, details = describe(op, payload)
    if kind == "transition":
        head = details.get("action", "?")
    elif kind == "update":
        head = details.get("update_kind", "?")
    elif kind == "disposition":
        target = "/".join(details[k] for k in ("to_agency", "to_desk") if k in details)
        head = f"{details.get('disposition', '?')} -> {target}"
    elif kind == "visibility":
        head = f"visibility -> {details.get('visibility', '?')}"
    elif kind == "duplicate":
        head = f"duplicate of {details['original']}" if "original" in details else "not a duplicate"
    else:
        head = op
    text = details.get("text")
    return one_line(f"{head}: {text}" if text else head, SUMMARY_LENGTH)


def _entry(stored: StoredEntry, ref: str | None) -> OutboxEntry:
    kind, details = describe(stored.op, stored.payload)
    return OutboxEntry(
        seq=stored.seq,
        mutation_id=stored.mutation_id,
        complaint_id=stored.complaint_id,
        public_ref=ref or str(stored.payload.get("ref") or stored.complaint_id),
        op=stored.op,
        summary=summarise(stored.op, stored.payload),
        state=stored.state.value,
        attempts=stored.attempts,
        last_error=stored.last_error,
        server_reason=stored.server_reason,
        created_at=stored.created_at,
        kind=kind,
        details=details,
    )


def _drop_local_copy(conn: Any, complaint_id: str, update_id: str) -> None:
    """Remove the pending copy of a queued update; a copy the server confirmed stays."""
    from sambat_tui.store import timeline

    for item in timeline.for_complaint(conn, complaint_id):
        if item.id == update_id and item.pending:
            timeline.delete(conn, update_id)


class OutboxService:
    def __init__(self, store: Store) -> None:
        self._store = store

    def entries(self, limit: int = 10_000) -> tuple[OutboxEntry, ...]:
        """Every queued mutation in local order (the order they will be sent in, per complaint)."""
        with self._store.read() as conn:
            stored = outbox.list_entries(conn, limit=limit)
            refs = dict(
                conn.execute(
                    "SELECT id, public_ref FROM complaints WHERE id IN "
                    "(SELECT DISTINCT complaint_id FROM outbox)"
                ).fetchall()
            )
        return tuple(_entry(e, refs.get(e.complaint_id)) for e in stored)

    def counts(self) -> OutboxCounts:
        with self._store.read() as conn:
            found = outbox.counts(conn)
        return OutboxCounts(
            pending=found[OutboxState.PENDING] + found[OutboxState.SENDING],
            failed=found[OutboxState.FAILED],
            conflicts=found[OutboxState.CONFLICT],
        )

    @staticmethod
    def _find(conn: Any, mutation_id: str) -> StoredEntry:
        entry = outbox.find(conn, mutation_id)
        if entry is None:
            raise KeyError(f"no outbox entry {mutation_id}")
        return entry

    def retry(self, mutation_id: str) -> None:
        """Send a failed or conflicting mutation again at the next sync."""
        from sambat_tui.sync.optimistic import changes_for

        with self._store.transaction() as conn:
            entry = self._find(conn, mutation_id)
            if entry.state is OutboxState.SENDING:
                raise OutboxActionRefused("sedang dikirim / being sent right now")
            was_queued = entry.state in QUEUED
            outbox.requeue(conn, entry.seq)
            cached = complaints.get(conn, entry.complaint_id)
            if not was_queued and cached is not None:
                changed = changes_for(cached.data, entry.op, entry.payload, entry.actor)
                if changed:
                    complaints.patch_local(conn, cached.id, changed)

    def discard(self, mutation_id: str) -> None:
        """Drop a mutation for good (the caller asked the person to confirm first).

        The cached row loses the optimistic change at the next sync, which fetches the server's copy.
        """
        from sambat_tui.sync.optimistic import Op
        from sambat_tui.sync.pull import request_refetch

        with self._store.transaction() as conn:
            entry = self._find(conn, mutation_id)
            if entry.state is OutboxState.SENDING:
                raise OutboxActionRefused(
                    "sedang dikirim; coba lagi sebentar / being sent right now; try again"
                )
            outbox.remove(conn, entry.seq)
            update_id = entry.payload.get("update_id")
            if entry.op == Op.UPDATE and isinstance(update_id, str):
                _drop_local_copy(conn, entry.complaint_id, update_id)
            if entry.state in QUEUED:
                request_refetch(conn, entry.complaint_id)

    def edit(self, mutation_id: str, body: str) -> None:
        """Edit-and-retry a response or note: a new text, queued again.

        Refused for a mutation that may already have reached the server (sent before, outcome unknown):
        retry it first; editing could otherwise leave both texts on the server.
        """
        from sambat_tui.services.actions import MAX_BODY, checked_text
        from sambat_tui.sync.optimistic import Op

        body = checked_text(body, limit=MAX_BODY, what="teks / text")
        with self._store.transaction() as conn:
            entry = self._find(conn, mutation_id)
            if entry.op != Op.UPDATE:
                raise OutboxActionRefused(
                    "hanya tanggapan dan catatan yang bisa diubah / only texts can be edited"
                )
            conflict = entry.state is OutboxState.CONFLICT
            if not conflict and entry.attempts > 0:
                raise OutboxActionRefused(
                    "mungkin sudah sampai di server; kirim ulang dulu / "
                    "it may have reached the server; retry it first"
                )
            from sambat_tui.store import timeline

            old_id = str(entry.payload["update_id"])
            # The server refused the old id's content for good: a new id, so it can never clash with it.
            new_id = str(uuid.uuid4()) if conflict else old_id
            payload = {**entry.payload, "body": body, "update_id": new_id}
            outbox.requeue(conn, entry.seq, payload=payload)
            _drop_local_copy(conn, entry.complaint_id, old_id)
            timeline.put_local_update(
                conn,
                {
                    "id": new_id,
                    "complaint_id": entry.complaint_id,
                    "kind": payload.get("kind", UpdateKind.INTERNAL_NOTE.value),
                    "body": body,
                    "status_after": payload.get("status_after"),
                    "author_id": entry.actor,
                    "authored_at": payload["authored_at"],
                },
            )
