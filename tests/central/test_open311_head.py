"""HEAD wherever GET works (RFC 9110 9.3.2): the Open311 resources and the tracking page answer a HEAD with
the status and headers a GET gets, and no body; a method a resource lacks still names HEAD in ``Allow``."""

from __future__ import annotations

import httpx
import pytest

from tests.central.open311_support import BASE, Partner, assert_json_errors, complaint_by_ref
from tests.central.support import Api

VARYING = {"date"}
"""Headers that may differ between two answers to the same question."""


def _same_but_empty(api: Api, url: str) -> httpx.Response:
    got = api.client.get(url)
    head = api.client.request("HEAD", url)
    assert head.status_code == got.status_code, (url, head.status_code, got.status_code)
    assert head.content == b"", url
    mine = {k: v for k, v in head.headers.items() if k not in VARYING}
    theirs = {k: v for k, v in got.headers.items() if k not in VARYING}
    assert mine == theirs, url
    # Content-Length announces the body a GET would get.
    assert int(head.headers["content-length"]) == len(got.content) > 0, url
    return head


@pytest.fixture
def ref(api: Api) -> str:
    partner = Partner(api)
    posted: str = partner.pothole()["service_request_id"]
    return posted


def test_every_open311_resource_answers_head_like_get(api: Api, ref: str) -> None:
    complaint_id = complaint_by_ref(api, ref)["id"]
    paths = [
        "/discovery",
        "/services",
        "/services/JALAN_RUSAK",
        "/requests",
        f"/requests/{ref}",
        f"/tokens/{complaint_id}",
        "/servicerequestupdates",
    ]
    for path in paths:
        for suffix in ("", ".json", ".xml"):
            head = _same_but_empty(api, f"{BASE}{path}{suffix}")
            assert head.status_code == 200, path + suffix
    # Query arguments are read the same way: a bad one is the same 400, without its body.
    assert _same_but_empty(api, f"{BASE}/requests.json?page=0").status_code == 400


def test_head_of_what_does_not_exist_is_the_same_error_without_a_body(api: Api) -> None:
    for path in ("/requests/MLG-2026-999999.json", "/services/NOPE.xml", "/potholes.json"):
        assert _same_but_empty(api, BASE + path).status_code == 404
    assert _same_but_empty(api, f"{BASE}/services.yaml").status_code == 400


def test_the_allow_header_of_a_405_names_head(api: Api) -> None:
    response = api.client.put(f"{BASE}/requests.json")
    assert_json_errors(response, 405)
    assert response.headers["allow"] == "GET, HEAD, POST"
    response = api.client.delete(f"{BASE}/servicerequestupdates.json")
    assert_json_errors(response, 405)
    assert response.headers["allow"] == "GET, HEAD"


def test_the_tracking_page_answers_head_like_get(api: Api, ref: str) -> None:
    for url in (
        f"/lacak/{ref}",
        f"/lacak/{ref}?lang=en",
        "/lacak",
        "/lacak/",
        "/lacak?ref=nonsense",
        "/lacak/MLG-2026-999999",
    ):
        _same_but_empty(api, url)
    assert _same_but_empty(api, f"/lacak/{ref}").status_code == 200
    assert _same_but_empty(api, "/lacak/MLG-2026-999999").status_code == 404
    # The form's redirect: no body either way, the same Location.
    got = api.client.get(f"/lacak?ref={ref.lower()}")
    head = api.client.request("HEAD", f"/lacak?ref={ref.lower()}")
    assert head.status_code == got.status_code == 303
    assert head.headers["location"] == got.headers["location"] == f"/lacak/{ref}"
