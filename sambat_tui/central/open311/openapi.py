"""How the Open311 routes appear in the server's OpenAPI document (``/openapi.json``, ``/docs``).

The routes read their arguments themselves (empty optional arguments must count as absent, and errors must
come in the GeoReport format), so FastAPI cannot infer them: each operation's parameters, body and answers
are declared here. The JSON schemas are those of the GeoReport v2 answers; the XML form of each is the same
tree (see ``documents.py``).
"""

from __future__ import annotations

from typing import Any

Schema = dict[str, Any]


def _nullable(kind: str) -> Schema:
    return {"type": [kind, "null"]}


_STRING: Schema = {"type": "string"}
_ERRORS: Schema = {
    "type": "array",
    "items": {
        "type": "object",
        "properties": {"code": {"type": "integer"}, "description": _STRING},
        "required": ["code", "description"],
    },
}
_NOTE: Schema = {
    "type": "object",
    "properties": {"datetime": _STRING, "summary": _STRING, "description": _STRING, "type": _STRING},
}
_REQUEST: Schema = {
    "type": "object",
    "required": ["service_request_id", "status", "requested_datetime"],
    "properties": {
        "service_request_id": _STRING,
        "status": {"type": "string", "enum": ["open", "closed"]},
        "status_notes": _nullable("string"),
        "service_name": _nullable("string"),
        "service_code": _nullable("string"),
        "description": _STRING,
        "agency_responsible": _nullable("string"),
        "service_notice": _nullable("string"),
        "requested_datetime": _STRING,
        "updated_datetime": _STRING,
        "expected_datetime": _nullable("string"),
        "address": _nullable("string"),
        "address_id": _nullable("string"),
        "zipcode": _nullable("string"),
        "lat": _nullable("number"),
        "long": _nullable("number"),
        "media_url": _nullable("string"),
        "extended_attributes": {"type": "object"},
        "notes": {"type": "array", "items": _NOTE},
    },
}
SCHEMAS: dict[str, Schema] = {
    "discovery": {
        "type": "object",
        "required": ["changeset", "contact", "key_service", "endpoints"],
        "properties": {
            "changeset": _STRING,
            "contact": _STRING,
            "key_service": _STRING,
            "endpoints": {"type": "array", "items": {"type": "object"}},
        },
    },
    "services": {
        "type": "array",
        "items": {
            "type": "object",
            "required": ["service_code", "service_name", "metadata", "type"],
            "properties": {
                "service_code": _STRING,
                "service_name": _STRING,
                "description": _STRING,
                "metadata": {"type": "boolean"},
                "type": {"type": "string", "enum": ["realtime", "batch", "blackbox"]},
                "keywords": _STRING,
                "group": _STRING,
            },
        },
    },
    "definition": {
        "type": "object",
        "required": ["service_code", "attributes"],
        "properties": {"service_code": _STRING, "attributes": {"type": "array", "items": {"type": "object"}}},
    },
    "requests": {"type": "array", "items": _REQUEST},
    "posted": {
        "type": "array",
        "items": {
            "type": "object",
            "required": ["service_request_id"],
            "properties": {
                "service_request_id": _STRING,
                "service_notice": _STRING,
                "account_id": _nullable("string"),
            },
        },
    },
    "token": {
        "type": "array",
        "items": {"type": "object", "properties": {"service_request_id": _STRING, "token": _STRING}},
    },
    "updates": {
        "type": "array",
        "items": {
            "type": "object",
            "required": ["update_id", "service_request_id", "status", "updated_datetime"],
            "properties": {
                "update_id": _STRING,
                "service_request_id": _STRING,
                "status": {"type": "string", "enum": ["open", "closed"]},
                "updated_datetime": _STRING,
                "description": _STRING,
                "media_url": _nullable("string"),
            },
        },
    },
}


def _content(schema: Schema) -> dict[str, Any]:
    return {"application/json": {"schema": schema}, "text/xml": {"schema": {"type": "string"}}}


def responses(
    answer: str, *, success: int = 200, statuses: tuple[int, ...] = (400, 404)
) -> dict[int | str, Any]:
    documented: dict[int | str, Any] = {
        success: {
            "description": "GeoReport v2 answer in the format of the path",
            "content": _content(SCHEMAS[answer]),
        }
    }
    for status in statuses:
        documented[status] = {"description": "GeoReport v2 errors", "content": _content(_ERRORS)}
    return documented


def _parameter(name: str, place: str, description: str, schema: Schema | None = None) -> dict[str, Any]:
    return {
        "name": name,
        "in": place,
        "required": place == "path",
        "description": description,
        "schema": schema or _STRING,
    }


FORMAT = _parameter(
    "fmt", "path", "xml or json; a path without it answers XML", {"type": "string", "enum": ["xml", "json"]}
)
JURISDICTION = _parameter("jurisdiction_id", "query", "accepted and ignored: the endpoint serves one city")
_PAGE = _parameter("page", "query", "extension: page number, from 1", {"type": "integer", "minimum": 1})
_PAGE_SIZE = _parameter(
    "page_size",
    "query",
    "extension: requests per page, 1-1000 (default 1000)",
    {"type": "integer", "minimum": 1},
)


def parameters(path: str, *query: dict[str, Any]) -> dict[str, Any]:
    """``openapi_extra`` of an operation: its path parameters (from the path) and the query ones given."""
    declared = [FORMAT] if "{fmt}" in path else []
    for name, description in (
        ("code", "the service_code"),
        ("ref", "the service_request_id (public reference, e.g. MLG-2026-000123)"),
        ("token", "the id a gateway gave its intake (PUT /v1/complaints/{id})"),
    ):
        if "{" + name + "}" in path:
            declared.append(_parameter(name, "path", description))
    return {"parameters": [*declared, JURISDICTION, *query]}


REQUESTS_QUERY = (
    _parameter(
        "service_request_id",
        "query",
        "comma-delimited references, at most 1000; overrides every other argument",
    ),
    _parameter("service_code", "query", "comma-delimited service codes"),
    _parameter("start_date", "query", "W3C date-time; with end_date at most 90 days apart"),
    _parameter("end_date", "query", "W3C date-time"),
    _parameter("status", "query", "open, closed, or both comma-delimited"),
    _parameter("updated_after", "query", "extension: W3C date-time; lists by last change, oldest first"),
    _parameter("updated_before", "query", "extension: W3C date-time"),
    _parameter("extensions", "query", "extension: true adds notes[] and extended_attributes"),
    _PAGE,
    _PAGE_SIZE,
)
ONE_QUERY = (_parameter("extensions", "query", "extension: true adds notes[] and extended_attributes"),)
UPDATES_QUERY = (
    _parameter("start_date", "query", "W3C date-time (default: 90 days before end_date)"),
    _parameter("end_date", "query", "W3C date-time (default: now)"),
    _parameter("service_request_id", "query", "comma-delimited references, at most 1000"),
    _parameter("api_key", "query", "accepted and ignored (FixMyStreet sends it)"),
    _PAGE,
    _PAGE_SIZE,
)

_POST_FIELDS: dict[str, Schema] = {
    "api_key": _STRING,
    "service_code": _STRING,
    "lat": _STRING,
    "long": _STRING,
    "address_string": _STRING,
    "address_id": _STRING,
    "email": _STRING,
    "device_id": _STRING,
    "account_id": _STRING,
    "first_name": _STRING,
    "last_name": _STRING,
    "phone": _STRING,
    "description": _STRING,
    "media_url": _STRING,
}
POST_BODY: dict[str, Any] = {
    "requestBody": {
        "description": "The spec's form; attribute[CODE]=value (and attribute[CODE][]=value for a "
        "multivaluelist) answer the service definition. JSON with the same names is accepted too.",
        "content": {
            "application/x-www-form-urlencoded": {
                "schema": {
                    "type": "object",
                    "properties": _POST_FIELDS,
                    "required": ["api_key", "service_code"],
                }
            }
        },
    }
}
