"""Every error is application/problem+json with a stable code, FastAPI's and Starlette's own included."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from functools import partial

from sambat_tui.central.open311.keys import issue_key
from tests.central.open311_support import BASE, assert_json_errors
from tests.central.support import Api, assert_problem


def test_unknown_route_is_a_not_found_problem(api: Api) -> None:
    body = assert_problem(api.get("/v1/nothing-here", "coordinator"), 404, "not_found")
    assert "/v1/nothing-here" in body["detail"]
    assert_problem(api.client.get("/"), 404, "not_found")


def test_wrong_method_is_a_problem(api: Api) -> None:
    assert_problem(api.client.delete("/v1/me", headers=api.headers("coordinator")), 405, "method_not_allowed")


def test_fastapi_validation_errors_become_problems_listing_the_fields(api: Api) -> None:
    response = api.client.put(
        f"/v1/complaints/{uuid.uuid4()}",
        json={"channel": "pigeon", "title": "t", "description": "d", "colour": "red"},
        headers=api.headers("coordinator"),
    )
    body = assert_problem(response, 422, "validation_failed")
    fields = {tuple(e["loc"]) for e in body["errors"]}
    assert ("body", "channel") in fields and ("body", "colour") in fields
    assert all("input" not in e for e in body["errors"])  # input is never echoed (PII, unencodable text)


def test_malformed_json_and_bad_path_parameters_are_problems(api: Api) -> None:
    response = api.client.put(
        f"/v1/complaints/{uuid.uuid4()}",
        content=b"{not json",
        headers={**api.headers("coordinator"), "Content-Type": "application/json"},
    )
    assert_problem(response, 422, "validation_failed")
    assert_problem(api.get("/v1/complaints/not-a-uuid", "coordinator"), 422, "validation_failed")
    assert_problem(api.get("/v1/changes", "coordinator", params={"limit": 0}), 422, "validation_failed")


def test_unknown_complaint_is_a_not_found_problem(api: Api) -> None:
    assert_problem(api.get(f"/v1/complaints/{uuid.uuid4()}", "coordinator"), 404, "not_found")


def test_server_errors_are_problems_too(api: Api, monkeypatch: object) -> None:
    import pytest

    assert isinstance(monkeypatch, pytest.MonkeyPatch)

    def explode(*args: object, **kwargs: object) -> None:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr("sambat_tui.central.routes.directory.json_response", explode)
    body = assert_problem(api.get("/v1/agencies", "coordinator"), 500, "internal_error")
    assert "disk on fire" not in body["detail"]


@contextmanager
def _full_disk(api: Api) -> Iterator[None]:
    """SQLite's own "database or disk is full" on the server's writer (PRAGMA max_page_count)."""
    writer = api.context.storage._writer
    pages = writer.execute("PRAGMA page_count").fetchone()[0]
    writer.execute(f"PRAGMA max_page_count = {pages}")
    try:
        yield
    finally:
        writer.execute("PRAGMA max_page_count = 1073741823")


LONG = "Air meluap ke jalan setiap hujan deras, got tersumbat sampah dan lumpur. " * 60


def test_a_full_disk_is_a_503_storage_full_that_wrote_nothing_and_asks_to_come_back(api: Api) -> None:
    complaint_id = str(uuid.uuid4())
    body = {"channel": "web", "title": "Banjir", "description": LONG, "category_code": "DRAINASE"}
    put = partial(
        api.client.put, f"/v1/complaints/{complaint_id}", json=body, headers=api.headers("coordinator")
    )
    with _full_disk(api):
        refused = put()
        problem = assert_problem(refused, 503, "storage_full")
        assert refused.headers["retry-after"] == "60" and "nothing was saved" in problem["detail"]
        assert_problem(api.get(f"/v1/complaints/{complaint_id}", "coordinator"), 404, "not_found")
    assert put().status_code == 201  # the same request, once there is room


def test_an_open311_post_on_a_full_disk_answers_in_georeport_form(api: Api) -> None:
    key = issue_key(api.context.storage, "lapor-malang", api.clock())
    fields = {
        "api_key": key,
        "service_code": "SAMPAH",
        "lat": "-7.95",
        "long": "112.64",
        "description": LONG[:3900],
    }
    with _full_disk(api):
        refused = api.client.post(f"{BASE}/requests.json", data=fields)
        [description] = assert_json_errors(refused, 503)
        assert "penuh" in description and refused.headers["retry-after"] == "60"
