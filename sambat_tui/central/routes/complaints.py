"""Reading complaints (one, a page, the history, the reporter) and intake."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Header, Query
from fastapi.responses import Response

from sambat_tui.central.intake import intake
from sambat_tui.central.listing import list_complaints
from sambat_tui.central.problems import ApiProblem
from sambat_tui.central.replies import complaint_in_scope, etag_matches
from sambat_tui.central.routes.deps import CallerDep, model_response, reply_response
from sambat_tui.central.scope import may_read_reporter
from sambat_tui.contract import Complaint, ComplaintPage, History, IntakeRequest, ProblemCode, Reporter
from sambat_tui.contract.text import ShortText
from sambat_tui.domain.model import Status, Visibility

router = APIRouter(prefix="/v1/complaints", tags=["complaints"])


@router.get("", response_model=ComplaintPage)
def complaints(
    caller: CallerDep,
    status: Annotated[list[Status] | None, Query()] = None,
    desk: Annotated[str | None, Query(max_length=100)] = None,
    q: Annotated[ShortText | None, Query(max_length=200)] = None,
    cursor: Annotated[str | None, Query(max_length=400)] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> Response:
    page = list_complaints(
        caller.context, caller.user, statuses=status or [], desk_id=desk, query=q, cursor=cursor, limit=limit
    )
    return model_response(page)


@router.get("/{complaint_id}", response_model=Complaint)
def complaint(
    complaint_id: UUID,
    caller: CallerDep,
    if_none_match: Annotated[str | None, Header()] = None,
) -> Response:
    with caller.context.storage.read() as tx:
        current = complaint_in_scope(tx, caller.user, complaint_id).complaint
    if if_none_match is not None and etag_matches(if_none_match, current):
        return Response(status_code=304, headers={"ETag": current.etag})
    return model_response(current, etag=current.etag)


@router.put(
    "/{complaint_id}",
    response_model=Complaint,
    status_code=201,
    responses={200: {"model": Complaint, "description": "The same intake again: the complaint as it is now"}},
)
def put_complaint(complaint_id: UUID, body: IntakeRequest, caller: CallerDep) -> Response:
    return reply_response(intake(caller.context, caller.user, complaint_id, body))


@router.get("/{complaint_id}/history", response_model=History)
def history(complaint_id: UUID, caller: CallerDep) -> Response:
    with caller.context.storage.read() as tx:
        complaint_in_scope(tx, caller.user, complaint_id)
        updates, dispositions = tx.updates_of(str(complaint_id)), tx.dispositions_of(str(complaint_id))
    return model_response(
        History(complaint_id=complaint_id, updates=tuple(updates), dispositions=tuple(dispositions))
    )


_REPORTER_HIDDEN: dict[Visibility, tuple[str, str]] = {
    Visibility.PUBLIC: ("pengaduan publik", "a public complaint"),
    Visibility.ANONIM: ("pengaduan anonim", "an anonymous (anonim) complaint"),
    Visibility.RAHASIA: ("pengaduan rahasia", "a confidential (rahasia) complaint"),
}
"""How the refusal names the complaint's visibility, article included, in both languages."""


@router.get("/{complaint_id}/reporter", response_model=Reporter)
def reporter(complaint_id: UUID, caller: CallerDep) -> Response:
    with caller.context.storage.read() as tx:
        current = complaint_in_scope(tx, caller.user, complaint_id).complaint
        if not may_read_reporter(caller.user, current.visibility, in_scope=True):
            indonesian, english = _REPORTER_HIDDEN[current.visibility]
            raise ApiProblem(
                ProblemCode.FORBIDDEN,
                f"Peran Anda tidak boleh melihat identitas pelapor {indonesian} / "
                f"your role may not see who filed {english}",
            )
        found = tx.reporter(str(complaint_id))
    return model_response(found or Reporter())
