"""Request dependencies and the conversion of an operation's ``Reply`` into an HTTP response."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Protocol, TypeVar
from uuid import UUID

from fastapi import Depends, Header, Request
from fastapi.responses import Response
from pydantic import BaseModel

from sambat_tui.central.auth import authenticate
from sambat_tui.central.context import Context
from sambat_tui.central.replies import Reply, check_idempotency_key
from sambat_tui.contract import User


@dataclass(frozen=True, slots=True)
class Caller:
    """The signed-in user and the server's context: what every /v1 route starts from."""

    context: Context
    user: User


def authenticated(request: Request) -> Caller:
    # One dependency, not two: each sync dependency costs a hop through the thread pool.
    context: Context = request.app.state.context
    return Caller(context, authenticate(context, request))


CallerDep = Annotated[Caller, Depends(authenticated)]


def json_response(body: str | bytes, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    content = body.encode("utf-8") if isinstance(body, str) else body
    return Response(content, status_code=status, media_type="application/json", headers=headers)


def model_response(model: BaseModel, status: int = 200, etag: str | None = None) -> Response:
    return json_response(model.model_dump_json(), status, {"ETag": etag} if etag else None)


def reply_response(reply: Reply) -> Response:
    headers = dict(reply.headers)
    if reply.etag is not None:
        headers["ETag"] = reply.etag
    return json_response(reply.body, reply.status, headers)


IfMatch = Annotated[
    str | None, Header(description='The version acted on: "v17"; 428 without it, 412 if stale')
]
IdempotencyKey = Annotated[
    str | None, Header(description="A client-made id of this mutation; a retry replays the first answer")
]


@dataclass(frozen=True, slots=True)
class Preconditions:
    """The If-Match and Idempotency-Key headers of a state-changing request, the key's form checked."""

    if_match: str | None
    idempotency_key: str | None


async def preconditions(if_match: IfMatch = None, idempotency_key: IdempotencyKey = None) -> Preconditions:
    # async: reading two headers needs no hop through the thread pool, as a sync dependency would take.
    return Preconditions(if_match, check_idempotency_key(idempotency_key))


PreconditionsDep = Annotated[Preconditions, Depends(preconditions)]

_Body = TypeVar("_Body", bound=BaseModel, contravariant=True)


class Operation(Protocol[_Body]):
    """A state-changing operation on one complaint, guarded by its version and made safe to retry."""

    def __call__(
        self,
        context: Context,
        user: User,
        complaint_id: UUID,
        request: _Body,
        /,
        *,
        if_match: str | None,
        idempotency_key: str | None,
    ) -> Reply: ...


def act(
    operation: Operation[_Body], caller: Caller, complaint_id: UUID, body: _Body, pre: Preconditions
) -> Response:
    """Run an operation for the caller with the request's preconditions and answer with its reply."""
    reply = operation(
        caller.context,
        caller.user,
        complaint_id,
        body,
        if_match=pre.if_match,
        idempotency_key=pre.idempotency_key,
    )
    return reply_response(reply)
