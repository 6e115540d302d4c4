"""Property-based API tests over the served OpenAPI document: no 5xx, answers as documented.

Schemathesis generates requests for every operation of the ASGI app (with a coordinator's token, over a
small seeded city) and checks each answer. Bounded: a few examples per operation, no Hypothesis deadline.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import content_type_conformance, response_schema_conformance

from sambat_tui.central.app import create_app
from sambat_tui.central.auth import new_token, token_hash
from sambat_tui.central.context import Settings
from sambat_tui.central.seed import seed
from sambat_tui.central.storage import Storage
from sambat_tui.contract import PROBLEM_MEDIA_TYPE, Problem, ProblemCode
from sambat_tui.domain.reference import load_reference
from sambat_tui.domain.routing import Router

CITY = 60
MAX_EXAMPLES = 8


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Any, str]]:
    """The app over a small seeded city, and a coordinator's token."""
    data_dir: Path = tmp_path_factory.mktemp("schemathesis") / "central"
    reference = load_reference()
    router = Router.load(reference=reference)
    storage = Storage.open(data_dir)
    try:
        seed(storage, complaints=CITY, seed=11, now=datetime.now(UTC), router=router, reference=reference)
        token = new_token()
        with storage.write(datetime.now(UTC)) as tx:
            tx.add_token(token_hash(token), "coordinator")
    finally:
        storage.close()
    app = create_app(
        Settings(data_dir=data_dir, reference=reference, router=router, job_interval_seconds=None)
    )
    try:
        yield app, token
    finally:
        app.state.context.storage.close()


@pytest.fixture(scope="module")
def api_schema(seeded: tuple[Any, str]) -> schemathesis.BaseSchema:
    app, _ = seeded
    return schemathesis.openapi.from_asgi("/openapi.json", app)


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
def test_no_server_error_and_answers_as_documented(case: schemathesis.Case, seeded: tuple[Any, str]) -> None:
    _, token = seeded
    headers = {"Authorization": f"Bearer {token}"}
    response = case.call(headers=headers)
    if response.status_code < 400:
        checks = [not_a_server_error, response_schema_conformance, content_type_conformance]
        case.validate_response(response, checks=checks, headers=headers)
        return
    # /v1 documents every error as an RFC 9457 problem; the Open311 facade answers GeoReport v2 error lists.
    v1 = case.path.startswith("/v1/")
    checks = [not_a_server_error, response_schema_conformance, content_type_conformance] if v1 else []
    case.validate_response(response, checks=[not_a_server_error, *checks], headers=headers)
    if v1:
        assert response.headers["content-type"][0].startswith(PROBLEM_MEDIA_TYPE), response.headers
        problem = Problem.model_validate_json(response.content)
        assert problem.status == response.status_code
        assert problem.code in {c.value for c in ProblemCode}
    elif response.headers["content-type"][0].startswith("application/json"):
        errors = response.json()
        assert isinstance(errors, list) and errors, errors
        assert all({"code", "description"} <= set(e) for e in errors), errors


def _operations(document: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            if method in {"get", "put", "post", "delete", "patch"}:
                yield path, method, operation


def _path_parameter_gaps(document: dict[str, Any], prefix: str) -> list[str]:
    gaps = []
    for path, method, operation in _operations(document):
        if not path.startswith(prefix):
            continue
        templated = set(re.findall(r"{(\w+)}", path))
        declared = {p["name"] for p in operation.get("parameters", []) if p.get("in") == "path"}
        if templated != declared:
            gaps.append(f"{method.upper()} {path}: path parameters {sorted(declared)} != {sorted(templated)}")
    return gaps


def test_the_openapi_document_is_valid(api_schema: schemathesis.BaseSchema) -> None:
    # Schemathesis validates against the OpenAPI meta-schema of the document's version (3.1 here).
    api_schema.validate()
    document = api_schema.raw_schema
    assert document["openapi"].startswith("3.")
    operation_ids = [operation["operationId"] for _, _, operation in _operations(document)]
    assert len(operation_ids) == len(set(operation_ids)), "operationId values must be unique"
    for path, method, operation in _operations(document):
        assert operation.get("responses"), f"{method.upper()} {path} documents no response"
    components = document.get("components", {}).get("schemas", {})
    for ref in re.findall(r'"\$ref":\s*"#/components/schemas/([^"]+)"', json.dumps(document)):
        assert ref in components, f"dangling $ref to {ref}"
    assert _path_parameter_gaps(document, "/v1/") == []


def test_open311_paths_declare_their_parameters(api_schema: schemathesis.BaseSchema) -> None:
    assert _path_parameter_gaps(api_schema.raw_schema, "/open311/") == []


def test_every_v1_operation_documents_its_errors_as_problems(api_schema: schemathesis.BaseSchema) -> None:
    document = api_schema.raw_schema
    for path, method, operation in _operations(document):
        if not path.startswith("/v1/"):
            continue
        responses = operation["responses"]
        assert "422" not in responses, f"{method.upper()} {path} documents FastAPI's own 422 shape"
        content = responses["default"]["content"]
        assert content == {PROBLEM_MEDIA_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}}
    assert {"type", "title", "status", "code"} <= set(
        document["components"]["schemas"]["Problem"]["required"]
    )
