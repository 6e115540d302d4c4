"""Coordinator and supervisor acts beside transitions and dispositions: visibility and duplicate links.

Both follow the /v1 conventions of ``workflow``: ``If-Match`` (428 without, 412 when stale),
``Idempotency-Key`` (a retry replays the first answer), the role checked by ``domain.transitions``, and the
complaint's new version, its system update and its change-log rows written in one transaction.

- visibility (coordinator only): ``public``, ``anonim`` (reporter hidden) or ``rahasia`` (the whole report
  hidden from the public). A ``system`` update (internal) says who changed it from what, and why.
- duplicate (supervisor in their agency, coordinator anywhere): the complaint follows its original's status
  from now on (``workflow.follow_original``). Chains are refused: an original is never a duplicate, and a
  duplicate never has duplicates, so following is one step and never loops. ``duplicate_of: null`` unlinks.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any
from uuid import UUID

from sambat_tui.central.context import Context
from sambat_tui.central.problems import ApiProblem
from sambat_tui.central.records import ScopeKey, StoredComplaint, StoredUpdate
from sambat_tui.central.replies import (
    Reply,
    check_if_match,
    complaint_in_scope,
    remember,
    replay,
    request_hash,
)
from sambat_tui.central.scope import Scope
from sambat_tui.central.storage import WriteTx
from sambat_tui.central.workflow import advance, merged_note, status_change
from sambat_tui.contract import (
    DuplicateRequest,
    MutationResult,
    ProblemCode,
    Update,
    User,
    VisibilityRequest,
)
from sambat_tui.domain import transitions as rules
from sambat_tui.domain.model import UpdateKind


def _forbidden(permission: rules.Permission, what: str) -> ApiProblem:
    return ApiProblem(
        ProblemCode.FORBIDDEN,
        f"Peran Anda tidak boleh {what} / your role may not {permission.value.replace('_', ' ')}",
        extra={"rule": "forbidden"},
    )


def _invalid(field: str, message: str) -> ApiProblem:
    return ApiProblem(
        ProblemCode.VALIDATION_FAILED,
        message,
        extra={"errors": [{"loc": ["body", field], "msg": message, "type": "value_error"}]},
    )


def _system_update(complaint_id: UUID, author_id: str, body: str, tx: WriteTx) -> StoredUpdate:
    update = Update(
        id=uuid.uuid4(),
        complaint_id=complaint_id,
        kind=UpdateKind.SYSTEM,
        body=body,
        author_id=author_id,
        authored_at=tx.now,
        recorded_at=tx.now,
    )
    return StoredUpdate(update, payload_hash="")


def _guarded(
    context: Context,
    user: User,
    complaint_id: UUID,
    path: str,
    request: VisibilityRequest | DuplicateRequest,
    *,
    if_match: str | None,
    idempotency_key: str | None,
    apply: Callable[[WriteTx, StoredComplaint], Reply],
) -> Reply:
    """Replay, scope, If-Match, then ``apply(tx, before)``; the answer is remembered under the key."""
    digest = request_hash("POST", path, request)
    with context.storage.write(context.now()) as tx:
        replayed = replay(tx, user, idempotency_key, digest)
        if replayed is not None:
            return replayed
        before = complaint_in_scope(tx, user, complaint_id)
        check_if_match(if_match, before.complaint)
        reply = apply(tx, before)
        remember(tx, user, idempotency_key, digest, reply)
    return reply


# --- visibility ---


def set_visibility(
    context: Context,
    user: User,
    complaint_id: UUID,
    request: VisibilityRequest,
    *,
    if_match: str | None,
    idempotency_key: str | None,
) -> Reply:
    # The role is checked before anything is read: a desk role learns nothing about the complaint.
    if not rules.has_permission(user.roles, rules.Permission.SET_VISIBILITY):
        raise _forbidden(rules.Permission.SET_VISIBILITY, "mengubah visibilitas")

    def apply(tx: WriteTx, before: StoredComplaint) -> Reply:
        current = before.complaint
        if current.visibility is request.visibility:
            return Reply.of(200, MutationResult(complaint=current), current.etag)
        after = advance(before, tx.now, visibility=request.visibility)
        tx.save_complaint(after, before)
        body = (
            f"Visibilitas diubah dari {current.visibility.value} menjadi {request.visibility.value} / "
            f"visibility changed from {current.visibility.value} to {request.visibility.value}. "
            f"Alasan / reason: {request.reason}"
        )
        note = _system_update(current.id, user.id, body, tx)
        tx.insert_updates([(note, ScopeKey.of(after.complaint))])
        result = MutationResult(complaint=after.complaint, updates=(note.update,))
        return Reply.of(200, result, after.complaint.etag)

    return _guarded(
        context,
        user,
        complaint_id,
        f"/v1/complaints/{complaint_id}/visibility",
        request,
        if_match=if_match,
        idempotency_key=idempotency_key,
        apply=apply,
    )


# --- duplicates ---


def link_duplicate(
    context: Context,
    user: User,
    complaint_id: UUID,
    request: DuplicateRequest,
    *,
    if_match: str | None,
    idempotency_key: str | None,
) -> Reply:
    if not rules.has_permission(user.roles, rules.Permission.LINK_DUPLICATE):
        raise _forbidden(rules.Permission.LINK_DUPLICATE, "menautkan duplikat")

    def apply(tx: WriteTx, before: StoredComplaint) -> Reply:
        if request.duplicate_of is None:
            return _unlink(tx, user, before, request.reason)
        return _link(tx, user, before, request.duplicate_of, request.reason)

    return _guarded(
        context,
        user,
        complaint_id,
        f"/v1/complaints/{complaint_id}/duplicate",
        request,
        if_match=if_match,
        idempotency_key=idempotency_key,
        apply=apply,
    )


def _link(tx: WriteTx, user: User, before: StoredComplaint, original_id: UUID, reason: str) -> Reply:
    current = before.complaint
    if original_id == current.id:
        raise _invalid(
            "duplicate_of", "Pengaduan tidak bisa duplikat dirinya / a complaint is not its own duplicate"
        )
    if current.duplicate_of == original_id:
        return Reply.of(200, MutationResult(complaint=current), current.etag)
    if not current.status.is_open:
        raise ApiProblem(
            ProblemCode.INVALID_TRANSITION,
            f"Pengaduan berstatus {current.status.value} tidak ditautkan / a {current.status.value} "
            "complaint is not linked as a duplicate",
            extra={"rule": "invalid_transition"},
        )
    found = tx.complaint(str(original_id))
    if found is None or not Scope.of(user).matches_complaint(found.complaint):
        raise _invalid("duplicate_of", f"Pengaduan asli {original_id} tidak ditemukan / original not found")
    original = found.complaint
    if original.duplicate_of is not None:
        raise _invalid(
            "duplicate_of",
            f"{original.public_ref} sendiri duplikat dari {original.duplicate_of}; tautkan ke aslinya / "
            f"{original.public_ref} is itself a duplicate of {original.duplicate_of}; link to that one",
        )
    if tx.has_duplicates(str(current.id)):
        raise _invalid(
            "duplicate_of",
            f"{current.public_ref} punya duplikat sendiri; tautkan itu dulu ke {original.public_ref} / "
            f"{current.public_ref} has duplicates of its own; link them to {original.public_ref} first",
        )
    changes: dict[str, Any] = {"duplicate_of": original.id}
    if original.status is not current.status:
        changes["status"] = original.status
        changes["closed_at"] = tx.now if not original.status.is_open else None
    after = advance(before, tx.now, **changes)
    tx.save_complaint(after, before)
    scope = ScopeKey.of(after.complaint)
    body = (
        f"Ditandai duplikat dari {original.public_ref} / marked as a duplicate of {original.public_ref}. "
        f"Alasan / reason: {reason}"
    )
    written = [_system_update(current.id, user.id, body, tx)]
    if original.status is not current.status:
        # Public, unlike the note above: it says what happened, not why (the reason is the coordinator's).
        written.append(status_change(after.complaint, user.id, tx.now, merged_note(original)))
    tx.insert_updates([(s, scope) for s in written])
    result = MutationResult(complaint=after.complaint, updates=tuple(s.update for s in written))
    return Reply.of(200, result, after.complaint.etag)


def _unlink(tx: WriteTx, user: User, before: StoredComplaint, reason: str) -> Reply:
    current = before.complaint
    if current.duplicate_of is None:
        return Reply.of(200, MutationResult(complaint=current), current.etag)
    after = advance(before, tx.now, duplicate_of=None)
    tx.save_complaint(after, before)
    body = f"Tautan duplikat dilepas / no longer a duplicate. Alasan / reason: {reason}"
    note = _system_update(current.id, user.id, body, tx)
    tx.insert_updates([(note, ScopeKey.of(after.complaint))])
    return Reply.of(
        200, MutationResult(complaint=after.complaint, updates=(note.update,)), after.complaint.etag
    )
