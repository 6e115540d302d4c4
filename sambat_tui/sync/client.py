"""The /v1 client: one long-lived ``httpx.Client`` per server, answers checked against the contract models.

A client per request costs ~58 ms of TLS and pool set-up; one client reuses its connections. TLS is always
verified. Every failure surfaces as a :mod:`sambat_tui.sync.errors` type, never as an httpx or pydantic
exception, so the engine can decide per kind: retry later (Offline, 5xx), conflict (4xx), rebase (412).

Bodies are decoded with ``surrogateescape``: a byte sequence that is not UTF-8 becomes lone surrogates in
the one string that holds it, so the record carrying it fails validation on its own and is quarantined,
instead of the whole page failing to decode.
"""

from __future__ import annotations

import ipaddress
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, TypeVar
from urllib.parse import urlsplit
from uuid import UUID

from pydantic import BaseModel, TypeAdapter, ValidationError

import sambat_tui
from sambat_tui.contract import (
    FEED_PAGE_DEFAULT,
    PROBLEM_MEDIA_TYPE,
    Agency,
    Category,
    Change,
    ChangeOp,
    Complaint,
    Desk,
    DispositionRequest,
    DuplicateRequest,
    Entity,
    History,
    Me,
    MutationResult,
    Reporter,
    TransitionRequest,
    UpdateRequest,
    User,
    VisibilityRequest,
)
from sambat_tui.sync.errors import ApiError, Offline, ProtocolError
from sambat_tui.sync.http import httpx

USER_AGENT = f"sambat-tui/{sambat_tui.__version__}"
DEFAULT_TIMEOUT = httpx.Timeout(connect=10.0, read=60.0, write=30.0, pool=10.0)

M = TypeVar("M", bound=BaseModel)

_AGENCIES = TypeAdapter(list[Agency])
_DESKS = TypeAdapter(list[Desk])
_CATEGORIES = TypeAdapter(list[Category])
_USERS = TypeAdapter(list[User])


class ServerUrlError(ValueError):
    """A server address the client refuses to use."""


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_server_url(url: str) -> str:
    """The server URL without a trailing slash; https, or http on loopback only (the demo, tests)."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("https", "http") or not parts.hostname:
        raise ServerUrlError(f"not a server address: {url!r} (expected https://host[:port])")
    if parts.scheme == "http" and not _is_loopback(parts.hostname):
        raise ServerUrlError(
            f"{url!r} is plain http: tokens and complaints would travel unencrypted; use https"
        )
    if parts.query or parts.fragment or parts.username or parts.password:
        raise ServerUrlError(f"a server address has no query, fragment or credentials: {url!r}")
    return url.strip().rstrip("/")


@dataclass(frozen=True, slots=True)
class Unparsed:
    """A change of the feed that does not match the contract; the engine quarantines it."""

    raw: object
    reason: str
    seq: int | None
    entity: str | None
    id: str | None


@dataclass(frozen=True, slots=True)
class FeedPage:
    items: tuple[FeedChange | Unparsed, ...]
    next_cursor: str
    has_more: bool


def _decode(response: httpx.Response) -> Any:
    text = response.content.decode("utf-8", "surrogateescape")
    try:
        return json.loads(text)
    except ValueError as error:
        raise ProtocolError(
            f"{response.request.method} {response.request.url.path}: the answer is not JSON ({error})",
            status=response.status_code,
        ) from None


def _retry_after(response: httpx.Response) -> float | None:
    value = response.headers.get("retry-after")
    if value is None:
        return None
    try:
        seconds = float(value)
    except ValueError:
        return None
    return seconds if seconds >= 0 else None


def _api_error(response: httpx.Response) -> ApiError:
    status = response.status_code
    body: Any = None
    content_type = response.headers.get("content-type", "")
    if "json" in content_type:
        try:
            body = json.loads(response.content.decode("utf-8", "surrogateescape"))
        except ValueError:
            body = None
    if not isinstance(body, dict):
        text = response.content[:200].decode("utf-8", "replace").strip()
        code = "internal_error" if status >= 500 else f"http_{status}"
        return ApiError(status, code, text or response.reason_phrase, retry_after=_retry_after(response))
    if PROBLEM_MEDIA_TYPE not in content_type and "code" not in body:
        code = "internal_error" if status >= 500 else f"http_{status}"
        return ApiError(status, code, str(body)[:200], retry_after=_retry_after(response), problem=body)
    current: Complaint | None = None
    raw_current = body.get("current")
    if status == 412 and isinstance(raw_current, dict):
        try:
            current = Complaint.model_validate(raw_current)
        except ValidationError:
            current = None
    return ApiError(
        status,
        str(body.get("code") or f"http_{status}"),
        str(body.get("detail") or body.get("title") or response.reason_phrase),
        title=str(body["title"]) if isinstance(body.get("title"), str) else None,
        current=current,
        retry_after=_retry_after(response),
        problem=body,
    )


def validation_summary(error: ValidationError) -> str:
    """Where and what of the first error, without echoing the input (it may be personal data)."""
    errors = error.errors(include_input=False)
    if not errors:
        return "invalid"
    first = errors[0]
    where = ".".join(str(p) for p in first["loc"]) or "value"
    more = f" (+{len(errors) - 1} more)" if len(errors) > 1 else ""
    return f"{where}: {first['msg']}{more}"


_ENTITIES: dict[object, Entity] = {e.value: e for e in Entity}
_OPS: dict[object, ChangeOp] = {o.value: o for o in ChangeOp}


@dataclass(frozen=True, slots=True)
class FeedChange:
    """One change whose envelope fits the contract (``contract.Change``); ``data`` is checked by the store."""

    seq: int
    entity: Entity
    id: str
    op: ChangeOp
    version: int
    data: dict[str, Any] | None

    def envelope(self) -> dict[str, Any]:
        """The change as the server sent it (the JSON shape of ``contract.Change``)."""
        return {
            "seq": self.seq,
            "entity": self.entity.value,
            "id": self.id,
            "op": self.op.value,
            "version": self.version,
            "data": self.data,
        }


def _plain_change(raw: dict[str, Any]) -> FeedChange | None:
    """The change when its envelope is exactly as the contract has it, without copying ``data``.

    Validating every envelope through the model (and building one) copied each record once more before the
    store checks it against its own model: a fifth of a first sync's Python time. Anything unusual
    returns None and the model decides, with its messages.
    """
    seq, entity, ident, op, version = (
        raw.get("seq"),
        raw.get("entity"),
        raw.get("id"),
        raw.get("op"),
        raw.get("version"),
    )
    data = raw.get("data")
    if not (type(seq) is int and seq >= 1 and type(version) is int and version >= 1 and type(ident) is str):
        return None
    if data is not None and type(data) is not dict:
        return None
    if type(entity) is not str or type(op) is not str:
        return None
    kind, how = _ENTITIES.get(entity), _OPS.get(op)
    if kind is None or how is None:
        return None
    return FeedChange(seq, kind, ident, how, version, data)


def _parse_change(raw: object) -> FeedChange | Unparsed:
    if type(raw) is dict and (plain := _plain_change(raw)) is not None:
        return plain
    try:
        change = Change.model_validate(raw)
    except ValidationError as error:
        seq, entity, ident = None, None, None
        if isinstance(raw, dict):
            seq = raw.get("seq") if isinstance(raw.get("seq"), int) else None
            entity = raw.get("entity") if isinstance(raw.get("entity"), str) else None
            ident = raw.get("id") if isinstance(raw.get("id"), str) else None
        return Unparsed(raw, f"change envelope: {validation_summary(error)}", seq, entity, ident)
    return FeedChange(change.seq, change.entity, change.id, change.op, change.version, change.data)


class ApiClient:
    """``/v1`` over one ``httpx.Client``. Close it (or use it as a context manager) when done."""

    def __init__(
        self,
        server_url: str,
        token: str,
        *,
        timeout: httpx.Timeout = DEFAULT_TIMEOUT,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.server_url = check_server_url(server_url)
        if not token or any(c.isspace() for c in token) or not token.isprintable():
            raise ValueError("a token is one word of printable characters")
        self._http = httpx.Client(
            base_url=self.server_url,
            headers={
                "Authorization": f"Bearer {token}",
                "User-Agent": USER_AGENT,
                "Accept": f"application/json, {PROBLEM_MEDIA_TYPE}",
            },
            timeout=timeout,
            verify=True,
            follow_redirects=False,
            transport=transport,
        )

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> ApiClient:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    # --- transport ---

    def _send(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, str | int] | None = None,
        body: BaseModel | None = None,
        headers: Mapping[str, str] | None = None,
        keep_none: bool = False,
    ) -> httpx.Response:
        content = None if body is None else body.model_dump_json(exclude_none=not keep_none).encode("utf-8")
        all_headers = dict(headers or {})
        if content is not None:
            all_headers["Content-Type"] = "application/json"
        try:
            response = self._http.request(method, path, params=params, content=content, headers=all_headers)
        except httpx.TransportError as error:
            raise Offline(f"{method} {path}: {type(error).__name__}: {error}") from error
        if not response.is_success:
            raise _api_error(response)
        return response

    def _model(self, response: httpx.Response, model: type[M]) -> M:
        data = _decode(response)
        try:
            return model.model_validate(data)
        except ValidationError as error:
            raise ProtocolError(
                f"{response.request.method} {response.request.url.path}: the answer is not a "
                f"{model.__name__}: {validation_summary(error)}",
                status=response.status_code,
            ) from None

    def _list(self, path: str, adapter: TypeAdapter[list[Any]]) -> list[Any]:
        response = self._send("GET", path)
        try:
            return adapter.validate_python(_decode(response))
        except ValidationError as error:
            raise ProtocolError(f"GET {path}: {validation_summary(error)}", status=200) from None

    # --- reading ---

    def me(self) -> Me:
        return self._model(self._send("GET", "/v1/me"), Me)

    def agencies(self) -> list[Agency]:
        return self._list("/v1/agencies", _AGENCIES)

    def desks(self) -> list[Desk]:
        return self._list("/v1/desks", _DESKS)

    def categories(self) -> list[Category]:
        return self._list("/v1/categories", _CATEGORIES)

    def users(self) -> list[User]:
        return self._list("/v1/users", _USERS)

    def changes(self, cursor: str, limit: int = FEED_PAGE_DEFAULT) -> FeedPage:
        """One page of the feed; a change that breaks the contract comes back as :class:`Unparsed`."""
        response = self._send("GET", "/v1/changes", params={"cursor": cursor, "limit": limit})
        data = _decode(response)
        if not isinstance(data, dict):
            raise ProtocolError("GET /v1/changes: the answer is not an object", status=response.status_code)
        changes, cursor_out, has_more = data.get("changes"), data.get("next_cursor"), data.get("has_more")
        if not isinstance(changes, list) or not isinstance(cursor_out, str) or not isinstance(has_more, bool):
            raise ProtocolError(
                "GET /v1/changes: expected changes (list), next_cursor (str), has_more (bool)",
                status=response.status_code,
            )
        if not cursor_out or not cursor_out.isascii():
            raise ProtocolError("GET /v1/changes: next_cursor is empty or not ASCII", status=200)
        return FeedPage(tuple(_parse_change(raw) for raw in changes), cursor_out, has_more)

    def complaint(self, complaint_id: str) -> Complaint:
        return self._model(self._send("GET", f"/v1/complaints/{UUID(complaint_id)}"), Complaint)

    def history(self, complaint_id: str) -> History:
        return self._model(self._send("GET", f"/v1/complaints/{UUID(complaint_id)}/history"), History)

    def reporter(self, complaint_id: str) -> Reporter:
        return self._model(self._send("GET", f"/v1/complaints/{UUID(complaint_id)}/reporter"), Reporter)

    # --- acting ---

    @staticmethod
    def _preconditions(version: int, idempotency_key: str) -> dict[str, str]:
        return {"If-Match": f'"v{version}"', "Idempotency-Key": idempotency_key}

    def transition(
        self, complaint_id: str, request: TransitionRequest, *, version: int, idempotency_key: str
    ) -> MutationResult:
        response = self._send(
            "POST",
            f"/v1/complaints/{UUID(complaint_id)}/transitions",
            body=request,
            headers=self._preconditions(version, idempotency_key),
        )
        return self._model(response, MutationResult)

    def disposition(
        self, complaint_id: str, request: DispositionRequest, *, version: int, idempotency_key: str
    ) -> MutationResult:
        response = self._send(
            "POST",
            f"/v1/complaints/{UUID(complaint_id)}/dispositions",
            body=request,
            headers=self._preconditions(version, idempotency_key),
        )
        return self._model(response, MutationResult)

    def visibility(
        self, complaint_id: str, request: VisibilityRequest, *, version: int, idempotency_key: str
    ) -> MutationResult:
        response = self._send(
            "POST",
            f"/v1/complaints/{UUID(complaint_id)}/visibility",
            body=request,
            headers=self._preconditions(version, idempotency_key),
        )
        return self._model(response, MutationResult)

    def duplicate(
        self, complaint_id: str, request: DuplicateRequest, *, version: int, idempotency_key: str
    ) -> MutationResult:
        # duplicate_of: null (unlink) must be sent, so this body is written without dropping None.
        response = self._send(
            "POST",
            f"/v1/complaints/{UUID(complaint_id)}/duplicate",
            body=request,
            headers=self._preconditions(version, idempotency_key),
            keep_none=True,
        )
        return self._model(response, MutationResult)

    def put_update(self, complaint_id: str, update_id: str, request: UpdateRequest) -> MutationResult:
        response = self._send(
            "PUT", f"/v1/complaints/{UUID(complaint_id)}/updates/{UUID(update_id)}", body=request
        )
        return self._model(response, MutationResult)
