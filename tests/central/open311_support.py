"""Helpers for the Open311 tests: a partner app with a key, and readers of both formats written from the spec.

The expected element names and field lists below are copied from the GeoReport v2 specification (and
mySociety's servicerequestupdates extension), not from the implementation, so a test compares the two.
"""

from __future__ import annotations

import uuid
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from typing import Any

import httpx

from sambat_tui.central.open311.keys import issue_key
from tests.central.support import Api

BASE = "/open311/v2"

REQUEST_FIELDS = (
    "service_request_id",
    "status",
    "status_notes",
    "service_name",
    "service_code",
    "description",
    "agency_responsible",
    "service_notice",
    "requested_datetime",
    "updated_datetime",
    "expected_datetime",
    "address",
    "address_id",
    "zipcode",
    "lat",
    "long",
    "media_url",
)
"""GET Service Request(s): the fields of one <request>, in the order of the spec's example."""

SERVICE_FIELDS = ("service_code", "service_name", "description", "metadata", "type", "keywords", "group")
ATTRIBUTE_FIELDS = (
    "variable",
    "code",
    "datatype",
    "required",
    "datatype_description",
    "order",
    "description",
    "values",
)
UPDATE_FIELDS = ("update_id", "service_request_id", "status", "updated_datetime", "description", "media_url")
NOTE_FIELDS = ("datetime", "summary", "description", "type")
DATATYPES = {"string", "number", "datetime", "text", "singlevaluelist", "multivaluelist"}
W3C = r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})"

SECRETS = ("budi.santoso@contoh.id", "081234567890", "Budi", "Santoso", "device-XYZ-42", "acct-9911")
"""The personal fields a test POST carries; none of them may ever come back."""


def xml_of(response: httpx.Response) -> ET.Element:
    assert response.headers["content-type"].startswith("text/xml"), response.headers
    assert response.content.startswith(b'<?xml version="1.0" encoding="utf-8"?>'), response.content[:60]
    return ET.fromstring(response.content)


def json_of(response: httpx.Response) -> Any:
    assert response.headers["content-type"].startswith("application/json"), response.headers
    return response.json()


def children(element: ET.Element) -> list[str]:
    return [child.tag for child in element]


def text(element: ET.Element, name: str) -> str:
    found = element.find(name)
    assert found is not None, f"<{element.tag}> has no <{name}>"
    return found.text or ""


def assert_xml_errors(response: httpx.Response, status: int) -> list[str]:
    """The spec's <errors><error><code/><description/></error></errors>, with the HTTP status."""
    assert response.status_code == status, response.text
    root = xml_of(response)
    assert root.tag == "errors"
    assert root and all(child.tag == "error" for child in root)
    descriptions = []
    for error in root:
        assert children(error) == ["code", "description"]
        assert text(error, "code") == str(status)
        descriptions.append(text(error, "description"))
        assert descriptions[-1]
    return descriptions


def assert_json_errors(response: httpx.Response, status: int) -> list[str]:
    """The spec's [{"code", "description"}], with the HTTP status."""
    assert response.status_code == status, response.text
    body = json_of(response)
    assert isinstance(body, list) and body
    for error in body:
        assert set(error) == {"code", "description"}
        assert error["code"] == status and isinstance(error["code"], int)
        assert isinstance(error["description"], str) and error["description"]
    return [e["description"] for e in body]


@dataclass
class Partner:
    """A partner app with an api key, talking to the ASGI app under test."""

    api: Api
    name: str = "lapor-malang"
    key: str = ""
    sent: list[httpx.Response] = field(default_factory=list)

    def __post_init__(self) -> None:
        if not self.key:
            self.key = issue_key(self.api.context.storage, self.name, self.api.clock())

    def get(self, path: str, **params: Any) -> httpx.Response:
        response = self.api.client.get(BASE + path, params=params)
        self.sent.append(response)
        return response

    def post(self, fmt: str = "json", *, with_key: bool = True, **fields: Any) -> httpx.Response:
        data: dict[str, Any] = {"api_key": self.key} if with_key else {}
        data.update(fields)
        response = self.api.client.post(f"{BASE}/requests.{fmt}", data=data)
        self.sent.append(response)
        return response

    def pothole(self, **extra: Any) -> dict[str, Any]:
        """File a valid pothole report in Klojen; returns the first element of the answer."""
        fields: dict[str, Any] = {
            "service_code": "JALAN_RUSAK",
            "lat": "-7.9770",
            "long": "112.6190",
            "description": f"Lubang besar di Jl. Ijen dekat sekolah {uuid.uuid4().hex[:6]}",
            "attribute[ukuran_lubang]": "besar",
        }
        fields.update(extra)
        response = self.post(**fields)
        assert response.status_code == 201, response.text
        body = response.json()
        assert isinstance(body, list) and len(body) == 1
        result: dict[str, Any] = body[0]
        return result

    def potholes(self, count: int) -> list[str]:
        """File ``count`` reports a second apart (the listing orders by intake time); their references."""
        refs = []
        for _ in range(count):
            refs.append(self.pothole()["service_request_id"])
            self.api.clock.advance(seconds=1)
        return refs

    def one(self, ref: str, **params: Any) -> dict[str, Any]:
        response = self.get(f"/requests/{ref}.json", **params)
        assert response.status_code == 200, response.text
        body = response.json()
        assert isinstance(body, list) and len(body) == 1
        result: dict[str, Any] = body[0]
        return result


def complaint_by_ref(api: Api, ref: str) -> dict[str, Any]:
    """The /v1 complaint behind a public reference, as the coordinator sees it."""
    response = api.get("/v1/complaints", "coordinator", params={"q": ref, "limit": 5})
    assert response.status_code == 200, response.text
    [complaint] = [c for c in response.json()["complaints"] if c["public_ref"] == ref]
    result: dict[str, Any] = complaint
    return result
