"""Coordinator and supervisor acts: a complaint's visibility, and linking it as a duplicate of another."""

from __future__ import annotations

from uuid import UUID

from fastapi import APIRouter
from fastapi.responses import Response

from sambat_tui.central.replies import check_idempotency_key
from sambat_tui.central.routes.acts import IdempotencyKey, IfMatch
from sambat_tui.central.routes.deps import CallerDep, reply_response
from sambat_tui.central.supervision import link_duplicate, set_visibility
from sambat_tui.contract import DuplicateRequest, MutationResult, VisibilityRequest

router = APIRouter(prefix="/v1/complaints", tags=["acts"])


@router.post("/{complaint_id}/visibility", response_model=MutationResult)
def post_visibility(
    complaint_id: UUID,
    body: VisibilityRequest,
    caller: CallerDep,
    if_match: IfMatch = None,
    idempotency_key: IdempotencyKey = None,
) -> Response:
    """public, anonim (reporter hidden) or rahasia (hidden from the public); coordinator only."""
    key = check_idempotency_key(idempotency_key)
    return reply_response(
        set_visibility(
            caller.context, caller.user, complaint_id, body, if_match=if_match, idempotency_key=key
        )
    )


@router.post("/{complaint_id}/duplicate", response_model=MutationResult)
def post_duplicate(
    complaint_id: UUID,
    body: DuplicateRequest,
    caller: CallerDep,
    if_match: IfMatch = None,
    idempotency_key: IdempotencyKey = None,
) -> Response:
    """Link as a duplicate of another complaint (it then follows that one's status); null unlinks."""
    key = check_idempotency_key(idempotency_key)
    return reply_response(
        link_duplicate(
            caller.context, caller.user, complaint_id, body, if_match=if_match, idempotency_key=key
        )
    )
