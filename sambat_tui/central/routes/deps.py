"""Request dependencies and the conversion of an operation's ``Reply`` into an HTTP response."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from fastapi.responses import Response
from pydantic import BaseModel

from sambat_tui.central.auth import authenticate
from sambat_tui.central.context import Context
from sambat_tui.central.replies import Reply
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
