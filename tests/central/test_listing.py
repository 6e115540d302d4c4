"""GET /v1/complaints: scope, filters, search and keyset paging; GET one with its ETag."""

from __future__ import annotations

from typing import Any

from tests.central.support import Api, assert_problem


def _ids(page: dict[str, Any]) -> list[str]:
    return [c["id"] for c in page["complaints"]]


def test_newest_first_paged_without_overlap(api: Api) -> None:
    made = []
    for _ in range(7):
        made.append(api.new_complaint()["id"])
        api.clock.advance(minutes=1)
    seen: list[str] = []
    cursor = None
    while True:
        params: dict[str, Any] = {"limit": 3, **({"cursor": cursor} if cursor else {})}
        page = api.get("/v1/complaints", "operator.dpuprpkp", params=params).json()
        seen += _ids(page)
        if not page["has_more"]:
            assert page["next_cursor"] is None
            break
        cursor = page["next_cursor"]
    assert seen == made[::-1]


def test_equal_times_still_page_exactly_once(api: Api) -> None:
    made = {api.new_complaint()["id"] for _ in range(5)}  # the clock stands still: one created_at for all
    first = api.get("/v1/complaints", "coordinator", params={"limit": 2}).json()
    rest = api.get(
        "/v1/complaints", "coordinator", params={"limit": 10, "cursor": first["next_cursor"]}
    ).json()
    assert len(_ids(first) + _ids(rest)) == 5 and set(_ids(first) + _ids(rest)) == made


def test_filters_by_status_desk_and_text(api: Api) -> None:
    road = api.new_complaint(title="Jalan ambles di Sawojajar", category_code="JALAN_RUSAK")
    drain = api.new_complaint(title="Got mampet 100%_penuh", category_code="DRAINASE")
    api.act(road, "start", "operator.dpuprpkp")
    user = "operator.dpuprpkp"

    def ids(**params: Any) -> set[str]:
        return set(_ids(api.get("/v1/complaints", user, params=params).json()))

    assert ids(status="in_progress") == {road["id"]}
    assert ids(status=["in_progress", "assigned"]) == {road["id"], drain["id"]}
    assert ids(desk="dpuprpkp.drainase") == {drain["id"]}
    assert ids(q="sawojajar") == {road["id"]}
    assert ids(q="100%_") == {drain["id"]}  # LIKE wildcards are matched literally
    assert ids(q="_") == {drain["id"]}
    assert ids(q="Jalan%Sawojajar") == set()
    assert ids(q=road["public_ref"]) == {road["id"]}


def test_a_listing_shows_only_the_callers_scope(api: Api) -> None:
    mine = api.new_complaint(category_code="SAMPAH")
    api.new_complaint(category_code="PARKIR")
    assert _ids(api.get("/v1/complaints", "operator.dlh").json()) == [mine["id"]]
    assert _ids(api.get("/v1/complaints", "field.dlh").json()) == []


def test_bad_listing_parameters_are_problems(api: Api) -> None:
    for params in ({"status": "lost"}, {"limit": 0}, {"limit": 201}, {"cursor": "not-a-cursor"}):
        assert_problem(api.get("/v1/complaints", "coordinator", params=params), 422, "validation_failed")


def test_one_complaint_carries_its_etag_and_honours_if_none_match(api: Api) -> None:
    complaint = api.new_complaint()
    response = api.get(f"/v1/complaints/{complaint['id']}", "coordinator")
    assert response.headers["etag"] == '"v1"'
    cached = api.get(f"/v1/complaints/{complaint['id']}", "coordinator", headers={"If-None-Match": '"v1"'})
    assert cached.status_code == 304 and cached.content == b""
    api.act(complaint, "start", "operator.dpuprpkp")
    fresh = api.get(f"/v1/complaints/{complaint['id']}", "coordinator", headers={"If-None-Match": '"v1"'})
    assert fresh.status_code == 200 and fresh.headers["etag"] == '"v2"'
