"""What the public side never shows: rahasia complaints, personal fields, internal notes, email and phone."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from tests.central.open311_support import (
    SECRETS,
    Partner,
    assert_json_errors,
    assert_xml_errors,
    complaint_by_ref,
    json_of,
)
from tests.central.support import Api

REPORTER = {
    "name": "Siti Aminah",
    "phone": "085711112222",
    "email": "siti.aminah@contoh.id",
    "nik": "3573012345678901",
}
INTERNAL = "CATATAN-INTERNAL: kontraktor bermasalah"


@pytest.fixture
def partner(api: Api) -> Partner:
    return Partner(api)


def _hidden(api: Api) -> dict[str, Any]:
    complaint = api.new_complaint(visibility="rahasia", reporter=REPORTER, title="Pungli di dinas")
    api.update(
        complaint, "operator.dpuprpkp", "public_response", "Sedang kami periksa.", status_after="responded"
    )
    return complaint


def _everything(partner: Partner, refs: list[str]) -> list[bytes]:
    """Every public answer about these references, both formats, with and without extensions."""
    bodies = []
    for fmt in ("json", "xml"):
        for params in ({}, {"extensions": "true"}):
            bodies.append(partner.get(f"/requests.{fmt}", **params).content)
            bodies.append(
                partner.get(f"/requests.{fmt}", service_request_id=",".join(refs), **params).content
            )
            for ref in refs:
                bodies.append(partner.get(f"/requests/{ref}.{fmt}", **params).content)
        bodies.append(partner.get(f"/servicerequestupdates.{fmt}").content)
    for ref in refs:
        for lang in ("id", "en"):
            bodies.append(partner.api.client.get(f"/lacak/{ref}", params={"lang": lang}).content)
    return bodies


def test_a_rahasia_complaint_does_not_exist_here(api: Api, partner: Partner) -> None:
    hidden = _hidden(api)
    ref = hidden["public_ref"]
    assert_json_errors(partner.get(f"/requests/{ref}.json"), 404)
    assert_xml_errors(partner.get(f"/requests/{ref}.xml"), 404)
    assert json_of(partner.get("/requests.json")) == []
    assert json_of(partner.get("/requests.json", service_request_id=ref)) == []
    assert json_of(partner.get("/servicerequestupdates.json")) == []
    assert_json_errors(partner.get(f"/tokens/{hidden['id']}.json"), 404)
    page = api.client.get(f"/lacak/{ref}")
    unknown = api.client.get("/lacak/MLG-2026-999999")
    assert page.status_code == unknown.status_code == 404
    # The same page as for a number that never existed: nothing tells that it does.
    assert page.text.replace(ref, "X") == unknown.text.replace("MLG-2026-999999", "X")


def test_a_complaint_made_rahasia_later_disappears(api: Api, partner: Partner) -> None:
    ref = partner.pothole()["service_request_id"]
    complaint = complaint_by_ref(api, ref)
    assert partner.one(ref)
    with api.context.storage.write(api.clock()) as tx:
        tx._conn.execute("UPDATE complaints SET visibility = 'rahasia' WHERE id = ?", (complaint["id"],))
    assert_json_errors(partner.get(f"/requests/{ref}.json"), 404)


def test_no_personal_field_ever_comes_back(api: Api, partner: Partner) -> None:
    posted = partner.pothole(
        email=SECRETS[0],
        phone=SECRETS[1],
        first_name=SECRETS[2],
        last_name=SECRETS[3],
        device_id=SECRETS[4],
        account_id=SECRETS[5],
    )
    anonymous = api.new_complaint(visibility="anonim", reporter=REPORTER)
    public = api.new_complaint(reporter=REPORTER)
    for c in (anonymous, public):
        api.update(
            c,
            "operator.dpuprpkp",
            "public_response",
            "Terima kasih, kami tindak lanjuti.",
            status_after="responded",
        )
    refs = [posted["service_request_id"], anonymous["public_ref"], public["public_ref"]]
    assert posted["account_id"] is None
    bodies = _everything(partner, refs)
    personal = [
        *SECRETS,
        REPORTER["name"],
        REPORTER["phone"],
        REPORTER["email"],
        REPORTER["nik"],
        "email",
        "phone",
    ]
    for body in bodies:
        for value in personal:
            assert value.encode() not in body, (value, body[:200])
    # The reporter record itself was kept, for the coordinator.
    complaint = complaint_by_ref(api, refs[0])
    kept = api.get(f"/v1/complaints/{complaint['id']}/reporter", "coordinator").json()
    assert kept["email"] == SECRETS[0] and kept["phone"] == SECRETS[1]


def test_internal_notes_and_system_notes_never_appear(api: Api, partner: Partner) -> None:
    complaint = api.new_complaint()
    api.update(complaint, "operator.dpuprpkp", "internal_note", INTERNAL)
    api.update(complaint, "operator.dpuprpkp", "public_response", "Kami jadwalkan perbaikan.")
    api.update(complaint, "operator.dpuprpkp", "internal_note", INTERNAL + " lagi")
    unrouted = api.intake(
        title="Halo admin", description="Terima kasih atas pelayanannya."
    ).json()  # system note
    bodies = _everything(partner, [complaint["public_ref"], unrouted["public_ref"]])
    assert any(b"Kami jadwalkan perbaikan." in body for body in bodies)
    system_text = api.get(f"/v1/complaints/{unrouted['id']}/history", "coordinator").json()["updates"][0][
        "body"
    ]
    for body in bodies:
        assert b"CATATAN-INTERNAL" not in body
        assert system_text.encode() not in body


def test_a_disposition_reason_is_not_shown(api: Api, partner: Partner) -> None:
    complaint = api.new_complaint()
    reason = "ALASAN-DISPOSISI: operator lama cuti"
    assert api.dispose(complaint, "coordinator", to_agency="dishub", reason=reason).status_code == 200
    bodies = _everything(partner, [complaint["public_ref"]])
    assert any(b"Diteruskan ke Dinas Perhubungan" in body for body in bodies)
    assert not any(reason.encode() in body for body in bodies)


def test_the_reason_of_a_disposition_that_moves_the_status_is_not_shown(api: Api, partner: Partner) -> None:
    """Out of triage (received -> assigned) and back after a return: the move also writes a status change,
    whose body is the disposition's reason; the public sees the status and the agency, not the reason."""
    unrouted = api.intake(title="Halo admin", description="Terima kasih atas pelayanannya.").json()
    assert unrouted["status"] == "received"
    reason = "ALASAN-DISPOSISI: kasi jalan sedang cuti, dialihkan"
    assert api.dispose(unrouted, "coordinator", to_agency="dishub", reason=reason).status_code == 200
    returned = api.new_complaint()
    back = "Bukan wewenang kami: ini jalan nasional, kewenangan BBPJN."
    assert api.act(returned, "return", "operator.dpuprpkp", back).status_code == 200
    again = "ALASAN-DISPOSISI: dikembalikan ke DPUPRPKP setelah cek lapangan"
    assert api.dispose(returned, "coordinator", to_agency="dpuprpkp", reason=again).status_code == 200
    refs = [unrouted["public_ref"], returned["public_ref"]]
    bodies = _everything(partner, refs)
    assert any(b"Diteruskan ke Dinas Perhubungan" in body for body in bodies)
    assert any(b"Status: Didisposisikan" in body for body in bodies)
    # A transition's own reason (here a return) stays public: it tells the citizen why.
    assert any(back.encode() in body for body in bodies)
    assert not any(b"ALASAN-DISPOSISI" in body for body in bodies)


def _link(api: Api, duplicate: dict[str, Any], original: dict[str, Any], reason: str) -> None:
    headers = api.headers(
        "coordinator",
        **{"If-Match": f'"v{api.version(duplicate["id"])}"', "Idempotency-Key": str(uuid.uuid4())},
    )
    response = api.client.post(
        f"/v1/complaints/{duplicate['id']}/duplicate",
        json={"duplicate_of": original["id"], "reason": reason},
        headers=headers,
    )
    assert response.status_code == 200, response.text


def test_a_duplicate_says_merged_with_the_original_never_the_reason(api: Api, partner: Partner) -> None:
    """Linking moves the duplicate to its original's status: the public reads that it was merged with the
    original's reference (none when the original is rahasia), not the coordinator's reason."""
    original = api.new_complaint()
    assert api.act(original, "start", "operator.dpuprpkp").status_code == 200
    duplicate = api.new_complaint()
    reason = "ALASAN-DUPLIKAT: pelapor sama, ditelepon di 081299998888"
    _link(api, duplicate, original, reason)
    hidden = api.new_complaint(visibility="rahasia")
    assert api.act(hidden, "start", "operator.dpuprpkp").status_code == 200
    follower = api.new_complaint()
    _link(api, follower, hidden, reason)
    # The follower follows the hidden original's next move too, without naming it.
    assert api.act(hidden, "hold", "operator.dpuprpkp", "Menunggu material").status_code == 200
    assert api.complaint(follower["id"])["status"] == "on_hold"
    refs = [duplicate["public_ref"], follower["public_ref"]]
    bodies = _everything(partner, refs)
    assert any(f"Digabung dengan laporan {original['public_ref']}".encode() in body for body in bodies)
    assert any(b"Digabung dengan laporan lain" in body for body in bodies)
    for body in bodies:
        assert b"ALASAN-DUPLIKAT" not in body and b"081299998888" not in body
        assert hidden["public_ref"].encode() not in body
    # The coordinator's reason is kept where staff read it: the internal system note.
    notes = api.get(f"/v1/complaints/{duplicate['id']}/history", "coordinator").json()["updates"]
    assert any(reason in u["body"] for u in notes if u["kind"] == "system")


def test_a_status_change_that_repeats_an_internal_note_is_not_shown(api: Api, partner: Partner) -> None:
    """Rows written before the fix above: the status change of a link repeated the internal system note
    (and with it the reason) in the same instant. Such a body stays internal, whatever wrote it."""
    original = api.new_complaint()
    assert api.act(original, "start", "operator.dpuprpkp").status_code == 200
    duplicate = api.new_complaint()
    _link(api, duplicate, original, "ALASAN-DUPLIKAT: lama")
    with api.context.storage.write(api.clock()) as tx:
        tx._conn.execute(
            "UPDATE updates SET body = (SELECT s.body FROM updates AS s "
            "WHERE s.complaint_id = updates.complaint_id AND s.kind = 'system') "
            "WHERE complaint_id = ? AND kind = 'status_change'",
            (duplicate["id"],),
        )
    bodies = _everything(partner, [duplicate["public_ref"]])
    assert any(b"Sedang ditindaklanjuti" in body for body in bodies)
    assert not any(b"ALASAN-DUPLIKAT" in body for body in bodies)
