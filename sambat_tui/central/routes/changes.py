"""``GET /v1/changes``: the change feed clients sync from."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import Response

from sambat_tui.central.feed import changes_page
from sambat_tui.central.routes.deps import CallerDep, json_response
from sambat_tui.contract import FEED_PAGE_DEFAULT, FEED_PAGE_MAX, ChangePage

router = APIRouter(prefix="/v1", tags=["sync"])


@router.get("/changes", response_model=ChangePage)
def changes(
    caller: CallerDep,
    cursor: Annotated[str | None, Query(max_length=200)] = None,
    limit: Annotated[int, Query(ge=1, le=FEED_PAGE_MAX)] = FEED_PAGE_DEFAULT,
) -> Response:
    return json_response(changes_page(caller.context, caller.user, cursor, limit))
