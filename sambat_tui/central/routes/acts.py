"""Acting on a complaint: transitions, dispositions (If-Match + Idempotency-Key) and updates (by id)."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Header
from fastapi.responses import Response

from sambat_tui.central.replies import check_idempotency_key
from sambat_tui.central.routes.deps import CallerDep, reply_response
from sambat_tui.central.workflow import dispose, put_update, transition
from sambat_tui.contract import DispositionRequest, MutationResult, TransitionRequest, UpdateRequest

router = APIRouter(prefix="/v1/complaints", tags=["acts"])

IfMatch = Annotated[
    str | None, Header(description='The version acted on: "v17"; 428 without it, 412 if stale')
]
IdempotencyKey = Annotated[
    str | None, Header(description="A client-made id of this mutation; a retry replays the first answer")
]


@router.post("/{complaint_id}/transitions", response_model=MutationResult)
def post_transition(
    complaint_id: UUID,
    body: TransitionRequest,
    caller: CallerDep,
    if_match: IfMatch = None,
    idempotency_key: IdempotencyKey = None,
) -> Response:
    key = check_idempotency_key(idempotency_key)
    return reply_response(
        transition(caller.context, caller.user, complaint_id, body, if_match=if_match, idempotency_key=key)
    )


@router.post("/{complaint_id}/dispositions", response_model=MutationResult)
def post_disposition(
    complaint_id: UUID,
    body: DispositionRequest,
    caller: CallerDep,
    if_match: IfMatch = None,
    idempotency_key: IdempotencyKey = None,
) -> Response:
    key = check_idempotency_key(idempotency_key)
    return reply_response(
        dispose(caller.context, caller.user, complaint_id, body, if_match=if_match, idempotency_key=key)
    )


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
