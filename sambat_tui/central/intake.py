"""Intake: a new complaint with a client-made id, routed at once and given its SLA clocks."""

from __future__ import annotations

import uuid
from uuid import UUID

from sambat_tui.central.context import Context
from sambat_tui.central.problems import ApiProblem
from sambat_tui.central.records import ScopeKey, StoredComplaint, StoredUpdate
from sambat_tui.central.replies import Reply, request_hash
from sambat_tui.central.storage import ReadTx, WriteTx
from sambat_tui.contract import Complaint, Disposition, IntakeRequest, ProblemCode, Sla, Update, User
from sambat_tui.domain import transitions as rules
from sambat_tui.domain.calendar import jakarta_date
from sambat_tui.domain.model import (
    KECAMATAN_MALANG,
    Channel,
    DispositionKind,
    Role,
    SlaClass,
    Status,
    UpdateKind,
)
from sambat_tui.domain.routing import RouteDecision, UnknownCategory
from sambat_tui.domain.sla import deadlines_for

SYSTEM_AUTHOR = "system"
DEFAULT_SLA_CLASS = SlaClass.NORMATIF
"""For a complaint without a category (an unrouted one): the published 5-working-day follow-up."""


def public_ref(year: int, number: int) -> str:
    return f"MLG-{year}-{number:06d}"


def _check_may_intake(user: User, request: IntakeRequest) -> None:
    if not rules.has_permission(user.roles, rules.Permission.INTAKE):
        raise ApiProblem(
            ProblemCode.FORBIDDEN, "Peran Anda tidak boleh mencatat pengaduan / your role may not intake"
        )
    if Role.COORDINATOR not in user.roles and request.channel is not Channel.WALK_IN:
        raise ApiProblem(
            ProblemCode.FORBIDDEN,
            "Operator hanya mencatat pengaduan walk-in / an operator records walk-in complaints only "
            f"(channel {request.channel.value!r})",
        )


def _check_location(request: IntakeRequest) -> None:
    kecamatan = request.location.kecamatan
    if kecamatan is not None and kecamatan not in KECAMATAN_MALANG:
        raise ApiProblem(
            ProblemCode.VALIDATION_FAILED,
            f"Kecamatan {kecamatan!r} bukan kecamatan Kota Malang / is not a kecamatan of Malang "
            f"(one of {', '.join(KECAMATAN_MALANG)})",
            extra={"errors": [{"loc": ["body", "location", "kecamatan"], "msg": "unknown kecamatan"}]},
        )


def _unknown_category(code: str) -> ApiProblem:
    return ApiProblem(
        ProblemCode.VALIDATION_FAILED,
        f"Kategori {code!r} tidak dikenal / unknown category {code!r}",
        extra={"errors": [{"loc": ["body", "category_code"], "msg": "unknown category"}]},
    )


def _check_category(tx: ReadTx, code: str) -> None:
    category = tx.category(code)
    if category is None:
        raise _unknown_category(code)
    if not category.active:
        raise ApiProblem(
            ProblemCode.VALIDATION_FAILED,
            f"Kategori {code!r} sudah tidak dipakai / category {code!r} is retired",
            extra={"errors": [{"loc": ["body", "category_code"], "msg": "retired category"}]},
        )


def intake(context: Context, user: User, complaint_id: UUID, request: IntakeRequest) -> Reply:
    """201 with the new complaint; 200 with the current one when the same intake is sent again."""
    _check_may_intake(user, request)
    _check_location(request)
    digest = request_hash("PUT", f"/v1/complaints/{complaint_id}", request)
    if request.category_code is not None:
        with context.storage.read() as reader:
            _check_category(reader, request.category_code)
    # Decided before the write lock is taken: routing reads only the request and the rules.
    try:
        decision = context.router.route(
            title=request.title,
            description=request.description,
            category_code=request.category_code,
            kecamatan=request.location.kecamatan,
        )
    except UnknownCategory as error:
        # The database names a category the routing tables do not (a city's database served without its
        # city directory): refused in words, not a 500.
        raise _unknown_category(error.code) from None
    now = context.now()
    with context.storage.write(now) as tx:
        existing = tx.complaint(str(complaint_id))
        if existing is not None:
            if existing.intake_hash != digest:
                raise ApiProblem(
                    ProblemCode.ID_CONFLICT,
                    f"Id {complaint_id} sudah dipakai untuk pengaduan lain / "
                    f"id {complaint_id} already holds a different complaint",
                )
            return Reply.of(200, existing.complaint, existing.complaint.etag)
        complaint = _create(context, tx, user, complaint_id, request, digest, decision)
    return Reply.of(201, complaint, complaint.etag)


def _create(
    context: Context,
    tx: WriteTx,
    user: User,
    complaint_id: UUID,
    request: IntakeRequest,
    digest: str,
    decision: RouteDecision,
) -> Complaint:
    now = tx.now
    category_code = request.category_code or decision.category_code
    category = tx.category(category_code) if category_code is not None else None
    sla_class = category.sla_class if category is not None else DEFAULT_SLA_CLASS
    deadlines = deadlines_for(now, sla_class, context.calendar, context.policy)
    year = jakarta_date(now).year
    status = (
        rules.status_after_disposition(Status.RECEIVED, DispositionKind.AUTO_ROUTE)
        if decision.routed
        else Status.RECEIVED
    )
    complaint = Complaint(
        id=complaint_id,
        public_ref=public_ref(year, tx.next_public_ref_number(year)),
        channel=request.channel,
        classification=request.classification,
        title=request.title,
        description=request.description,
        category_code=category_code if category is not None else None,
        location=request.location,
        media=request.media,
        visibility=request.visibility,
        status=status,
        agency_id=decision.agency_id,
        desk_id=decision.desk_id if decision.routed else None,
        assignee_id=None,
        priority=request.priority,
        sla=Sla(
            sla_class=deadlines.sla_class,
            verify_due=deadlines.verify_due,
            response_due=deadlines.response_due,
            resolve_due=deadlines.resolve_due,
            reply_due=deadlines.reply_due,
        ),
        external_refs=request.external_refs,
        version=1,
        created_at=now,
        updated_at=now,
    )
    tx.insert_complaints(
        [(StoredComplaint(complaint, intake_hash=digest, created_by=user.id), request.reporter)]
    )
    scope = ScopeKey.of(complaint)
    if decision.agency_id is not None:
        rules.check_disposition(DispositionKind.AUTO_ROUTE, None, None, None, decision.agency_id)
        route = Disposition(
            id=uuid.uuid4(),
            complaint_id=complaint_id,
            kind=DispositionKind.AUTO_ROUTE,
            to_agency_id=decision.agency_id,
            to_desk_id=decision.desk_id,
            reason=decision.explanation,
            rule_id=decision.rule_id,
            matched=decision.matched,
            created_at=now,
        )
        tx.insert_dispositions([(route, scope)])
    else:
        # The coordinator's triage queue shows why the system could not decide.
        note = Update(
            id=uuid.uuid4(),
            complaint_id=complaint_id,
            kind=UpdateKind.SYSTEM,
            body=decision.explanation,
            author_id=SYSTEM_AUTHOR,
            authored_at=now,
            recorded_at=now,
        )
        tx.insert_updates([(StoredUpdate(note, payload_hash=""), scope)])
    return complaint
