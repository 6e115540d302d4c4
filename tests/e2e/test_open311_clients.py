"""Existing Open311 clients against a real ``sambat-central serve``.

1. FixMyStreet's Open311 client, ``perllib/Open311.pm`` of mysociety/fixmystreet at commit 3092ba7a (the
   version that reads ``servicerequestupdates.xml``). It is Perl, so its requests are replayed here exactly:
   the endpoint URL ends in ``/`` and paths are appended (``services.xml``, ``services/CODE.xml``,
   ``requests.xml``, ``tokens/T.xml``, ``servicerequestupdates.xml``); every GET carries ``jurisdiction_id``;
   the POST is form-encoded with ``jurisdiction_id``, ``api_key``, the "extended description"
   (title, detail and report URL, blank lines between), ``first_name``/``last_name`` split from one name,
   ``email``, ``phone``, ``lat``/``long`` cut to 6 decimals, ``media_url`` and ``attribute[NAME]`` fields;
   updates are fetched with ``api_key``, ``start_date`` and ``end_date`` in W3C format. It always asks for
   XML and reads it the way its XML::Simple settings do (``request``, ``error`` and the other group tags
   forced to lists), so ``$obj->{request}->[0]->{service_request_id}`` must exist.
2. The Python ``georeport`` client (PyPI, 0.3.1), when it is installed: it is used as it is.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from tests.support.server import CentralServer

pytestmark = pytest.mark.e2e

JURISDICTION = "malangkota.go.id"
GROUP_TAGS = {
    "services": "service",
    "attributes": "attribute",
    "values": "value",
    "service_requests": "request",
    "errors": "error",
    "service_request_updates": "request_update",
}
"""Open311.pm's ``_get_xml_object``: these item tags are always lists (ForceArray), wrappers folded away."""


def xml_simple(element: ET.Element) -> Any:
    """XML::Simple's view with Open311.pm's options: GroupTags fold wrappers, ForceArray on the items."""
    if len(element) == 0:
        return element.text or None  # SuppressEmpty => undef
    result: dict[str, Any] = {}
    for child in element:
        value = xml_simple(child)
        if child.tag in GROUP_TAGS:
            items = [xml_simple(item) for item in child if item.tag == GROUP_TAGS[child.tag]]
            result[child.tag] = items
        elif child.tag in GROUP_TAGS.values():
            result.setdefault(child.tag, []).append(value)
        else:
            result[child.tag] = value
    return result


class FixMyStreetOpen311:
    """The requests of Open311.pm, one method per sub it has."""

    def __init__(self, endpoint: str, api_key: str) -> None:
        self.endpoint = endpoint  # ends with "/", as in FixMyStreet's body configuration
        self.api_key = api_key
        self.http = httpx.Client(timeout=30)

    def _get(self, path: str, params: dict[str, str] | None = None) -> httpx.Response:
        query = {**(params or {}), "jurisdiction_id": JURISDICTION}
        return self.http.get(self.endpoint + path, params=query)

    def _post(self, path: str, params: dict[str, str]) -> httpx.Response:
        form = {**params, "jurisdiction_id": JURISDICTION, "api_key": self.api_key}
        return self.http.post(self.endpoint + path, data=form)

    @staticmethod
    def _object(response: httpx.Response) -> Any:
        return xml_simple(ET.fromstring(response.content))

    def get_service_list(self) -> Any:
        return self._object(self._get("services.xml"))

    def get_service_meta_info(self, code: str) -> Any:
        return self._object(self._get(f"services/{code}.xml"))

    def send_service_request(self, report: dict[str, Any], extra: dict[str, str], code: str) -> str | None:
        description = f"{report['title']}\n\n{report['detail']}\n\n{report['url']}\n"
        first, _, last = report["name"].partition(" ")
        params = {
            "description": description,
            "service_code": code,
            "first_name": first,
            "last_name": last,
            "email": report["email"],
            "phone": report["phone"],
            "lat": f"{report['latitude']:.6f}",
            "long": f"{report['longitude']:.6f}",
            "media_url": report["image_url"],
        }
        params.update({f"attribute[{name}]": value for name, value in extra.items()})
        response = self._post("requests.xml", params)
        if not response.is_success:
            return None
        request = self._object(response)["request"][0]
        if request.get("service_request_id"):
            return str(request["service_request_id"])
        token = request.get("token")
        return self.get_service_request_id_from_token(token) if token else None

    def get_service_request_id_from_token(self, token: str) -> str | None:
        found = self._object(self._get(f"tokens/{token}.xml"))
        requests = found.get("request") if isinstance(found, dict) else None
        return str(requests[0]["service_request_id"]) if requests else None

    def get_service_requests(self, report_ids: list[str]) -> Any:
        return self._object(self._get("requests.xml", {"service_request_id": ",".join(report_ids)}))

    def get_service_request_updates(self, start: datetime, end: datetime) -> Any:
        w3c = "%Y-%m-%dT%H:%M:%S%z"
        params = {
            "api_key": self.api_key,
            "start_date": start.strftime(w3c)[:-2] + ":" + start.strftime(w3c)[-2:],
            "end_date": end.strftime(w3c)[:-2] + ":" + end.strftime(w3c)[-2:],
        }
        return self._object(self._get("servicerequestupdates.xml", params)).get("request_update", [])

    def process_error(self, response: httpx.Response) -> str:
        errors = self._object(response)["error"]
        return "".join(
            f"{e.get('code') or '???'}: {e.get('description') or 'unknown error'}\n" for e in errors
        )


def test_fixmystreet_sends_a_report_and_fetches_it_and_its_updates(central_server: CentralServer) -> None:
    fms = FixMyStreetOpen311(f"{central_server.url}/open311/v2/", central_server.api_key("fixmystreet"))
    services = fms.get_service_list()["service"]
    pothole = next(s for s in services if s["service_code"] == "JALAN_RUSAK")
    assert pothole["metadata"] == "true" and pothole["type"] == "realtime"
    meta = fms.get_service_meta_info("JALAN_RUSAK")
    attribute = meta["attributes"][0]
    assert attribute["code"] == "ukuran_lubang" and attribute["required"] == "true"
    assert [v["key"] for v in attribute["values"]] == ["kecil", "sedang", "besar"]

    report = {
        "title": "Jalan ambles dekat jembatan",
        "detail": "Aspal ambles sekitar 1 meter, berbahaya malam hari.",
        "url": "https://fixmystreet.contoh.id/report/4411",
        "name": "Agus Salim",
        "email": "agus@contoh.id",
        "phone": "081355556666",
        "latitude": -7.97701234567,
        "longitude": 112.61901234567,
        "image_url": "https://fixmystreet.contoh.id/photo/4411.0.full.jpeg",
    }
    extra = {"ukuran_lubang": "besar", "fixmystreet_id": "4411", "closest_address": "Jl. Ijen"}
    ref = fms.send_service_request(report, extra, "JALAN_RUSAK")
    assert ref is not None and ref.startswith("MLG-")

    [request] = fms.get_service_requests([ref])["request"]
    assert request["service_request_id"] == ref and request["status"] == "open"
    assert request["media_url"] == report["image_url"]
    assert request["description"].startswith("Jalan ambles dekat jembatan\n\nAspal ambles")

    complaint = next(c for c in central_server.scope_view("coordinator").values() if c["public_ref"] == ref)
    central_server.act(complaint["id"], "start", "operator.dpuprpkp")
    now = datetime.now(UTC)
    updates = fms.get_service_request_updates(now - timedelta(hours=1), now + timedelta(minutes=1))
    mine = [u for u in updates if u["service_request_id"] == ref]
    assert mine and {"update_id", "status", "updated_datetime", "description"} <= set(mine[0])
    assert mine[0]["status"] == "open"


def test_fixmystreet_reads_our_errors(central_server: CentralServer) -> None:
    fms = FixMyStreetOpen311(f"{central_server.url}/open311/v2/", "o311_bukan-kunci-asli")
    response = fms._post("requests.xml", {"service_code": "JALAN_RUSAK", "lat": "-7.97", "long": "112.62"})
    assert response.status_code == 403
    assert fms.process_error(response).startswith("403: api_key")
    assert fms.get_service_request_id_from_token("12345") is None


def test_the_georeport_python_client(central_server: CentralServer) -> None:
    georeport = pytest.importorskip("georeport", reason="the georeport client (PyPI) is not installed")
    key = central_server.api_key("georeport-python")
    root = f"{central_server.url}/open311/v2"
    posted = httpx.post(
        f"{root}/requests.json",
        data={
            "api_key": key,
            "service_code": "PJU",
            "address_string": "Jl. Kawi 12, Klojen",
            "description": "Lampu mati",
        },
        timeout=30,
    )
    ref = posted.json()[0]["service_request_id"]
    for output_format in ("json", "xml"):
        client = georeport.GeoReport(root, jurisdiction=JURISDICTION, output_format=output_format)
        codes = [s["service_code"] for s in client.get_service_list()]
        assert "PJU" in codes and "JALAN_RUSAK" in codes
        definition = client.get_service_definition("JALAN_RUSAK")
        assert definition["service_code"] == "JALAN_RUSAK"
        one = client.get_service_request(ref)
        assert one["service_request_id"] == ref and one["status"] == "open"
        assert one["service_name"] == "Lampu jalan (PJU) mati"
        listed = client.get_service_requests(service_request_id=ref, status="open")
        # xmltodict gives a lone <request> as a mapping, JSON as the spec's one-element array.
        first = listed if isinstance(listed, dict) else listed[0]
        assert first["service_request_id"] == ref
