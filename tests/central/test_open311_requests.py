"""GET requests, GET requests/{id} and tokens/{token}: the spec's shapes in both formats, filters, paging."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Any

import pytest

from sambat_tui.domain.calendar import JAKARTA
from tests.central.open311_support import (
    NOTE_FIELDS,
    REQUEST_FIELDS,
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


@pytest.fixture
def partner(api: Api) -> Partner:
    return Partner(api)


def _refs(response_body: list[dict[str, Any]]) -> list[str]:
    return [r["service_request_id"] for r in response_body]


def _listing(partner: Partner, **params: Any) -> list[dict[str, Any]]:
    response = partner.get("/requests.json", **params)
    assert response.status_code == 200, response.text
    body: list[dict[str, Any]] = json_of(response)
    return body


def test_one_request_in_json_is_a_one_element_array_with_the_spec_types(api: Api, partner: Partner) -> None:
    ref = partner.pothole(media_url="https://contoh.id/foto/1.jpg")["service_request_id"]
    response = partner.get(f"/requests/{ref}.json")
    assert response.status_code == 200
    body = json_of(response)
    assert isinstance(body, list) and len(body) == 1
    request = body[0]
    assert list(request) == list(REQUEST_FIELDS)
    assert request["service_request_id"] == ref and isinstance(ref, str)
    assert re.fullmatch(r"MLG-2026-\d{6}", ref)
    assert request["status"] == "open"
    assert request["service_code"] == "JALAN_RUSAK" and request["service_name"] == "Jalan berlubang / rusak"
    assert request["agency_responsible"] == (
        "Dinas Pekerjaan Umum, Penataan Ruang, Perumahan dan Kawasan Permukiman"
    )
    assert request["address"] == "Kel. Bareng, Kec. Klojen, Kota Malang"
    assert isinstance(request["lat"], float) and isinstance(request["long"], float)
    assert (request["lat"], request["long"]) == (-7.977, 112.619)
    assert request["media_url"] == "https://contoh.id/foto/1.jpg"
    assert request["status_notes"] is None and request["zipcode"] is None and request["address_id"] is None
    for name in ("requested_datetime", "updated_datetime", "expected_datetime"):
        assert re.fullmatch(W3C, request[name]) and request[name].endswith("+07:00"), name
    assert request["requested_datetime"] == "2026-02-02T09:00:00+07:00"
    # JALAN_RUSAK is normatif: 5 working days from Monday 2 Feb 2026 is the end of Monday 9 Feb.
    assert request["expected_datetime"] == "2026-02-09T23:59:59+07:00"
    assert "DPUPRPKP" in request["service_notice"] and "5 hari kerja" in request["service_notice"]


def test_one_request_in_xml_nests_as_the_spec_shows(partner: Partner) -> None:
    ref = partner.pothole(address_id="ALAMAT-77")["service_request_id"]
    root = xml_of(partner.get(f"/requests/{ref}.xml", jurisdiction_id="malangkota.go.id"))
    assert root.tag == "service_requests"
    [request] = list(root)
    assert request.tag == "request"
    assert children(request) == list(REQUEST_FIELDS)
    assert text(request, "service_request_id") == ref
    assert text(request, "status") == "open"
    assert text(request, "address_id") == "ALAMAT-77"
    assert float(text(request, "lat")) == -7.977
    assert text(request, "status_notes") == ""  # an empty element, as in the spec's example


def test_a_reference_is_found_whatever_its_case(partner: Partner) -> None:
    ref = partner.pothole()["service_request_id"]
    assert partner.one(ref.lower())["service_request_id"] == ref


def test_an_unknown_request_is_a_404_in_both_formats(partner: Partner) -> None:
    assert_json_errors(partner.get("/requests/MLG-2026-999999.json"), 404)
    assert_xml_errors(partner.get("/requests/MLG-2026-999999.xml"), 404)


def test_the_listing_in_xml_and_json_agree(partner: Partner) -> None:
    refs = partner.potholes(3)
    body = _listing(partner)
    root = xml_of(partner.get("/requests.xml"))
    assert root.tag == "service_requests" and all(child.tag == "request" for child in root)
    assert [text(r, "service_request_id") for r in root] == _refs(body) == refs[::-1]  # newest first
    assert all(children(r) == list(REQUEST_FIELDS) for r in root)


def test_status_maps_closed_and_archived_to_closed(api: Api, partner: Partner) -> None:
    responded = api.new_complaint()
    api.update(responded, "operator.dpuprpkp", "public_response", "Sudah ditambal.", status_after="responded")
    closed = api.new_complaint()
    api.update(closed, "operator.dpuprpkp", "public_response", "Selesai.", status_after="responded")
    assert api.act(closed, "close", "supervisor.dpuprpkp").status_code == 200
    archived = api.new_complaint()
    assert api.act(archived, "archive", "coordinator", "Duplikat laporan lain").status_code == 200
    refs = {name: c["public_ref"] for name, c in (("r", responded), ("c", closed), ("a", archived))}
    assert partner.one(refs["r"])["status"] == "open"
    assert partner.one(refs["c"])["status"] == "closed"
    assert partner.one(refs["a"])["status"] == "closed"
    assert set(_refs(_listing(partner, status="closed"))) == {refs["c"], refs["a"]}
    assert set(_refs(_listing(partner, status="open"))) == {refs["r"]}
    assert set(_refs(_listing(partner, status="open,closed"))) == set(refs.values())
    assert_json_errors(partner.get("/requests.json", status="done"), 400)


def test_updated_datetime_of_a_closed_request_is_when_it_closed(api: Api, partner: Partner) -> None:
    complaint = api.new_complaint()
    api.update(complaint, "operator.dpuprpkp", "public_response", "Sudah ditambal.", status_after="responded")
    api.clock.advance(days=1)
    assert api.act(complaint, "close", "supervisor.dpuprpkp").status_code == 200
    request = partner.one(complaint["public_ref"])
    closed_at = datetime.fromisoformat(api.complaint(complaint["id"])["closed_at"])
    assert request["updated_datetime"] == closed_at.astimezone(JAKARTA).isoformat(timespec="seconds")


def test_status_notes_is_the_latest_public_response_only(api: Api, partner: Partner) -> None:
    complaint = api.new_complaint()
    api.update(complaint, "operator.dpuprpkp", "public_response", "Tim akan survei besok.")
    api.update(complaint, "operator.dpuprpkp", "internal_note", "Anggaran belum turun.")
    api.update(complaint, "operator.dpuprpkp", "public_response", "Lubang sudah ditambal.")
    api.update(complaint, "operator.dpuprpkp", "internal_note", "Catatan internal terakhir.")
    assert partner.one(complaint["public_ref"])["status_notes"] == "Lubang sudah ditambal."


def test_the_default_window_is_the_last_90_days(api: Api, partner: Partner) -> None:
    old = partner.pothole()["service_request_id"]
    api.clock.advance(days=91)
    recent = partner.pothole()["service_request_id"]
    assert _refs(_listing(partner)) == [recent]
    since = (START - timedelta(days=1)).isoformat()
    assert _refs(_listing(partner, start_date=since)) == [old]  # start + 90 days
    assert set(_refs(_listing(partner, end_date=api.clock().isoformat()))) == {recent}


def test_a_date_range_may_not_exceed_90_days_or_run_backwards(partner: Partner) -> None:
    [too_long] = assert_json_errors(
        partner.get("/requests.json", start_date="2026-01-01T00:00:00Z", end_date="2026-04-02T00:00:00Z"), 400
    )
    assert "90" in too_long
    assert_xml_errors(
        partner.get("/requests.xml", start_date="2026-03-01T00:00:00Z", end_date="2026-02-01T00:00:00Z"), 400
    )
    assert_json_errors(partner.get("/requests.json", start_date="2026-02-01T09:00:00"), 400)  # no offset


@pytest.mark.parametrize(
    ("path", "params"),
    [
        ("/requests", {"start_date": "0001-01-01T00:00:00+07:00"}),
        ("/requests", {"start_date": "0001-01-01"}),
        ("/requests", {"end_date": "0001-01-01T00:00:00Z"}),
        ("/requests", {"start_date": "9999-12-31T00:00:00Z"}),
        ("/requests", {"updated_before": "9999-12-31T23:59:59-07:00"}),
        ("/servicerequestupdates", {"start_date": "0001-01-01"}),
        ("/servicerequestupdates", {"end_date": "0001-01-01T00:00:00Z"}),
        ("/servicerequestupdates", {"start_date": "9999-12-31T23:59:59-07:00"}),
    ],
)
def test_a_date_at_the_end_of_the_calendar_is_a_400_not_a_server_error(
    partner: Partner, path: str, params: dict[str, str]
) -> None:
    [problem] = assert_json_errors(partner.get(f"{path}.json", **params), 400)
    assert "tahun harus" in problem
    assert_xml_errors(partner.get(f"{path}.xml", **params), 400)


def test_the_date_range_selects_by_requested_datetime(api: Api, partner: Partner) -> None:
    first = partner.pothole()["service_request_id"]
    api.clock.advance(days=2)
    second = partner.pothole()["service_request_id"]
    day_two = "2026-02-03T00:00:00+07:00"
    assert _refs(_listing(partner, start_date=day_two, end_date="2026-02-10T00:00:00+07:00")) == [second]
    assert _refs(_listing(partner, start_date="2026-02-01T00:00:00Z", end_date=day_two)) == [first]


def test_service_code_filters_by_a_comma_list(api: Api, partner: Partner) -> None:
    pothole = partner.pothole()["service_request_id"]
    lamp = api.new_complaint(category_code="PJU")["public_ref"]
    school = api.new_complaint(category_code="PPDB")["public_ref"]
    assert _refs(_listing(partner, service_code="PJU")) == [lamp]
    assert set(_refs(_listing(partner, service_code="PJU,JALAN_RUSAK"))) == {lamp, pothole}
    assert school not in _refs(_listing(partner, service_code="PJU,JALAN_RUSAK"))


def test_service_request_id_overrides_every_other_argument(api: Api, partner: Partner) -> None:
    refs = [partner.pothole()["service_request_id"] for _ in range(3)]
    api.clock.advance(days=200)  # outside the default window, and the filters below match nothing
    chosen = f"{refs[0]}, {refs[2].lower()},MLG-2026-999999"
    body = _listing(partner, service_request_id=chosen, status="closed", service_code="PPDB")
    assert set(_refs(body)) == {refs[0], refs[2]}


def test_empty_optional_arguments_behave_as_absent(partner: Partner) -> None:
    partner.potholes(2)
    plain = partner.get("/requests.json")
    empty = partner.get(
        "/requests.json",
        service_request_id="",
        service_code="",
        start_date="",
        end_date="",
        status="",
        page="",
        page_size="",
        updated_after="",
        updated_before="",
        extensions="",
        jurisdiction_id="",
    )
    assert empty.status_code == plain.status_code == 200
    assert empty.content == plain.content
    one = partner.get(f"/requests/{_refs(json_of(plain))[0]}.xml", extensions="", jurisdiction_id="")
    assert one.content == partner.get(f"/requests/{_refs(json_of(plain))[0]}.xml").content


def test_pages_split_the_listing_without_overlap(partner: Partner) -> None:
    refs = partner.potholes(5)[::-1]
    pages = [_refs(_listing(partner, page=n, page_size=2)) for n in (1, 2, 3, 4)]
    assert pages == [refs[0:2], refs[2:4], refs[4:5], []]
    assert _refs(_listing(partner, page_size=3)) == refs[:3]
    for bad in ({"page": "0"}, {"page_size": "0"}, {"page_size": "1001"}, {"page": "x"}):
        assert_json_errors(partner.get("/requests.json", **bad), 400)


def test_updated_after_and_before_follow_changes_oldest_first(api: Api, partner: Partner) -> None:
    a = api.new_complaint()
    b = api.new_complaint()
    c = api.new_complaint()
    api.clock.advance(hours=1)
    mark = api.clock()
    api.clock.advance(hours=1)
    assert api.act(c, "start", "operator.dpuprpkp").status_code == 200
    api.clock.advance(hours=1)
    assert api.act(a, "start", "operator.dpuprpkp").status_code == 200
    after = _refs(_listing(partner, updated_after=mark.isoformat()))
    assert after == [c["public_ref"], a["public_ref"]]  # by last change, oldest first
    before = _refs(_listing(partner, updated_before=mark.isoformat()))
    assert before == [b["public_ref"]]
    # updated_after is not limited to the default 90-day window of requested_datetime.
    api.clock.advance(days=120)
    assert api.act(b, "start", "operator.dpuprpkp").status_code == 200
    assert _refs(_listing(partner, updated_after=(api.clock() - timedelta(minutes=1)).isoformat())) == [
        b["public_ref"]
    ]


def test_extensions_add_the_public_notes(api: Api, partner: Partner) -> None:
    complaint = api.new_complaint()
    api.clock.advance(hours=1)
    assert api.act(complaint, "start", "operator.dpuprpkp").status_code == 200
    api.update(complaint, "operator.dpuprpkp", "internal_note", "Rahasia dapur: anggaran habis.")
    api.clock.advance(hours=1)
    api.update(
        complaint, "operator.dpuprpkp", "public_response", "Sudah kami tambal.", status_after="responded"
    )
    api.clock.advance(hours=1)
    assert api.act(complaint, "close", "supervisor.dpuprpkp").status_code == 200
    request = partner.one(complaint["public_ref"], extensions="true")
    assert list(request)[: len(REQUEST_FIELDS)] == list(REQUEST_FIELDS)
    notes = request["notes"]
    assert all(list(note) == list(NOTE_FIELDS) for note in notes)
    assert [n["type"] for n in notes] == [
        "opened",
        "forwarded",
        "status_change",
        "response",
        "status_change",
        "closed",
    ]
    assert notes[3]["description"] == "Sudah kami tambal."
    assert notes[1]["summary"].startswith("Diteruskan ke Dinas Pekerjaan Umum")
    assert [n["datetime"] for n in notes] == sorted(n["datetime"] for n in notes)
    assert "Rahasia dapur" not in str(request)
    assert request["extended_attributes"]["sambat_status"] == "closed"
    # Without extensions there are neither notes nor extended attributes.
    assert list(partner.one(complaint["public_ref"])) == list(REQUEST_FIELDS)
    root = xml_of(partner.get(f"/requests/{complaint['public_ref']}.xml", extensions="true"))
    [xml_request] = list(root)
    xml_notes = xml_request.find("notes")
    assert xml_notes is not None and [n.tag for n in xml_notes] == ["note"] * len(notes)
    assert all(children(n) == list(NOTE_FIELDS) for n in xml_notes)


def test_a_token_is_the_intake_id_of_a_gateway(api: Api, partner: Partner) -> None:
    complaint = api.new_complaint()
    response = partner.get(f"/tokens/{complaint['id']}.json")
    assert json_of(response) == [{"service_request_id": complaint["public_ref"], "token": complaint["id"]}]
    root = xml_of(partner.get(f"/tokens/{complaint['id']}.xml"))
    [request] = list(root)
    assert root.tag == "service_requests" and children(request) == ["service_request_id", "token"]
    assert_json_errors(partner.get("/tokens/00000000-0000-0000-0000-000000000000.json"), 404)
    assert_xml_errors(partner.get("/tokens/not-a-token.xml"), 404)
