"""/v1/me, the reference lists, and bearer authentication."""

from __future__ import annotations

import pytest

from sambat_tui.central.auth import TOKEN_PREFIX, new_token, token_hash
from tests.central.support import START, Api, assert_problem


def test_me_describes_the_user_their_agency_and_desks(api: Api) -> None:
    me = api.get("/v1/me", "supervisor.dishub").json()
    assert me["user"]["id"] == "supervisor.dishub"
    assert me["roles"] == ["supervisor"]
    assert me["agency"]["id"] == "dishub"
    assert [d["id"] for d in me["desks"]] == ["dishub.lalin", "dishub.parkir", "dishub.angkutan"]
    assert me["server_time"] == START.strftime("%Y-%m-%dT%H:%M:%SZ")


def test_standard_users_follow_the_agreed_shape(api: Api) -> None:
    users = {u["id"]: u for u in api.get("/v1/users", "auditor").json()}
    assert users["coordinator"]["roles"] == ["coordinator"]
    assert users["auditor"]["roles"] == ["auditor"]
    # Operator: every desk of the agency but the UPTs; field officer: the first desk.
    assert users["operator.dpuprpkp"]["desk_ids"] == ["dpuprpkp.jalan", "dpuprpkp.drainase"]
    assert users["field.dpuprpkp"]["desk_ids"] == ["dpuprpkp.jalan"]
    assert len(users["supervisor.dpuprpkp"]["desk_ids"]) == 5
    assert "operator.pln" not in users  # external agencies have no staff here
    assert "operator.pdam" in users  # a BUMD does


@pytest.mark.parametrize(("path", "count"), [("agencies", 16), ("desks", 32), ("categories", 23)])
def test_reference_lists_hold_the_shipped_data(api: Api, path: str, count: int) -> None:
    items = api.get(f"/v1/{path}", "field.dlh").json()
    assert len(items) == count


def test_categories_name_their_class_and_usual_agency(api: Api) -> None:
    categories = {c["code"]: c for c in api.get("/v1/categories", "coordinator").json()}
    assert categories["PJU"]["sla_class"] == "ringan"
    assert categories["PJU"]["default_desk_id"] == "dpuprpkp.pju"
    assert categories["LUAR_KEWENANGAN"]["default_agency_id"] is None


@pytest.mark.parametrize(
    "header",
    [None, "", "Bearer", "Bearer ", "Basic dXNlcjpwYXNz", "Bearer sbt_not-a-real-token", "Bearer a b"],
)
def test_missing_or_unknown_tokens_are_unauthenticated(api: Api, header: str | None) -> None:
    headers = {} if header is None else {"Authorization": header}
    response = api.client.get("/v1/me", headers=headers)
    assert_problem(response, 401, "unauthenticated")
    assert response.headers["www-authenticate"].startswith("Bearer")


def test_the_scheme_is_case_insensitive(api: Api) -> None:
    token = api.token("auditor")
    assert api.client.get("/v1/me", headers={"Authorization": f"bearer {token}"}).status_code == 200


def test_revoked_tokens_stop_working(api: Api) -> None:
    assert api.get("/v1/me", "operator.dlh").status_code == 200
    with api.context.storage.write(START) as tx:
        assert tx.revoke_tokens("operator.dlh") == 1
    assert_problem(api.get("/v1/me", "operator.dlh"), 401, "unauthenticated")


def test_tokens_are_random_prefixed_and_stored_only_as_hashes(api: Api) -> None:
    token = api.token("coordinator")
    assert token.startswith(TOKEN_PREFIX) and len(token) >= 40 and new_token() != token
    raw = api.context.storage.path.read_bytes()
    assert token.encode() not in raw
    with api.context.storage.read() as tx:
        user = tx.user_for_token(token_hash(token))
    assert user is not None and user.id == "coordinator"


@pytest.mark.parametrize(
    "path",
    ["/v1/me", "/v1/agencies", "/v1/desks", "/v1/categories", "/v1/users", "/v1/changes", "/v1/complaints"],
)
def test_every_read_needs_a_token(api: Api, path: str) -> None:
    assert_problem(api.client.get(path), 401, "unauthenticated")


def test_the_openapi_document_lists_every_v1_endpoint(api: Api) -> None:
    paths = api.client.get("/openapi.json").json()["paths"]
    expected = {
        "/v1/me": {"get"},
        "/v1/agencies": {"get"},
        "/v1/desks": {"get"},
        "/v1/categories": {"get"},
        "/v1/users": {"get"},
        "/v1/changes": {"get"},
        "/v1/complaints": {"get"},
        "/v1/complaints/{complaint_id}": {"get", "put"},
        "/v1/complaints/{complaint_id}/transitions": {"post"},
        "/v1/complaints/{complaint_id}/dispositions": {"post"},
        "/v1/complaints/{complaint_id}/updates/{update_id}": {"put"},
        "/v1/complaints/{complaint_id}/history": {"get"},
        "/v1/complaints/{complaint_id}/reporter": {"get"},
        "/v1/complaints/{complaint_id}/visibility": {"post"},
        "/v1/complaints/{complaint_id}/duplicate": {"post"},
    }
    assert {path: set(methods) for path, methods in paths.items() if path.startswith("/v1/")} == expected
