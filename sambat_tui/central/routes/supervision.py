"""Coordinator and supervisor acts: a complaint's visibility, and linking it as a duplicate of another."""

from __future__ import annotations

from uuid import UUID

from fastapi import APIRouter
from fastapi.responses import Response

from sambat_tui.central.routes.deps import CallerDep, PreconditionsDep, act
from sambat_tui.central.supervision import link_duplicate, set_visibility
from sambat_tui.contract import DuplicateRequest, MutationResult, VisibilityRequest

router = APIRouter(prefix="/v1/complaints", tags=["acts"])


@router.post("/{complaint_id}/visibility", response_model=MutationResult)
def post_visibility(
    complaint_id: UUID, body: VisibilityRequest, caller: CallerDep, pre: PreconditionsDep
) -> Response:
    """public, anonim (reporter hidden) or rahasia (hidden from the public); coordinator only."""
    return act(set_visibility, caller, complaint_id, body, pre)


@router.post("/{complaint_id}/duplicate", response_model=MutationResult)
def post_duplicate(
    complaint_id: UUID, body: DuplicateRequest, caller: CallerDep, pre: PreconditionsDep
) -> Response:
    """Link as a duplicate of another complaint (it then follows that one's status); null unlinks."""
    return act(link_duplicate, caller, complaint_id, body, pre)
