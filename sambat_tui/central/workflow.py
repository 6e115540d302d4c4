"""Acts on a complaint: transitions, dispositions and updates, each in one write transaction.

The domain decides what is allowed (``domain.transitions``); this module applies it, writes the timeline
entries every act leaves (a ``status_change`` update for each change of status, a ``return`` disposition for a
return) and makes retries harmless (Idempotency-Key, update ids).
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from sambat_tui.central.context import Context
from sambat_tui.central.intake import SYSTEM_AUTHOR
from sambat_tui.central.problems import ApiProblem
from sambat_tui.central.records import Deadline, ScopeKey, StoredComplaint, StoredUpdate
from sambat_tui.central.replies import (
    Reply,
    check_if_match,
    complaint_in_scope,
    remember,
    replay,
    request_hash,
)
from sambat_tui.central.storage import ReadTx, WriteTx
from sambat_tui.contract import (
    Complaint,
    Disposition,
    DispositionRequest,
    MutationResult,
    ProblemCode,
    TransitionRequest,
    Update,
    UpdateRequest,
    User,
)
from sambat_tui.domain import transitions as rules
from sambat_tui.domain.model import Action, DispositionKind, Role, Status, UpdateKind, Visibility
from sambat_tui.domain.sla import reply_due_after

_STATUS_OF_VIOLATION: dict[str, ProblemCode] = {
    "forbidden": ProblemCode.FORBIDDEN,
    "invalid_transition": ProblemCode.INVALID_TRANSITION,
    "reason_required": ProblemCode.VALIDATION_FAILED,
}


def violation_problem(violation: rules.RuleViolation) -> ApiProblem:
    code = _STATUS_OF_VIOLATION.get(str(violation.code), ProblemCode.FORBIDDEN)
    extra: dict[str, Any] = {"rule": str(violation.code)}
    if code is ProblemCode.VALIDATION_FAILED:
        extra["errors"] = [{"loc": ["body", "reason"], "msg": violation.message, "type": str(violation.code)}]
    return ApiProblem(code, violation.message, extra=extra)


def advance(
    stored: StoredComplaint, now: datetime, *, escalated: frozenset[Deadline] | None = None, **changes: Any
) -> StoredComplaint:
    """The next version of a complaint with ``changes`` applied (and ``escalated`` replaced when given)."""
    complaint = stored.complaint.model_copy(
        update={**changes, "version": stored.complaint.version + 1, "updated_at": now}
    )
    return StoredComplaint(
        complaint, stored.intake_hash, stored.created_by, stored.escalated if escalated is None else escalated
    )


def status_change(complaint: Complaint, author_id: str, now: datetime, body: str = "") -> StoredUpdate:
    update = Update(
        id=uuid.uuid4(),
        complaint_id=complaint.id,
        kind=UpdateKind.STATUS_CHANGE,
        body=body,
        status_after=complaint.status,
        author_id=author_id,
        authored_at=now,
        recorded_at=now,
    )
    return StoredUpdate(update, payload_hash="")


def _closing(status: Status, now: datetime) -> dict[str, Any]:
    return {"closed_at": now} if not status.is_open else {}


def merged_note(original: Complaint) -> str:
    """The public body of the status change that links a duplicate to ``original``.

    Public (notes[], servicerequestupdates, /lacak): it names the original's reference, never the reason of
    the link (that stays in the internal system note), and not even the reference of a ``rahasia`` original,
    whose existence the public side never reveals.
    """
    if original.visibility is Visibility.RAHASIA:
        return (
            "Digabung dengan laporan lain tentang hal yang sama / "
            "merged with another report on the same matter"
        )
    return f"Digabung dengan laporan {original.public_ref} / merged with report {original.public_ref}"


def _following_note(original: Complaint) -> str:
    if original.visibility is Visibility.RAHASIA:
        return "Mengikuti status laporan yang digabungkan / follows the report it was merged with"
    return f"Mengikuti status {original.public_ref} (duplikat) / follows {original.public_ref} (duplicate)"


def follow_original(tx: WriteTx, original: Complaint) -> list[Update]:
    """Move the duplicates of ``original`` to its status, in the caller's transaction.

    Each duplicate that changes gets its own ``status_change`` update by the system. A duplicate is never an
    original itself (the duplicate endpoint refuses chains), so this never recurses. An archived duplicate
    stays archived: the coordinator put it away on purpose.
    """
    now = tx.now
    written: list[Update] = []
    for stored in tx.duplicates_of(str(original.id)):
        current = stored.complaint
        if current.status is original.status or current.status is Status.ARCHIVED:
            continue
        closing = (
            {"closed_at": current.closed_at or now} if not original.status.is_open else {"closed_at": None}
        )
        after = advance(stored, now, status=original.status, **closing)
        tx.save_complaint(after, stored)
        change = status_change(after.complaint, SYSTEM_AUTHOR, now, _following_note(original))
        tx.insert_updates([(change, ScopeKey.of(after.complaint))])
        written.append(change.update)
    return written


# --- transitions ---


def transition(
    context: Context,
    user: User,
    complaint_id: UUID,
    request: TransitionRequest,
    *,
    if_match: str | None,
    idempotency_key: str | None,
) -> Reply:
    if request.action is Action.RESPOND:
        raise ApiProblem(
            ProblemCode.VALIDATION_FAILED,
            "Tanggapan dikirim bersama teksnya: PUT /v1/complaints/{id}/updates/{update_id} dengan "
            'status_after "responded" / respond travels with its public response: '
            'PUT .../updates/{update_id} with status_after "responded"',
            extra={"errors": [{"loc": ["body", "action"], "msg": "use the updates endpoint to respond"}]},
        )
    digest = request_hash("POST", f"/v1/complaints/{complaint_id}/transitions", request)
    with context.storage.write(context.now()) as tx:
        replayed = replay(tx, user, idempotency_key, digest)
        if replayed is not None:
            return replayed
        before = complaint_in_scope(tx, user, complaint_id)
        check_if_match(if_match, before.complaint)
        reply = _apply_transition(context, tx, user, before, request)
        remember(tx, user, idempotency_key, digest, reply)
    return reply


def _apply_transition(
    context: Context, tx: WriteTx, user: User, before: StoredComplaint, request: TransitionRequest
) -> Reply:
    now, current = tx.now, before.complaint
    try:
        status = rules.apply_action(current.status, request.action, user.roles, request.reason)
    except rules.RuleViolation as violation:
        raise violation_problem(violation) from None
    if request.action is Action.VERIFY and current.agency_id is None:
        raise ApiProblem(
            ProblemCode.INVALID_TRANSITION,
            "Pengaduan belum punya instansi tujuan: disposisikan, bukan verifikasi / the complaint has no "
            "agency yet: dispose it to one instead of verifying",
        )
    changes: dict[str, Any] = {"status": status, **_closing(status, now)}
    if request.action is Action.TAKE:
        changes["assignee_id"] = user.id
    after = advance(before, now, **changes)
    tx.save_complaint(after, before)
    scope = ScopeKey.of(after.complaint)
    update = status_change(after.complaint, user.id, now, request.reason or "")
    tx.insert_updates([(update, scope)])
    if status is not current.status:
        follow_original(tx, after.complaint)
    dispositions: list[Disposition] = []
    if request.action is Action.RETURN:
        target = context.settings.coordinator_agency_id
        rules.check_disposition(DispositionKind.RETURN, None, None, current.agency_id, target)
        back = Disposition(
            id=uuid.uuid4(),
            complaint_id=current.id,
            kind=DispositionKind.RETURN,
            from_agency_id=current.agency_id,
            from_desk_id=current.desk_id,
            to_agency_id=target,
            reason=request.reason or "",
            actor_id=user.id,
            created_at=now,
        )
        tx.insert_dispositions([(back, scope)])
        dispositions.append(back)
    result = MutationResult(
        complaint=after.complaint, updates=(update.update,), dispositions=tuple(dispositions)
    )
    return Reply.of(200, result, after.complaint.etag)


# --- dispositions ---


def dispose(
    context: Context,
    user: User,
    complaint_id: UUID,
    request: DispositionRequest,
    *,
    if_match: str | None,
    idempotency_key: str | None,
) -> Reply:
    digest = request_hash("POST", f"/v1/complaints/{complaint_id}/dispositions", request)
    with context.storage.write(context.now()) as tx:
        replayed = replay(tx, user, idempotency_key, digest)
        if replayed is not None:
            return replayed
        before = complaint_in_scope(tx, user, complaint_id)
        check_if_match(if_match, before.complaint)
        reply = _apply_disposition(tx, user, before, request)
        remember(tx, user, idempotency_key, digest, reply)
    return reply


def _invalid(field: str, message: str) -> ApiProblem:
    return ApiProblem(
        ProblemCode.VALIDATION_FAILED,
        message,
        extra={"errors": [{"loc": ["body", field], "msg": message, "type": "value_error"}]},
    )


def _targets(tx: ReadTx, current: Complaint, request: DispositionRequest) -> tuple[str | None, str | None]:
    """The desk and assignee the complaint lands at; 422 when a target does not exist or fit."""
    agency = tx.agency(request.to_agency)
    if agency is None or not agency.active:
        raise _invalid("to_agency", f"Instansi {request.to_agency!r} tidak dikenal / unknown agency")
    desk_id: str | None = None
    if request.to_desk is not None:
        desk = tx.desk(request.to_desk)
        if desk is None or desk.agency_id != agency.id:
            raise _invalid(
                "to_desk", f"Meja {request.to_desk!r} bukan milik {agency.id} / not a desk of {agency.id}"
            )
        if not desk.active:
            name = request.to_desk
            raise _invalid("to_desk", f"Meja {name!r} sudah tidak dipakai / desk {name!r} is retired")
        desk_id = desk.id
    if request.to_user is not None:
        target = tx.user(request.to_user)
        if target is None or target.agency_id != agency.id:
            raise _invalid(
                "to_user", f"Pengguna {request.to_user!r} bukan staf {agency.id} / not staff of {agency.id}"
            )
    if request.kind is DispositionKind.REASSIGN:
        if request.to_desk is None and request.to_user is None:
            raise _invalid(
                "to_desk", "Reassign perlu to_desk atau to_user / reassign needs to_desk or to_user"
            )
        desk_id = desk_id or current.desk_id
    elif desk_id is None and current.category_code is not None:
        # A dispose without a desk lands at the category's usual desk when it belongs to the new agency.
        category = tx.category(current.category_code)
        if category is not None and category.default_desk_id is not None:
            default = tx.desk(category.default_desk_id)
            if default is not None and default.agency_id == agency.id and default.active:
                desk_id = default.id
    return desk_id, request.to_user


def _apply_disposition(
    tx: WriteTx, user: User, before: StoredComplaint, request: DispositionRequest
) -> Reply:
    now, current = tx.now, before.complaint
    try:
        rules.check_disposition(
            request.kind, user.roles, user.agency_id, current.agency_id, request.to_agency
        )
        desk_id, assignee_id = _targets(tx, current, request)
        status = rules.status_after_disposition(current.status, request.kind)
    except rules.RuleViolation as violation:
        raise violation_problem(violation) from None
    after = advance(
        before, now, status=status, agency_id=request.to_agency, desk_id=desk_id, assignee_id=assignee_id
    )
    tx.save_complaint(after, before)
    scope = ScopeKey.of(after.complaint)
    disposition = Disposition(
        id=uuid.uuid4(),
        complaint_id=current.id,
        kind=request.kind,
        from_agency_id=current.agency_id,
        from_desk_id=current.desk_id,
        to_agency_id=request.to_agency,
        to_desk_id=desk_id,
        to_user_id=assignee_id,
        reason=request.reason,
        actor_id=user.id,
        created_at=now,
    )
    tx.insert_dispositions([(disposition, scope)])
    updates: list[Update] = []
    if status is not current.status:
        change = status_change(after.complaint, user.id, now, request.reason)
        tx.insert_updates([(change, scope)])
        updates.append(change.update)
        follow_original(tx, after.complaint)
    result = MutationResult(complaint=after.complaint, updates=tuple(updates), dispositions=(disposition,))
    return Reply.of(200, result, after.complaint.etag)


# --- updates ---

_SERVER_KINDS = frozenset({UpdateKind.STATUS_CHANGE, UpdateKind.SYSTEM})


def _update_key(update_id: UUID) -> str:
    # Updates are idempotent by their id; the first answer is kept like an Idempotency-Key's.
    return f"update:{update_id}"


def put_update(
    context: Context, user: User, complaint_id: UUID, update_id: UUID, request: UpdateRequest
) -> Reply:
    """201 with the complaint and what was written; 200 and the first answer for the same update again."""
    if request.kind in _SERVER_KINDS:
        raise _invalid(
            "kind", f"Jenis {request.kind.value!r} hanya ditulis server / is written by the server only"
        )
    if request.status_after is not None and (
        request.kind is not UpdateKind.PUBLIC_RESPONSE or request.status_after is not Status.RESPONDED
    ):
        raise _invalid(
            "status_after",
            'status_after hanya "responded" pada public_response / only "responded", with a public_response',
        )
    digest = request_hash("PUT", f"/v1/complaints/{complaint_id}/updates/{update_id}", request)
    key = _update_key(update_id)
    with context.storage.write(context.now()) as tx:
        existing = tx.stored_update(str(update_id))
        if existing is not None:
            return _replay_update(tx, user, complaint_id, update_id, existing, digest)
        before = complaint_in_scope(tx, user, complaint_id)
        reply = _apply_update(context, tx, user, before, update_id, request, digest)
        remember(tx, user, key, digest, reply)
    return reply


def _replay_update(
    tx: ReadTx, user: User, complaint_id: UUID, update_id: UUID, existing: StoredUpdate, digest: str
) -> Reply:
    same = (
        existing.update.complaint_id == complaint_id
        and existing.payload_hash == digest
        and existing.update.author_id == user.id
    )
    if not same:
        raise ApiProblem(
            ProblemCode.ID_CONFLICT,
            f"Id pembaruan {update_id} sudah dipakai untuk isi lain / update id {update_id} already holds "
            "different content",
        )
    replayed = replay(tx, user, _update_key(update_id), digest)
    if replayed is not None:
        return Reply(200, replayed.body, replayed.etag, replayed.headers)
    # The first answer outlived its retention: answer with the update as stored and the complaint as it is.
    current = complaint_in_scope(tx, user, complaint_id).complaint
    result = MutationResult(complaint=current, updates=(existing.update,))
    return Reply.of(200, result, current.etag)


def _apply_update(
    context: Context,
    tx: WriteTx,
    user: User,
    before: StoredComplaint,
    update_id: UUID,
    request: UpdateRequest,
    digest: str,
) -> Reply:
    now, current = tx.now, before.complaint
    if not rules.has_permission(user.roles, rules.Permission.POST_UPDATE):
        raise ApiProblem(
            ProblemCode.FORBIDDEN, "Peran Anda tidak boleh menulis pembaruan / your role may not post"
        )
    if request.kind is UpdateKind.CITIZEN_REPLY and Role.COORDINATOR not in user.roles:
        raise ApiProblem(
            ProblemCode.FORBIDDEN,
            "Tanggapan pelapor dicatat oleh koordinator / a citizen's reply is entered by the coordinator",
        )
    changes: dict[str, Any] = {}
    follow_up: list[StoredUpdate] = []
    if request.kind is UpdateKind.PUBLIC_RESPONSE:
        if current.first_response_at is None:
            changes["first_response_at"] = now
        if request.status_after is Status.RESPONDED:
            try:
                changes["status"] = rules.apply_action(current.status, Action.RESPOND, user.roles)
            except rules.RuleViolation as violation:
                raise violation_problem(violation) from None
            changes["sla"] = current.sla.model_copy(
                update={"reply_due": reply_due_after(now, context.calendar, context.policy)}
            )
    elif request.kind is UpdateKind.CITIZEN_REPLY:
        reply_due = current.sla.reply_due
        if current.status is Status.RESPONDED and reply_due is not None and now <= reply_due:
            changes["status"] = rules.apply_action(current.status, Action.REOPEN, None)
            changes["sla"] = current.sla.model_copy(update={"reply_due": None})
    after = advance(before, now, **changes) if changes else before
    if changes:
        tx.save_complaint(after, before)
    scope = ScopeKey.of(after.complaint)
    update = Update(
        id=update_id,
        complaint_id=current.id,
        kind=request.kind,
        body=request.body,
        status_after=request.status_after,
        author_id=user.id,
        # Stored as UTC like every time, so the first answer, the history and the feed say the same.
        authored_at=request.authored_at.astimezone(UTC),
        recorded_at=now,
    )
    if after.complaint.status is not current.status:
        author = SYSTEM_AUTHOR if request.kind is UpdateKind.CITIZEN_REPLY else user.id
        follow_up.append(status_change(after.complaint, author, now))
    written = [StoredUpdate(update, digest), *follow_up]
    tx.insert_updates([(s, scope) for s in written])
    if after.complaint.status is not current.status:
        follow_original(tx, after.complaint)
    result = MutationResult(complaint=after.complaint, updates=tuple(s.update for s in written))
    return Reply.of(201, result, after.complaint.etag)
