"""Text comes back byte for byte (API, history, feed); what cannot be stored exactly is refused with 422."""

from __future__ import annotations

import json
import uuid

import pytest

from tests.central.support import Api, assert_problem

ODD_TEXTS = {
    "emoji": "Lampu mati 💡🔌 sejak 👨‍👩‍👧 pindah 🇮🇩",
    "combining": "Cafe\u0301 di Jl. Ijen, e\u0301 not é, a\u0308\u0304",
    "rtl": "تقرير عن الطريق \u202eevil\u202c and עברית",
    "controls": "line1\r\nline2\rline3\ttab\x1b[2Jesc\x7f\u0085",
    "invisible": "zero\u200bwidth\ufeffbom\u00adsoft",
    "astral": "𝕄𝕒𝕝𝕒𝕟𝕘 𠀀 \U0010fffd",
    "spaces": "  leading and trailing  \n",
}


@pytest.mark.parametrize("name", sorted(ODD_TEXTS))
def test_odd_utf8_round_trips_exactly(api: Api, name: str) -> None:
    text = ODD_TEXTS[name]
    complaint = api.new_complaint(
        title=f"T {text}", description=text, location={"address": text}, reporter={"name": text}
    )
    assert complaint["description"] == text and complaint["title"] == f"T {text}"
    again = api.complaint(complaint["id"])
    assert again["description"] == text and again["location"]["address"] == text
    assert api.get(f"/v1/complaints/{complaint['id']}/reporter", "coordinator").json()["name"] == text

    note = api.update(complaint, "operator.dpuprpkp", body=text)
    assert note.status_code == 201, note.text
    history = api.get(f"/v1/complaints/{complaint['id']}/history", "operator.dpuprpkp").json()
    assert [u["body"] for u in history["updates"] if u["kind"] == "internal_note"] == [text]

    changes, _ = api.all_changes("operator.dpuprpkp")
    bodies = [
        c["data"]["body"] for c in changes if c["entity"] == "update" and c["data"]["kind"] == "internal_note"
    ]
    assert bodies == [text]
    descriptions = [c["data"]["description"] for c in changes if c["entity"] == "complaint"]
    assert descriptions and set(descriptions) == {text}


def test_raw_bytes_of_the_feed_hold_the_text_as_utf8(api: Api) -> None:
    text = ODD_TEXTS["emoji"] + ODD_TEXTS["combining"]
    api.new_complaint(description=text)
    raw = api.get("/v1/changes", "coordinator", params={"limit": 1000}).content
    assert text.encode("utf-8") in raw


def _put_raw(api: Api, body: bytes) -> object:
    return api.client.put(
        f"/v1/complaints/{uuid.uuid4()}",
        content=body,
        headers={**api.headers("coordinator"), "Content-Type": "application/json"},
    )


def test_nul_is_refused_with_a_clear_validation_error(api: Api) -> None:
    body = json.dumps({"channel": "web", "title": "a\u0000b", "description": "d"}).encode()
    problem = assert_problem(_put_raw(api, body), 422, "validation_failed")  # type: ignore[arg-type]
    assert any(e["loc"][-1] == "title" and "NUL" in e["msg"] for e in problem["errors"]), problem


@pytest.mark.parametrize(
    "raw",
    [
        b'{"channel": "web", "title": "t", "description": "a \\ud800 b"}',
        b'{"channel": "web", "title": "t", "description": "a \\udc00"}',
        # CESU-8 bytes of a surrogate: Python's JSON decoder passes them through as a lone surrogate.
        b'{"channel": "web", "title": "t", "description": "a \xed\xa0\x80 b"}',
    ],
    ids=["escaped-high", "escaped-low", "cesu-bytes"],
)
def test_lone_surrogates_are_refused(api: Api, raw: bytes) -> None:
    problem = assert_problem(_put_raw(api, raw), 422, "validation_failed")  # type: ignore[arg-type]
    assert [e["loc"] for e in problem["errors"]] == [["body", "description"]], problem


def test_invalid_utf8_is_a_validation_problem(api: Api) -> None:
    raw = b'{"channel": "web", "title": "t", "description": "\xff\xfe"}'
    assert_problem(_put_raw(api, raw), 422, "validation_failed")  # type: ignore[arg-type]


def test_a_surrogate_pair_is_one_character_and_accepted(api: Api) -> None:
    raw = b'{"channel": "web", "title": "t", "description": "a \\ud83d\\ude00 b", "category_code": "PJU"}'
    response = _put_raw(api, raw)
    assert response.status_code == 201  # type: ignore[attr-defined]
    assert response.json()["description"] == "a 😀 b"  # type: ignore[attr-defined]
