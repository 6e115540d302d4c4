"""Every error is application/problem+json with a stable code, FastAPI's and Starlette's own included."""

from __future__ import annotations

import logging
import sqlite3
import uuid
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager
from functools import partial
from pathlib import Path

import pytest

from sambat_tui.central.open311.keys import issue_key
from tests.central.open311_support import BASE, assert_json_errors
from tests.central.support import Api, assert_problem
from tests.support.damage import spoil_all_but_the_header


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


def _read_a_damaged_page(directory: Path) -> Callable[..., None]:
    """A stand-in that meets SQLite's own error for a damaged page, with its own result code."""
    damaged = directory / "damaged.sqlite3"
    with closing(sqlite3.connect(damaged)) as conn, conn:
        conn.execute("CREATE TABLE t (x TEXT)")
        conn.executemany("INSERT INTO t VALUES (?)", [("x" * 500,)] * 200)
    spoil_all_but_the_header(damaged)

    def read(*args: object, **kwargs: object) -> None:
        with closing(sqlite3.connect(damaged)) as conn:
            conn.execute("SELECT count(*) FROM t").fetchone()

    return read


def test_a_database_that_cannot_be_read_is_a_503_with_words_for_the_operator_not_a_traceback(
    api: Api, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr("sambat_tui.central.routes.directory.json_response", _read_a_damaged_page(tmp_path))
    with caplog.at_level(logging.ERROR, logger="sambat_tui.central.problems"):
        refused = api.get("/v1/agencies", "coordinator")
    problem = assert_problem(refused, 503, "storage_unreadable")
    assert refused.headers["retry-after"] == "300" and "nothing was changed" in problem["detail"]
    [record] = caplog.records
    assert "sambat-central restore" in record.getMessage() and record.exc_info is None


def test_an_open311_request_on_a_database_that_cannot_be_read_answers_in_georeport_form(
    api: Api, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("sambat_tui.central.open311.router._format", _read_a_damaged_page(tmp_path))
    refused = api.client.get(f"{BASE}/services.json")
    [description] = assert_json_errors(refused, 503)
    assert "tidak bisa dibaca" in description and refused.headers["retry-after"] == "300"


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
