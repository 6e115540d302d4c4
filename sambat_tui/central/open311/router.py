"""The routes of ``/open311/v2/``: GeoReport v2 in XML and JSON, chosen by the path's ``.xml``/``.json``.

A path without a format answers XML, the spec's required format. Every route reads its arguments itself
(``params.ParamReader``), so that an empty optional argument counts as absent and every error comes back in
the GeoReport error format, never as FastAPI's own validation answer. Any path below ``/open311/v2/`` that is
not a resource answers a GeoReport 404 (or 405 for a method a resource does not have). Every GET resource
also answers HEAD, with the same status and headers and no body.

Extensions beyond the spec: ``page``/``page_size``, ``updated_after``/``updated_before`` and
``extensions=true`` on GET requests (Chicago, Boston and others), and mySociety's GET
``servicerequestupdates``. A ``tokens/{token}`` look-up takes the complaint's id as the token: a gateway that
filed through ``PUT /v1/complaints/{id}`` can learn the public reference of its id there.
"""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qsl

from fastapi import APIRouter, Request
from fastapi.responses import Response
from fastapi.routing import APIRoute
from starlette.concurrency import run_in_threadpool

from sambat_tui.central import storage_open311 as sql
from sambat_tui.central.context import Context
from sambat_tui.central.http_head import answer_for
from sambat_tui.central.open311 import openapi
from sambat_tui.central.open311.documents import Format, Json, render
from sambat_tui.central.open311.errors import (
    METHOD_NOT_ALLOWED,
    NOT_FOUND,
    Open311Error,
    bad_request,
    error_response,
    not_found,
)
from sambat_tui.central.open311.params import ParamReader
from sambat_tui.central.open311.services import (
    AttributeCatalogue,
    definition_document,
    service_document,
    service_keywords,
)
from sambat_tui.central.open311.submit import json_pairs, submit
from sambat_tui.central.open311.views import Snapshot, requests_document, update_documents, w3c
from sambat_tui.central.problems import database_refusal
from sambat_tui.domain.model import Status

log = logging.getLogger(__name__)

PREFIX = "/open311/v2"
SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
DEFAULT_SPAN = timedelta(days=90)
"""The spec's default window of GET requests, and the widest start_date..end_date it allows."""
MAX_PAGE_SIZE = 1000
"""The spec's default limit ("first 1000 requests"), and the largest page_size."""
MAX_PAGE = 100_000
MAX_IDS = 1000
"""The most service_request_id values one GET requests or servicerequestupdates takes."""
MAX_BODY = 64 * 1024
"""A POST body larger than this is refused: a description is at most 4,000 characters."""
_STATUS_GROUPS: dict[str, tuple[Status, ...]] = {
    "open": tuple(s for s in Status if s.is_open),
    "closed": tuple(s for s in Status if not s.is_open),
}


@dataclass(frozen=True)
class Open311Config:
    contact: str = (
        "Dinas Komunikasi dan Informatika Kota Malang, Admin Koordinator SAMBAT / "
        "Malang City communications office, SAMBAT coordinator"
    )
    key_service: str = (
        "Kunci API untuk aplikasi mitra diterbitkan oleh Diskominfo Kota Malang / "
        "api keys for partner apps are issued by Malang's communications office"
    )
    catalogue: AttributeCatalogue = field(default_factory=AttributeCatalogue.load)
    started_at: datetime = field(default_factory=lambda: datetime.now(UTC))
    """Part of the discovery changeset: the attributes file may have changed with a restart."""


def _format(request: Request) -> Format:
    text = request.path_params.get("fmt")
    if text is None:
        return Format.XML
    try:
        return Format(str(text).lower())
    except ValueError:
        raise bad_request(
            "format tidak didukung, pakai .xml atau .json / unsupported format: use .xml or .json"
        ) from None


def _context(request: Request) -> Context:
    context: Context = request.app.state.context
    return context


def _answer(fmt: Format, root: str, document: Json, *, status: int = 200, max_age: int = 60) -> Response:
    headers = {
        "Cache-Control": f"public, max-age={max_age}" if max_age else "no-store",
        # Public data: any web page may read it (a POST still needs an api key).
        "Access-Control-Allow-Origin": "*",
    }
    return Response(
        render(fmt, root, document), status_code=status, media_type=fmt.media_type, headers=headers
    )


Endpoint = Callable[[Request, Format], Response]


def _guarded(endpoint: Endpoint) -> Callable[[Request], Response]:
    """Run an endpoint with its format; its errors are answered in that format."""

    # Not functools.wraps: FastAPI would read the endpoint's own signature through __wrapped__.
    def run(request: Request) -> Response:
        return answer_for(request, _run(request))

    def _run(request: Request) -> Response:
        fmt = Format.XML
        try:
            fmt = _format(request)
            return endpoint(request, fmt)
        except Open311Error as error:
            error.format = fmt
            return error_response(error)
        except Exception as error:
            refused = database_refusal(error, f"Open311 {request.method}", request.url.path)
            if refused is not None:
                return refused
            log.exception("Open311 %s %s failed", request.method, request.url.path)
            failure = Open311Error(500, "Kesalahan pada server / server error")
            failure.format = fmt
            return error_response(failure)

    run.__name__ = endpoint.__name__
    return run


def build_router(config: Open311Config | None = None) -> APIRouter:
    settings = config or Open311Config()
    catalogue = settings.catalogue
    router = APIRouter(prefix=PREFIX, tags=["open311"])

    def add(
        paths: tuple[str, ...],
        endpoint: Endpoint,
        answer: str,
        query: tuple[dict[str, Any], ...] = (),
        statuses: tuple[int, ...] = (400, 404),
    ) -> None:
        for n, path in enumerate(paths):
            router.add_api_route(
                path,
                _guarded(endpoint),
                methods=["GET"],
                include_in_schema=n == 0,
                name=f"{endpoint.__name__}{n}",
                summary=(endpoint.__doc__ or "").strip() or None,
                responses=openapi.responses(answer, statuses=statuses),
                openapi_extra=openapi.parameters(path, *query),
            )
            # HEAD as a route of its own, out of the schema: one operation per method would repeat its id.
            router.add_api_route(
                path,
                _guarded(endpoint),
                methods=["HEAD"],
                include_in_schema=False,
                name=f"{endpoint.__name__}{n}h",
            )

    def discovery(request: Request, fmt: Format) -> Response:
        """Service Discovery"""
        context = _context(request)
        with context.storage.read() as tx:
            changed = sql.categories_changed_at(tx)
        changeset = w3c(max(settings.started_at, changed) if changed is not None else settings.started_at)
        base = str(request.base_url).rstrip("/") + PREFIX
        document: Json = {
            "changeset": changeset,
            "contact": settings.contact,
            "key_service": settings.key_service,
            "endpoints": [
                {
                    "specification": SPECIFICATION,
                    "url": base,
                    "changeset": changeset,
                    "type": "production",
                    "formats": ["text/xml", "application/json"],
                }
            ],
        }
        return _answer(fmt, "discovery", document, max_age=300)

    def services(request: Request, fmt: Format) -> Response:
        """GET Service List"""
        context = _context(request)
        with context.storage.read() as tx:
            categories, agencies = tx.categories(), {a.id: a for a in tx.agencies()}
        rules = context.router.keyword_rules
        document: Json = [
            service_document(
                c,
                agencies.get(c.default_agency_id) if c.default_agency_id else None,
                catalogue.of(c.code),
                context.policy,
                service_keywords(rules, c.code),
            )
            for c in categories
            if c.active
        ]
        return _answer(fmt, "services", document, max_age=300)

    def definition(request: Request, fmt: Format) -> Response:
        """GET Service Definition"""
        code = str(request.path_params["code"])
        with _context(request).storage.read() as tx:
            category = tx.category(code)
        if category is None:
            raise not_found("service_code tidak dikenal / unknown service_code")
        return _answer(
            fmt, "service_definition", definition_document(category, catalogue.of(code)), max_age=300
        )

    def list_requests(request: Request, fmt: Format) -> Response:
        """GET Service Requests"""
        context = _context(request)
        reader = ParamReader(request.query_params.multi_items())
        query = _requests_query(reader, context.now())
        extensions = reader.flag("extensions")
        reader.check()
        with context.storage.read() as tx:
            snapshot = Snapshot.read(tx, sql.public_complaints(tx, query))
        document = requests_document(snapshot, context.calendar, extensions=extensions)
        return _answer(fmt, "service_requests", document, max_age=30)

    def one_request(request: Request, fmt: Format) -> Response:
        """GET Service Request (a one-element list)"""
        context = _context(request)
        ref = str(request.path_params["ref"]).strip().upper()
        reader = ParamReader(request.query_params.multi_items())
        extensions = reader.flag("extensions")
        reader.check()
        with context.storage.read() as tx:
            found = sql.public_complaint(tx, ref)
            snapshot = Snapshot.read(tx, [found] if found is not None else [])
        if not snapshot.complaints:
            raise not_found("service_request_id tidak ditemukan / service request not found")
        # A single request is still a list, of one: the spec's <service_requests><request>.
        document = requests_document(snapshot, context.calendar, extensions=extensions)
        return _answer(fmt, "service_requests", document, max_age=30)

    def token(request: Request, fmt: Format) -> Response:
        """GET service_request_id from a token"""
        text = str(request.path_params["token"]).strip()
        try:
            complaint_id = str(uuid.UUID(text))
        except ValueError:
            raise not_found("token tidak ditemukan / token not found") from None
        with _context(request).storage.read() as tx:
            ref = sql.public_complaint_id_of(tx, complaint_id)
        if ref is None:
            raise not_found("token tidak ditemukan / token not found")
        return _answer(fmt, "service_requests", [{"service_request_id": ref, "token": text}], max_age=300)

    def request_updates(request: Request, fmt: Format) -> Response:
        """GET Service Request Updates (mySociety's extension)"""
        context = _context(request)
        reader = ParamReader(request.query_params.multi_items())
        now = context.now()
        start, end = reader.moment("start_date"), reader.moment("end_date")
        refs = _refs(reader)
        page, size = _paging(reader)
        reader.check()
        if start is not None and end is not None and end < start:
            raise bad_request("end_date sebelum start_date / end_date is before start_date")
        end = end or now
        start = start or end - DEFAULT_SPAN
        with context.storage.read() as tx:
            updates = sql.public_updates_between(
                tx,
                start=start,
                end=end,
                refs=[r.upper() for r in refs] if refs else None,
                limit=size,
                offset=(page - 1) * size,
            )
            document = update_documents(tx, updates, {a.id: a for a in tx.agencies()})
        return _answer(fmt, "service_request_updates", document, max_age=30)

    add(("/discovery.{fmt}", "/discovery"), discovery, "discovery", statuses=(400,))
    add(("/services.{fmt}", "/services"), services, "services", statuses=(400,))
    add(("/services/{code}.{fmt}", "/services/{code}"), definition, "definition")
    add(("/requests.{fmt}", "/requests"), list_requests, "requests", openapi.REQUESTS_QUERY, (400,))
    add(("/requests/{ref}.{fmt}", "/requests/{ref}"), one_request, "requests", openapi.ONE_QUERY)
    add(("/tokens/{token}.{fmt}", "/tokens/{token}"), token, "token")
    add(
        ("/servicerequestupdates.{fmt}", "/servicerequestupdates"),
        request_updates,
        "updates",
        openapi.UPDATES_QUERY,
        (400,),
    )

    async def post_requests(request: Request) -> Response:
        fmt = Format.XML
        try:
            fmt = _format(request)
            reader = ParamReader([*request.query_params.multi_items(), *await _body_pairs(request)])
            context = _context(request)
            done = await run_in_threadpool(submit, context, catalogue, reader)
        except Open311Error as error:
            error.format = fmt
            return error_response(error)
        except Exception as error:
            refused = database_refusal(error, "Open311 POST", request.url.path)
            if refused is not None:
                return refused
            log.exception("Open311 POST %s failed", request.url.path)
            failure = Open311Error(500, "Kesalahan pada server / server error")
            failure.format = fmt
            return error_response(failure)
        document: Json = [
            {
                "service_request_id": done.service_request_id,
                "service_notice": done.service_notice,
                "account_id": None,
            }
        ]
        response = _answer(fmt, "service_requests", document, status=201, max_age=0)
        if done.replayed:
            response.headers["Idempotent-Replayed"] = "true"
        return response

    for n, path in enumerate(("/requests.{fmt}", "/requests")):
        router.add_api_route(
            path,
            post_requests,
            methods=["POST"],
            status_code=201,
            include_in_schema=n == 0,
            name=f"post_requests{n}",
            summary="POST Service Request (needs an api_key)",
            responses=openapi.responses("posted", success=201, statuses=(400, 403, 404)),
            openapi_extra={**openapi.parameters(path), **openapi.POST_BODY},
        )

    resources = [route.path_regex for route in router.routes if isinstance(route, APIRoute)]

    # Last: whatever the routes above did not answer. A known path with another method is a 405.
    def fallback(request: Request) -> Response:
        path = request.url.path
        known = any(pattern.match(path) for pattern in resources)
        if known:
            requests = path.rstrip("/").split("/")[-1].split(".")[0] == "requests"
            allowed = "GET, HEAD, POST" if requests else "GET, HEAD"
            error = Open311Error(
                METHOD_NOT_ALLOWED,
                f"metode {request.method} tidak diizinkan di sini / method {request.method} not allowed here",
                headers={"Allow": allowed},
            )
        else:
            error = Open311Error(
                NOT_FOUND, f"tidak ada sumber daya Open311 di / no Open311 resource at {path}"
            )
        tail = path.rsplit("/", 1)[-1]
        error.format = Format.JSON if tail.lower().endswith(".json") else Format.XML
        return answer_for(request, error_response(error))

    router.add_api_route(
        "/{rest:path}",
        fallback,
        methods=["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"],
        include_in_schema=False,
        name="fallback",
    )
    return router


def _paging(reader: ParamReader) -> tuple[int, int]:
    page = reader.integer("page", low=1, high=MAX_PAGE) or 1
    size = reader.integer("page_size", low=1, high=MAX_PAGE_SIZE) or MAX_PAGE_SIZE
    return page, size


def _refs(reader: ParamReader) -> tuple[str, ...]:
    """The service_request_id values asked for; past ``MAX_IDS`` of them, a problem for the 400."""
    refs = reader.texts("service_request_id")
    if len(refs) > MAX_IDS:
        reader.problem(f"service_request_id: paling banyak {MAX_IDS} / at most {MAX_IDS} ids")
    return refs


def _requests_query(reader: ParamReader, now: datetime) -> sql.PublicQuery:
    page, size = _paging(reader)
    refs = _refs(reader)
    if refs:
        # "This overrides all other arguments."
        return sql.PublicQuery(limit=MAX_IDS, refs=tuple(r.upper() for r in refs))
    statuses: list[Status] = []
    for name in reader.texts("status"):
        group = _STATUS_GROUPS.get(name.lower())
        if group is None:
            reader.problem("status: pilih open atau closed / must be open or closed")
        else:
            statuses.extend(group)
    start, end = reader.moment("start_date"), reader.moment("end_date")
    after, before = reader.moment("updated_after"), reader.moment("updated_before")
    if start is not None and end is not None:
        if end < start:
            reader.problem("end_date sebelum start_date / end_date is before start_date")
        elif end - start > DEFAULT_SPAN:
            reader.problem("start_date..end_date paling lama 90 hari / may not span more than 90 days")
    elif start is not None:
        end = start + DEFAULT_SPAN
    elif end is not None:
        start = end - DEFAULT_SPAN
    elif after is None and before is None:
        # The spec's default: the most recent 90 days.
        start, end = now - DEFAULT_SPAN, now
    following = after is not None or before is not None
    return sql.PublicQuery(
        limit=size,
        offset=(page - 1) * size,
        service_codes=tuple(c.strip() for c in reader.texts("service_code")),
        statuses=tuple(dict.fromkeys(statuses)),
        created_from=start,
        created_to=end,
        updated_after=after,
        updated_before=before,
        order=sql.Order.UPDATED if following else sql.Order.NEWEST,
    )


async def _body_pairs(request: Request) -> list[tuple[str, str]]:
    """The POST body as (name, value) pairs: form-encoded (the spec), multipart, or JSON (tolerated)."""
    body = await request.body()
    if len(body) > MAX_BODY:
        raise bad_request(f"isi permintaan terlalu besar (maks. {MAX_BODY // 1024} KB) / body too large")
    if not body:
        return []
    media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media_type == "multipart/form-data":
        try:
            form = await request.form()
        except Exception:  # python-multipart and Starlette raise several kinds for a malformed body
            raise bad_request("isi multipart tidak sah / the multipart body is malformed") from None
        pairs: list[tuple[str, str]] = []
        for name, value in form.multi_items():
            if not isinstance(value, str):
                raise bad_request(
                    "unggah berkas tidak didukung, kirim media_url / file uploads unsupported: send media_url"
                )
            pairs.append((name, value))
        return pairs
    if media_type == "application/json":
        try:
            data = json.loads(body)
        except (ValueError, UnicodeDecodeError):
            raise bad_request("isi JSON tidak sah / the body is not valid JSON") from None
        return json_pairs(data)
    try:
        text = body.decode("utf-8")
        return parse_qsl(
            text, keep_blank_values=True, strict_parsing=False, errors="strict", max_num_fields=500
        )
    except UnicodeDecodeError:
        raise bad_request("isi permintaan bukan UTF-8 / the body is not UTF-8") from None
    except ValueError:
        raise bad_request("isi permintaan terlalu banyak kolom / too many fields") from None
