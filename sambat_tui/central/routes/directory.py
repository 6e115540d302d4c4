"""``/v1/me`` and the reference lists every signed-in user may read."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import Response
from pydantic import TypeAdapter

from sambat_tui.central.routes.deps import CallerDep, json_response, model_response
from sambat_tui.contract import Agency, Category, Desk, Me, User

router = APIRouter(prefix="/v1", tags=["directory"])

_AGENCIES = TypeAdapter(list[Agency])
_DESKS = TypeAdapter(list[Desk])
_CATEGORIES = TypeAdapter(list[Category])
_USERS = TypeAdapter(list[User])


@router.get("/me", response_model=Me)
def me(caller: CallerDep) -> Response:
    context, user = caller.context, caller.user
    with context.storage.read() as tx:
        agency = tx.agency(user.agency_id) if user.agency_id is not None else None
        desks = tuple(d for d in (tx.desk(i) for i in user.desk_ids) if d is not None)
    return model_response(
        Me(user=user, agency=agency, desks=desks, roles=user.roles, server_time=context.now())
    )


@router.get("/agencies", response_model=list[Agency])
def agencies(caller: CallerDep) -> Response:
    with caller.context.storage.read() as tx:
        return json_response(_AGENCIES.dump_json(tx.agencies(), by_alias=True))


@router.get("/desks", response_model=list[Desk])
def desks(caller: CallerDep) -> Response:
    with caller.context.storage.read() as tx:
        return json_response(_DESKS.dump_json(tx.desks(), by_alias=True))


@router.get("/categories", response_model=list[Category])
def categories(caller: CallerDep) -> Response:
    with caller.context.storage.read() as tx:
        return json_response(_CATEGORIES.dump_json(tx.categories(), by_alias=True))


@router.get("/users", response_model=list[User])
def users(caller: CallerDep) -> Response:
    with caller.context.storage.read() as tx:
        return json_response(_USERS.dump_json(tx.users(), by_alias=True))
