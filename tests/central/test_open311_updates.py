"""mySociety's GET servicerequestupdates: public updates by time, with the request's status after each."""

from __future__ import annotations

import re
from datetime import timedelta

from tests.central.open311_support import (
    UPDATE_FIELDS,
    W3C,
    Partner,
    assert_json_errors,
    assert_xml_errors,
    children,
    json_of,
    text,
    xml_of,
)
from tests.central.support import START, Api


def _story(api: Api) -> dict[str, object]:
    complaint = api.new_complaint()
    api.clock.advance(hours=1)
    assert api.act(complaint, "start", "operator.dpuprpkp").status_code == 200
    api.clock.advance(hours=1)
    api.update(complaint, "operator.dpuprpkp", "internal_note", "Tidak untuk publik.")
    api.update(complaint, "operator.dpuprpkp", "public_response", "Tim sudah di lokasi.")
    api.clock.advance(hours=1)
    api.update(complaint, "operator.dpuprpkp", "public_response", "Sudah ditambal.", status_after="responded")
    api.clock.advance(hours=1)
    assert api.act(complaint, "close", "supervisor.dpuprpkp").status_code == 200
    return complaint


def test_updates_in_json_carry_the_status_after_each(api: Api) -> None:
    complaint = _story(api)
    body = json_of(Partner(api).get("/servicerequestupdates.json"))
    assert isinstance(body, list)
    assert all(list(u) == list(UPDATE_FIELDS) for u in body)
    assert {u["service_request_id"] for u in body} == {complaint["public_ref"]}
    descriptions = [(u["description"], u["status"]) for u in body]
    assert descriptions == [
        ("Status: Sedang ditindaklanjuti", "open"),
        ("Tim sudah di lokasi.", "open"),
        ("Sudah ditambal.", "open"),
        ("Status: Sudah ditanggapi", "open"),
        ("Status: Selesai", "closed"),
    ]
    assert all(isinstance(u["update_id"], str) and re.fullmatch(W3C, u["updated_datetime"]) for u in body)
    assert [u["updated_datetime"] for u in body] == sorted(u["updated_datetime"] for u in body)
    assert len({u["update_id"] for u in body}) == len(body)
    assert all(u["media_url"] is None for u in body)


def test_updates_in_xml(api: Api) -> None:
    _story(api)
    root = xml_of(Partner(api).get("/servicerequestupdates.xml", jurisdiction_id="malangkota.go.id"))
    assert root.tag == "service_request_updates"
    assert root and all(child.tag == "request_update" for child in root)
    assert all(children(u) == list(UPDATE_FIELDS) for u in root)
    assert text(root[-1], "status") == "closed"


def test_updates_are_chosen_by_time_like_fixmystreet_asks(api: Api) -> None:
    _story(api)
    partner = Partner(api)
    # FixMyStreet asks for a window with both ends, in W3C format.
    window = {"start_date": "2026-02-02T10:30:00+07:00", "end_date": "2026-02-02T12:30:00+07:00"}
    body = json_of(partner.get("/servicerequestupdates.json", **window))
    assert [u["description"] for u in body] == [
        "Tim sudah di lokasi.",
        "Sudah ditambal.",
        "Status: Sudah ditanggapi",
    ]
    assert json_of(partner.get("/servicerequestupdates.json", start_date="2026-03-01T00:00:00Z")) == []
    assert_json_errors(
        partner.get("/servicerequestupdates.json", **{**window, "end_date": "2026-02-01T00:00:00Z"}), 400
    )
    assert_xml_errors(partner.get("/servicerequestupdates.xml", start_date="besok"), 400)


def test_updates_default_to_the_last_90_days_and_page(api: Api) -> None:
    _story(api)
    partner = Partner(api)
    api.clock.advance(days=91)
    assert json_of(partner.get("/servicerequestupdates.json")) == []
    since = (START - timedelta(hours=1)).isoformat()
    pages = [
        [
            u["description"]
            for u in json_of(
                partner.get("/servicerequestupdates.json", start_date=since, page=n, page_size=2)
            )
        ]
        for n in (1, 2, 3)
    ]
    assert [len(p) for p in pages] == [2, 2, 1]
    assert len({d for page in pages for d in page}) == 5


def test_updates_of_some_requests_only(api: Api) -> None:
    first = _story(api)
    second = api.new_complaint()
    assert api.act(second, "start", "operator.dpuprpkp").status_code == 200
    body = json_of(Partner(api).get("/servicerequestupdates.json", service_request_id=second["public_ref"]))
    assert [u["service_request_id"] for u in body] == [second["public_ref"]]
    assert first["public_ref"] not in str(body)


def test_at_most_1000_requests_at_once_like_get_requests(api: Api) -> None:
    """The same cap on service_request_id as GET requests: past it, a clear 400 in the format asked."""
    complaint = api.new_complaint()
    assert api.act(complaint, "start", "operator.dpuprpkp").status_code == 200
    partner = Partner(api)
    ref = complaint["public_ref"]
    others = [f"MLG-2026-{n:06d}" for n in range(900_000, 900_999)]
    allowed = json_of(partner.get("/servicerequestupdates.json", service_request_id=",".join([ref, *others])))
    assert {u["service_request_id"] for u in allowed} == {ref}
    too_many = ",".join([ref, *others, "MLG-2026-999999"])
    for path in ("/servicerequestupdates.json", "/requests.json"):
        [message] = assert_json_errors(partner.get(path, service_request_id=too_many), 400)
        assert "service_request_id" in message and "1000" in message
    [message] = assert_xml_errors(partner.get("/servicerequestupdates.xml", service_request_id=too_many), 400)
    assert "1000" in message
    # Repeating the parameter counts every id sent, as a comma-delimited list does.
    repeated = partner.get("/servicerequestupdates.json", service_request_id=too_many.split(","))
    assert_json_errors(repeated, 400)
