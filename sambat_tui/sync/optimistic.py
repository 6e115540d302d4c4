"""What a queued mutation does to the cached complaint before the server has it (the optimistic change).

The services apply it when an action is queued; the sync applies the still-queued mutations again on top of
every server copy it stores, so a complaint keeps showing the user's own work until the server has it. The
functions are pure: a wire complaint (dict) in, the fields to change out.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping
from typing import Any

from sambat_tui.domain import transitions as rules
from sambat_tui.domain.model import Action, DispositionKind, Status, Visibility
from sambat_tui.store import complaints, outbox
from sambat_tui.store.outbox import QUEUED, OutboxEntry


class Op:
    """The outbox ``op`` values (INTERFACES.md, Outbox mutations)."""

    TRANSITION = "transition"
    UPDATE = "update"
    DISPOSITION = "disposition"
    VISIBILITY = "visibility"
    DUPLICATE = "duplicate"


def changes_for(data: Mapping[str, Any], op: str, payload: Mapping[str, Any], actor: str) -> dict[str, Any]:
    """The wire fields ``op`` changes on ``data``; empty when it does not apply to the complaint as it is."""
    try:
        status = Status(data["status"])
    except (KeyError, ValueError):
        return {}
    try:
        return _changes(data, status, op, payload, actor)
    except (KeyError, ValueError):
        return {}  # a malformed mutation changes nothing here; the push turns it into a conflict


def _changes(
    data: Mapping[str, Any], status: Status, op: str, payload: Mapping[str, Any], actor: str
) -> dict[str, Any]:
    if op == Op.TRANSITION:
        action = Action(payload["action"])
        rule = rules.TRANSITIONS[action]
        if status not in rule.sources:
            return {}
        changed: dict[str, Any] = {"status": (rule.target or status).value}
        if action is Action.TAKE:
            changed["assignee_id"] = actor
        return changed
    if op == Op.UPDATE:
        if (
            payload.get("status_after") == Status.RESPONDED.value
            and status in rules.TRANSITIONS[Action.RESPOND].sources
        ):
            return {"status": Status.RESPONDED.value}
        return {}
    if op == Op.DISPOSITION:
        kind = DispositionKind(payload["kind"])
        try:
            after = rules.status_after_disposition(status, kind)
        except rules.RuleViolation:
            return {}
        desk = payload.get("to_desk")
        if desk is None and kind is DispositionKind.REASSIGN:
            desk = data.get("desk_id")
        return {
            "status": after.value,
            "agency_id": payload["to_agency"],
            "desk_id": desk,
            "assignee_id": payload.get("to_user"),
        }
    if op == Op.VISIBILITY:
        return {"visibility": Visibility(payload["visibility"]).value}
    if op == Op.DUPLICATE:
        # The status follows the original once the server has the link; the cache may not hold the original.
        original = payload["duplicate_of"]
        if original is not None and not isinstance(original, str):
            raise ValueError("duplicate_of must be a complaint id or null")
        return {"duplicate_of": original}
    raise ValueError(f"unknown outbox op {op!r}")


def apply_queued(data: Mapping[str, Any], entries: list[OutboxEntry]) -> dict[str, Any]:
    """``data`` with every queued (not conflicting) mutation applied in outbox order."""
    result = dict(data)
    for entry in entries:
        if entry.state in QUEUED:
            result.update(changes_for(result, entry.op, entry.payload, entry.actor))
    return result


def reapply(conn: sqlite3.Connection, complaint_id: str) -> bool:
    """Put the still-queued mutations back on top of the server copy just stored; True if that changed it.

    Call it only right after the server's copy was written (applying a mutation twice is not a no-op for
    every sequence of acts).
    """
    cached = complaints.get(conn, complaint_id)
    if cached is None or not cached.pending:
        return False
    queued = [e for e in outbox.for_complaint(conn, complaint_id) if e.state in QUEUED]
    if not queued:
        return False
    changed = apply_queued(cached.data, queued)
    if changed == cached.data:
        return False
    complaints.put_local(conn, changed)
    return True


def store_server_copy(conn: sqlite3.Connection, data: Mapping[str, Any]) -> bool:
    """Write the server's copy of a complaint unless the cache has a newer one, then put the queued
    mutations back on top. Returns whether the copy was written (False: the cached one is newer)."""
    complaint_id = str(data["id"])
    cached = complaints.versions(conn, [complaint_id]).get(complaint_id)
    if cached is not None and cached > int(data["version"]):
        return False
    complaints.upsert_many(conn, [data])
    reapply(conn, complaint_id)
    return True
