"""Acting on a complaint: transitions, dispositions (If-Match + Idempotency-Key) and updates (by id)."""

from __future__ import annotations

from uuid import UUID

from fastapi import APIRouter
from fastapi.responses import Response

from sambat_tui.central.routes.deps import CallerDep, PreconditionsDep, act, reply_response
from sambat_tui.central.workflow import dispose, put_update, transition
from sambat_tui.contract import DispositionRequest, MutationResult, TransitionRequest, UpdateRequest

router = APIRouter(prefix="/v1/complaints", tags=["acts"])


@router.post("/{complaint_id}/transitions", response_model=MutationResult)
def post_transition(
    complaint_id: UUID, body: TransitionRequest, caller: CallerDep, pre: PreconditionsDep
) -> Response:
    return act(transition, caller, complaint_id, body, pre)


@router.post("/{complaint_id}/dispositions", response_model=MutationResult)
def post_disposition(
    complaint_id: UUID, body: DispositionRequest, caller: CallerDep, pre: PreconditionsDep
) -> Response:
    return act(dispose, caller, complaint_id, body, pre)


@router.put(
    "/{complaint_id}/updates/{update_id}",
    response_model=MutationResult,
    status_code=201,
    responses={200: {"model": MutationResult, "description": "The same update again: the first answer"}},
)
def put_complaint_update(
    complaint_id: UUID, update_id: UUID, body: UpdateRequest, caller: CallerDep
) -> Response:
    return reply_response(put_update(caller.context, caller.user, complaint_id, update_id, body))
