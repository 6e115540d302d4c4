"""POST requests: api keys, the spec's validation, routing through intake, the notice, and retries."""

from __future__ import annotations

import json
from typing import Any

import pytest

from sambat_tui.central.open311.keys import revoke_keys
from tests.central.open311_support import (
    BASE,
    Partner,
    assert_json_errors,
    assert_xml_errors,
    complaint_by_ref,
    json_of,
    text,
    xml_of,
)
from tests.central.support import Api

VALID: dict[str, str] = {
    "service_code": "JALAN_RUSAK",
    "lat": "-7.9770",
    "long": "112.6190",
    "description": "Lubang besar di Jl. Ijen",
    "attribute[ukuran_lubang]": "sedang",
}


@pytest.fixture
def partner(api: Api) -> Partner:
    return Partner(api)


def test_a_post_answers_201_with_the_reference_and_a_notice_in_indonesian(api: Api, partner: Partner) -> None:
    response = partner.post(**VALID)
    assert response.status_code == 201, response.text
    body = json_of(response)
    assert isinstance(body, list) and len(body) == 1
    answer = body[0]
    assert list(answer) == ["service_request_id", "service_notice", "account_id"]
    assert answer["account_id"] is None
    ref = answer["service_request_id"]
    assert isinstance(ref, str) and ref.startswith("MLG-2026-")
    # Routed like any intake; JALAN_RUSAK is normatif, 5 working days from Monday 2 Feb 2026.
    assert answer["service_notice"] == (
        "Laporan Anda diteruskan ke DPUPRPKP. Batas tindak lanjut 5 hari kerja (sampai 9 Feb 2026)."
    )
    complaint = complaint_by_ref(api, ref)
    assert complaint["channel"] == "open311" and complaint["status"] == "assigned"
    assert (complaint["agency_id"], complaint["desk_id"]) == ("dpuprpkp", "dpuprpkp.jalan")
    assert complaint["category_code"] == "JALAN_RUSAK" and complaint["visibility"] == "public"
    assert complaint["title"] == "Lubang besar di Jl. Ijen"
    assert complaint["description"].endswith("Data tambahan:\nUkuran lubang: Sedang (30 sampai 60 cm)")
    assert complaint["location"]["kelurahan"] == "Bareng" and complaint["location"]["kecamatan"] == "Klojen"


def test_the_answer_in_xml(partner: Partner) -> None:
    response = partner.post("xml", **VALID)
    assert response.status_code == 201
    root = xml_of(response)
    assert root.tag == "service_requests"
    [request] = list(root)
    assert request.tag == "request"
    assert [c.tag for c in request] == ["service_request_id", "service_notice", "account_id"]
    assert text(request, "service_request_id").startswith("MLG-2026-")
    assert text(request, "account_id") == ""


def test_the_kecamatan_of_the_point_chooses_the_area_desk(api: Api, partner: Partner) -> None:
    # Tlogomas lies in Lowokwaru: road repairs there belong to the northern UPT.
    ref = partner.pothole(lat="-7.9270", long="112.5990")["service_request_id"]
    complaint = complaint_by_ref(api, ref)
    assert complaint["location"]["kecamatan"] == "Lowokwaru"
    assert complaint["desk_id"] == "dpuprpkp.upt-utara"


def test_an_address_naming_a_kecamatan_is_enough(api: Api, partner: Partner) -> None:
    fields = {k: v for k, v in VALID.items() if k not in ("lat", "long")}
    response = partner.post(address_string="Jl. Raya Sukun gang 3, Sukun", **fields)
    assert response.status_code == 201, response.text
    complaint = complaint_by_ref(api, json_of(response)[0]["service_request_id"])
    assert complaint["location"]["address"] == "Jl. Raya Sukun gang 3, Sukun"
    assert complaint["location"]["kecamatan"] == "Sukun" and complaint["location"]["lat"] is None


def test_the_reporter_fields_go_to_the_reporter_record(api: Api, partner: Partner) -> None:
    ref = partner.pothole(
        first_name="Budi", last_name="Santoso", email="budi@contoh.id", phone="+62 812-3456-7890"
    )["service_request_id"]
    complaint = complaint_by_ref(api, ref)
    reporter = api.get(f"/v1/complaints/{complaint['id']}/reporter", "coordinator").json()
    assert reporter == {
        "name": "Budi Santoso",
        "phone": "+62 812-3456-7890",
        "email": "budi@contoh.id",
        "nik": None,
    }


def test_a_light_category_is_followed_up_within_its_two_days(partner: Partner) -> None:
    # PJU is ringan: resolved within 2 working days, so followed up by then too, not within the general 5.
    response = partner.post(
        service_code="PJU", address_string="Jl. Kawi depan toko", description="Lampu mati"
    )
    assert response.status_code == 201, response.text
    assert json_of(response)[0]["service_notice"] == (
        "Laporan Anda diteruskan ke DPUPRPKP. Batas tindak lanjut 2 hari kerja (sampai 4 Feb 2026)."
    )


def test_a_matter_outside_the_city_is_referred_and_an_unclear_one_awaits_triage(partner: Partner) -> None:
    fields = {"service_code": "LUAR_KEWENANGAN", "address_string": "Jl. Kawi"}
    referred = partner.post(**fields, description="Listrik PLN padam sejak pagi di gang kami")
    assert json_of(referred)[0]["service_notice"] == (
        "Laporan Anda di luar kewenangan Pemerintah Kota Malang dan dirujuk ke PT PLN (Persero) UP3 Malang. "
        "Admin Koordinator memantau rujukan ini. Batas tindak lanjut 2 hari kerja (sampai 4 Feb 2026)."
    )
    unclear = partner.post(**fields, description="Halo admin, terima kasih")
    assert json_of(unclear)[0]["service_notice"] == (
        "Laporan Anda diterima dan akan diverifikasi Admin Koordinator dalam 2 hari kerja "
        "(sampai 4 Feb 2026). Batas tindak lanjut 2 hari kerja (sampai 4 Feb 2026)."
    )


def test_a_report_without_a_description_is_named_after_its_service(api: Api, partner: Partner) -> None:
    response = partner.post(service_code="PJU", address_id="PJU-0091")
    assert response.status_code == 201, response.text
    complaint = complaint_by_ref(api, json_of(response)[0]["service_request_id"])
    assert (
        complaint["title"] == "Lampu jalan (PJU) mati"
        and complaint["description"] == "Lampu jalan (PJU) mati"
    )


def test_multivalue_and_json_bodies_are_accepted(api: Api, partner: Partner) -> None:
    body: dict[str, Any] = {
        "api_key": partner.key,
        "service_code": "SAMPAH",
        "lat": -7.95,
        "long": 112.64,
        "description": "TPS penuh",
        "attribute": {"jenis_sampah": ["kebun", "bangunan"]},
    }
    response = api.client.post(
        f"{BASE}/requests.json", content=json.dumps(body), headers={"content-type": "application/json"}
    )
    assert response.status_code == 201, response.text
    complaint = complaint_by_ref(api, json_of(response)[0]["service_request_id"])
    assert complaint["description"].endswith("Jenis sampah: Daun dan ranting, Puing bangunan")
    form = api.client.post(
        f"{BASE}/requests.json",
        content=(
            f"api_key={partner.key}&service_code=SAMPAH&address_string=Pasar+Blimbing"
            "&attribute[jenis_sampah][]=b3&attribute[jenis_sampah][]=kebun"
        ),
        headers={"content-type": "application/x-www-form-urlencoded; charset=utf-8"},
    )
    assert form.status_code == 201, form.text


def test_a_multipart_form_and_a_query_string_key_are_accepted(api: Api, partner: Partner) -> None:
    fields = {k: (None, v) for k, v in VALID.items()}
    response = api.client.post(f"{BASE}/requests.json?api_key={partner.key}", files=fields)
    assert response.status_code == 201, response.text


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_no_or_a_wrong_api_key_is_a_403(partner: Partner, fmt: str) -> None:
    check = assert_json_errors if fmt == "json" else assert_xml_errors
    [missing] = check(partner.post(fmt, with_key=False, **VALID), 403)
    assert "api_key" in missing
    check(partner.post(fmt, with_key=False, api_key="o311_bukan-kunci", **VALID), 403)
    check(partner.post(fmt, with_key=False, api_key="", **VALID), 403)


def test_a_revoked_key_is_a_403(api: Api, partner: Partner) -> None:
    assert partner.post(**VALID).status_code == 201
    assert revoke_keys(api.context.storage, partner.name, api.clock()) == 1
    assert_json_errors(partner.post(**VALID), 403)


def test_service_code_is_required_and_must_exist(partner: Partner) -> None:
    fields = {k: v for k, v in VALID.items() if k != "service_code"}
    [message] = assert_json_errors(partner.post(**fields), 400)
    assert message.startswith("service_code")
    assert_xml_errors(partner.post("xml", service_code="", **fields), 400)
    assert_json_errors(partner.post(service_code="LUBANG", **fields), 404)


def test_a_location_is_required(partner: Partner) -> None:
    fields = {k: v for k, v in VALID.items() if k not in ("lat", "long")}
    [message] = assert_json_errors(partner.post(**fields), 400)
    assert "lat" in message and "address_string" in message and "address_id" in message
    messages = assert_json_errors(partner.post(lat="-7.97", **fields), 400)
    assert any("lat dan long" in m for m in messages)
    assert_json_errors(partner.post(**{**VALID, "lat": "95"}), 400)
    assert_json_errors(partner.post(**{**VALID, "long": "timur"}), 400)
    assert partner.post(address_id="GIS-1234", **fields).status_code == 201


def test_attributes_are_checked_against_the_definition(partner: Partner) -> None:
    without = {k: v for k, v in VALID.items() if not k.startswith("attribute")}
    [message] = assert_json_errors(partner.post(**without), 400)
    assert message == "attribute[ukuran_lubang]: wajib diisi / is required"
    [message] = assert_xml_errors(
        partner.post("xml", **{**VALID, "attribute[ukuran_lubang]": "raksasa"}), 400
    )
    assert "kecil, sedang, besar" in message
    pdam = {
        "service_code": "AIR_PDAM",
        "address_string": "Jl. Bromo 5",
        "attribute[jenis_gangguan]": "air_mati",
    }
    assert_json_errors(partner.post(**pdam, **{"attribute[nomor_pelanggan]": "01\n23"}), 400)
    assert partner.post(**pdam, **{"attribute[nomor_pelanggan]": "0123456789"}).status_code == 201
    # Attributes the service does not define (FixMyStreet sends its own) are ignored.
    assert partner.post(**VALID, **{"attribute[fixmystreet_id]": "4411"}).status_code == 201


def test_every_problem_is_listed_in_one_answer(partner: Partner) -> None:
    messages = assert_json_errors(
        partner.post(
            service_code="JALAN_RUSAK",
            email="bukan-email",
            phone="telepon saya",
            media_url="ftp://contoh.id/x.jpg",
            description="x" * 4001,
        ),
        400,
    )
    fields = {m.split(":")[0].split(" ")[0] for m in messages}
    assert {"email", "phone", "media_url", "description", "attribute[ukuran_lubang]", "lokasi"} <= fields
    assert not any("bukan-email" in m or "telepon saya" in m for m in messages)  # values are not echoed


def test_text_that_cannot_be_stored_is_refused(partner: Partner) -> None:
    assert_json_errors(partner.post(**{**VALID, "description": "ada\x00nul"}), 400)
    response = partner.api.client.post(
        f"{BASE}/requests.json",
        content=b"api_key=" + partner.key.encode() + b"&service_code=PJU&address_id=1&description=%FF%FE",
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    assert_json_errors(response, 400)
    too_big = partner.api.client.post(
        f"{BASE}/requests.json",
        content=b"a=" + b"x" * 70_000,
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    assert_json_errors(too_big, 400)


def test_a_file_upload_is_refused_with_advice(api: Api, partner: Partner) -> None:
    response = api.client.post(
        f"{BASE}/requests.json",
        data={"api_key": partner.key, **VALID},
        files={"media": ("foto.jpg", b"\xff\xd8\xff", "image/jpeg")},
    )
    [message] = assert_json_errors(response, 400)
    assert "media_url" in message


# --- retries ---


def test_the_same_post_again_returns_the_same_request(api: Api, partner: Partner) -> None:
    first = partner.post(**VALID)
    api.clock.advance(minutes=20)
    again = partner.post(
        **{k: VALID[k] for k in reversed(VALID)}, jurisdiction_id="malangkota.go.id", email=""
    )
    assert again.status_code == 201
    assert again.headers["idempotent-replayed"] == "true"
    assert json_of(again) == json_of(first)
    assert "idempotent-replayed" not in first.headers
    listing = json_of(partner.get("/requests.json"))
    assert len(listing) == 1


def test_a_different_body_another_key_or_a_later_hour_is_a_new_request(api: Api, partner: Partner) -> None:
    ref = json_of(partner.post(**VALID))[0]["service_request_id"]
    other = json_of(partner.post(**{**VALID, "description": "Lubang besar di Jl. Ijen!"}))[0]
    assert other["service_request_id"] != ref
    second_app = Partner(api, name="aplikasi-kedua")
    assert json_of(second_app.post(**VALID))[0]["service_request_id"] not in (
        ref,
        other["service_request_id"],
    )
    api.clock.advance(minutes=61)
    later = partner.post(**VALID)
    assert later.status_code == 201 and "idempotent-replayed" not in later.headers
    assert json_of(later)[0]["service_request_id"] != ref
    assert len(json_of(partner.get("/requests.json"))) == 4


def test_a_malformed_multipart_body_is_a_400(api: Api, partner: Partner) -> None:
    response = api.client.post(
        f"{BASE}/requests.json", content=b"api_key=x", headers={"content-type": "multipart/form-data"}
    )
    assert_json_errors(response, 400)
