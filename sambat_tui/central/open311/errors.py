"""GeoReport v2 errors: ``[{code, description}]`` (XML ``<errors><error>``) with HTTP 400, 403 or 404.

The spec: "404 for resources that don't exist, 403 for errors because of wrong or missing api_key and
basically 400 for any other error". Each description is meant to be read by a person, so it is written in
Indonesian and English; it never repeats the value that was sent (it may be personal data).
"""

from __future__ import annotations

from collections.abc import Sequence

from fastapi.responses import Response

from sambat_tui.central.open311.documents import Format, Json, render

BAD_REQUEST = 400
FORBIDDEN = 403
NOT_FOUND = 404
METHOD_NOT_ALLOWED = 405
"""Not in the spec's list, but HTTP's answer to a method a resource does not have (with Allow)."""


class Open311Error(Exception):
    """Raised below a route; answered in the format the request's path asked for."""

    def __init__(
        self, status: int, descriptions: str | Sequence[str], *, headers: dict[str, str] | None = None
    ) -> None:
        messages = [descriptions] if isinstance(descriptions, str) else list(descriptions)
        if not messages:
            raise ValueError("an error needs at least one description")
        super().__init__("; ".join(messages))
        self.status = status
        self.descriptions = tuple(messages)
        self.headers = dict(headers or {})
        self.format = Format.XML
        """Set by the route once it knows the format; XML, the spec's required format, until then."""


def bad_request(descriptions: str | Sequence[str]) -> Open311Error:
    return Open311Error(BAD_REQUEST, descriptions)


def not_found(description: str) -> Open311Error:
    return Open311Error(NOT_FOUND, description)


def error_document(error: Open311Error) -> Json:
    return [{"code": error.status, "description": text} for text in error.descriptions]


def error_response(error: Open311Error) -> Response:
    body = render(error.format, "errors", error_document(error))
    headers = {"Cache-Control": "no-store", **error.headers}
    return Response(body, status_code=error.status, media_type=error.format.media_type, headers=headers)
