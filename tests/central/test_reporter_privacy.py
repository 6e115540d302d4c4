"""The reporter's identity leaves the server through ``GET /v1/complaints/{id}/reporter`` only.

Whatever the role and the visibility, the intake answer, a complaint, a listing, a history and every page of
the change feed carry none of the reporter's fields. Who may call the reporter endpoint is the authorization
matrix's business; here it only shows that the identity was stored, so its absence elsewhere means something.
"""

from __future__ import annotations

import uuid

import pytest

from tests.central.support import Api

USERS = ("coordinator", "auditor", "operator.dpuprpkp", "field.dpuprpkp", "supervisor.dpuprpkp")

REPORTER = {
    "name": "Wahyu Qurniawan Pelapor",
    "phone": "081398765432",
    "email": "wahyu.q.pelapor@contoh.id",
    "nik": "3573019876543210",
}


def _leaks(text: str) -> list[str]:
    return [f"{key}={value}" for key, value in REPORTER.items() if value in text]


def _feed_text(api: Api, user: str) -> str:
    """Every page of the feed from an empty cursor, as the raw bytes the server sent, joined."""
    pages: list[str] = []
    params: dict[str, str | int] = {"limit": 50}
    while True:
        response = api.get("/v1/changes", user, params=params)
        assert response.status_code == 200, response.text
        pages.append(response.text)
        page = response.json()
        if not page["has_more"]:
            return "\n".join(pages)
        params = {"limit": 50, "cursor": page["next_cursor"]}


@pytest.mark.parametrize("visibility", ["public", "anonim", "rahasia"])
def test_the_identity_travels_only_through_the_reporter_endpoint(api: Api, visibility: str) -> None:
    complaint_id = str(uuid.uuid4())
    intake = api.intake(
        "coordinator",
        complaint_id,
        category_code="JALAN_RUSAK",
        visibility=visibility,
        reporter=REPORTER,
    )
    assert intake.status_code == 201, intake.text
    # Within every desk role's scope, with a timeline, so that each role has something to leak from.
    moved = api.dispose(
        complaint_id, "coordinator", "reassign", to_agency="dpuprpkp", to_user="field.dpuprpkp"
    )
    assert moved.status_code == 200, moved.text
    assert api.update(complaint_id, "field.dpuprpkp", body="Sudah dicek ke lokasi.").status_code == 201

    stored = api.get(f"/v1/complaints/{complaint_id}/reporter", "coordinator")
    assert stored.status_code == 200 and stored.json() == REPORTER

    leaks = {"intake answer": _leaks(intake.text)}
    for user in USERS:
        answers = {
            "complaint": api.get(f"/v1/complaints/{complaint_id}", user),
            "history": api.get(f"/v1/complaints/{complaint_id}/history", user),
            "listing": api.get("/v1/complaints", user, params={"limit": 200}),
        }
        for what, response in answers.items():
            assert response.status_code == 200, (user, what, response.text)
            assert complaint_id in response.text, (user, what)  # the complaint is there, its reporter not
            leaks[f"{what} for {user}"] = _leaks(response.text)
        feed = _feed_text(api, user)
        assert complaint_id in feed, user
        leaks[f"feed for {user}"] = _leaks(feed)
    assert {where: found for where, found in leaks.items() if found} == {}


@pytest.mark.parametrize(
    ("visibility", "user", "detail"),
    [
        (
            "public",
            "auditor",
            "Peran Anda tidak boleh melihat identitas pelapor pengaduan publik / "
            "your role may not see who filed a public complaint",
        ),
        (
            "anonim",
            "operator.dpuprpkp",
            "Peran Anda tidak boleh melihat identitas pelapor pengaduan anonim / "
            "your role may not see who filed an anonymous (anonim) complaint",
        ),
        (
            "rahasia",
            "supervisor.dpuprpkp",
            "Peran Anda tidak boleh melihat identitas pelapor pengaduan rahasia / "
            "your role may not see who filed a confidential (rahasia) complaint",
        ),
    ],
)
def test_a_refused_reporter_says_why_in_plain_words(
    api: Api, visibility: str, user: str, detail: str
) -> None:
    complaint = api.new_complaint(visibility=visibility, reporter=REPORTER)
    refused = api.get(f"/v1/complaints/{complaint['id']}/reporter", user)
    assert refused.status_code == 403 and refused.json()["code"] == "forbidden"
    assert refused.json()["detail"] == detail
