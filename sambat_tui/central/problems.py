"""Every error answer is RFC 9457 problem+json with a stable code, including FastAPI's and Starlette's own."""

from __future__ import annotations

import json
import logging
import sqlite3
from collections.abc import Mapping, Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from sambat_tui.central.storage import unreadable
from sambat_tui.contract import PROBLEM_KINDS, PROBLEM_MEDIA_TYPE, Problem, ProblemCode, problem_type

log = logging.getLogger(__name__)

_CODE_OF_STATUS: dict[int, ProblemCode] = {
    400: ProblemCode.VALIDATION_FAILED,
    401: ProblemCode.UNAUTHENTICATED,
    403: ProblemCode.FORBIDDEN,
    404: ProblemCode.NOT_FOUND,
    405: ProblemCode.METHOD_NOT_ALLOWED,
    422: ProblemCode.VALIDATION_FAILED,
    429: ProblemCode.RATE_LIMITED,
}


class ApiProblem(Exception):
    """Raised anywhere below a route to answer with a problem; ``extra`` members join the body."""

    def __init__(
        self,
        code: ProblemCode,
        detail: str,
        *,
        extra: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(detail)
        self.code = code
        self.detail = detail
        self.extra = dict(extra or {})
        self.headers = dict(headers or {})

    @property
    def status(self) -> int:
        return PROBLEM_KINDS[self.code].status


def problem_body(code: ProblemCode, detail: str, extra: Mapping[str, Any] | None = None) -> dict[str, Any]:
    kind = PROBLEM_KINDS[code]
    body: dict[str, Any] = {
        "type": problem_type(code),
        "title": kind.title,
        "status": kind.status,
        "detail": detail,
        "code": code.value,
        "title_en": kind.title_en,
    }
    body.update(extra or {})
    return body


def problem_response(
    code: ProblemCode,
    detail: str,
    *,
    extra: Mapping[str, Any] | None = None,
    headers: Mapping[str, str] | None = None,
    status: int | None = None,
) -> Response:
    body = problem_body(code, detail, extra)
    if status is not None:
        body["status"] = status
    content = json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    if code is ProblemCode.UNAUTHENTICATED:
        headers = {"WWW-Authenticate": 'Bearer realm="sambat"', **(headers or {})}
    return Response(content, status_code=body["status"], media_type=PROBLEM_MEDIA_TYPE, headers=headers)


def validation_errors(errors: Sequence[Any]) -> list[dict[str, Any]]:
    """Where and what, without echoing the input: it may be personal data or text that cannot be encoded."""
    return [
        {
            "loc": [str(part) for part in error.get("loc", ())],
            "msg": str(error.get("msg", "")),
            "type": str(error.get("type", "")),
        }
        for error in errors
    ]


def install_problem_handlers(app: FastAPI) -> None:
    async def on_problem(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, ApiProblem)
        return problem_response(exc.code, exc.detail, extra=exc.extra, headers=exc.headers)

    async def on_validation(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, RequestValidationError)
        errors = validation_errors(exc.errors())
        where = "; ".join(f"{'.'.join(e['loc'])}: {e['msg']}" for e in errors[:5])
        return problem_response(
            ProblemCode.VALIDATION_FAILED,
            f"Permintaan tidak valid / invalid request: {where}",
            extra={"errors": errors},
        )

    async def on_http(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, StarletteHTTPException)
        if exc.status_code == 400:
            # Starlette's only 400 is a body that is not decodable (e.g. invalid UTF-8): a validation failure.
            return problem_response(
                ProblemCode.VALIDATION_FAILED,
                "Isi permintaan bukan JSON UTF-8 yang sah / the body is not valid UTF-8 JSON",
            )
        code = _CODE_OF_STATUS.get(exc.status_code)
        if code is None:
            code = ProblemCode.INTERNAL_ERROR if exc.status_code >= 500 else ProblemCode.VALIDATION_FAILED
            return problem_response(code, str(exc.detail), headers=exc.headers, status=exc.status_code)
        detail = str(exc.detail)
        if exc.status_code == 404:
            detail = f"Tidak ada sumber daya di {request.url.path} / no resource at {request.url.path}"
        return problem_response(code, detail, headers=exc.headers)

    async def on_crash(request: Request, exc: Exception) -> Response:
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        return problem_response(ProblemCode.INTERNAL_ERROR, "Kesalahan tak terduga / unexpected error")

    async def on_database_error(request: Request, exc: Exception) -> Response:
        refused = database_refusal(exc, request.method, request.url.path)
        return refused if refused is not None else await on_crash(request, exc)

    app.add_exception_handler(ApiProblem, on_problem)
    app.add_exception_handler(RequestValidationError, on_validation)
    app.add_exception_handler(StarletteHTTPException, on_http)
    app.add_exception_handler(sqlite3.DatabaseError, on_database_error)
    app.add_exception_handler(Exception, on_crash)


SQLITE_FULL = 13
STORAGE_RETRY_SECONDS = 60
UNREADABLE_RETRY_SECONDS = 300
"""A damaged database waits for a person (a restore): no sooner than this is worth asking again."""
"""What a 503 ``storage_full`` tells a client to wait: an operator has to free space first."""


def storage_full_response(path: str) -> Response:
    """503: the write was rolled back whole; the client sends it again later (Retry-After)."""
    text = (
        "Penyimpanan server penuh; tidak ada yang tersimpan, coba lagi nanti / "
        "the server's storage is full; nothing was saved, try again later"
    )
    return come_back_later(path, ProblemCode.STORAGE_FULL, text, str(STORAGE_RETRY_SECONDS))


def database_refusal(error: BaseException, method: str, path: str) -> Response | None:
    """The answer to a request the database refused for a reason an operator must see to (its disk is full,
    it cannot be read), logged as one line for them rather than as a traceback; None for any other error."""
    if unreadable(error):
        log.error(
            "the database cannot be read (%s): %s %s refused. Stop the server and put the last backup in"
            " place with `sambat-central restore BACKUP`",
            error,
            method,
            path,
        )
        return storage_unreadable_response(path)
    if getattr(error, "sqlite_errorcode", None) == SQLITE_FULL:
        log.error("the disk holding the database is full: %s %s refused", method, path)
        return storage_full_response(path)
    return None


def storage_unreadable_response(path: str) -> Response:
    """503: the database cannot be read; nothing was done, and the client asks again later (Retry-After),
    by when its operator may have restored it."""
    text = (
        "Basis data server tidak bisa dibaca; tidak ada yang diubah, coba lagi nanti / "
        "the server's database cannot be read; nothing was changed, try again later"
    )
    return come_back_later(path, ProblemCode.STORAGE_UNREADABLE, text, str(UNREADABLE_RETRY_SECONDS))


def come_back_later(path: str, code: ProblemCode, text: str, retry_after: str) -> Response:
    """A refusal with ``Retry-After``, in the form of the path's API: the GeoReport error list under
    ``/open311/`` (JSON or XML as the path asks), problem+json elsewhere."""
    headers = {"Retry-After": retry_after}
    if path.startswith("/open311/"):
        # Here, not at the top: the Open311 package imports the context, which imports this module.
        from sambat_tui.central.open311.documents import Format
        from sambat_tui.central.open311.errors import Open311Error, error_response

        error = Open311Error(PROBLEM_KINDS[code].status, text, headers=headers)
        error.format = Format.JSON if path.rsplit("/", 1)[-1].lower().endswith(".json") else Format.XML
        return error_response(error)
    return problem_response(code, text, headers=headers)


_PROBLEM_REF = "#/components/schemas/Problem"


def document_problems(app: FastAPI) -> None:
    """Say in ``/openapi.json`` what every ``/v1`` error answer is: an RFC 9457 problem.

    FastAPI documents a 422 body of its own shape, which this server never sends; a client generated from
    the document would then misread every error. Each ``/v1`` operation gets ``default``: problem+json.
    """
    build = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is not None:
            return app.openapi_schema
        document = build()
        schemas = document.setdefault("components", {}).setdefault("schemas", {})
        schemas["Problem"] = Problem.model_json_schema(ref_template="#/components/schemas/{model}")
        answer = {
            "description": "An error: an RFC 9457 problem; `code` is stable, `title` Indonesian, "
            "`title_en` English",
            "content": {PROBLEM_MEDIA_TYPE: {"schema": {"$ref": _PROBLEM_REF}}},
        }
        for path, operations in document.get("paths", {}).items():
            if not path.startswith("/v1/"):
                continue
            for operation in operations.values():
                responses = operation.setdefault("responses", {})
                responses.pop("422", None)
                responses["default"] = answer
        text = json.dumps(document)
        for unused in ("HTTPValidationError", "ValidationError"):
            if f"#/components/schemas/{unused}" not in text:
                schemas.pop(unused, None)
        app.openapi_schema = document
        return document

    app.openapi = openapi  # type: ignore[method-assign]
