"""Every role against every complaint endpoint, for a complaint in the desk roles' scope and ones outside it.

The expected answers are written out below, one row per endpoint and scope, one column per role. "in" is a
DPUPRPKP complaint at desk dpuprpkp.jalan assigned to field.dpuprpkp (in scope for all five users); "agency"
is a DPUPRPKP complaint at another desk (dpuprpkp.pju), assigned to nobody: the supervisor's agency, but
neither the operator's desks nor the field officer's assignments; "out" is a Dishub complaint. Out of scope
always reads 404, never 403: existence does not leak.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from typing import Any

import pytest

from sambat_tui.central.intake import intake
from sambat_tui.central.workflow import dispose
from sambat_tui.contract import Complaint, DispositionRequest, IntakeRequest
from sambat_tui.domain.model import DispositionKind
from tests.central.support import Api

USERS = ("coordinator", "auditor", "operator.dpuprpkp", "field.dpuprpkp", "supervisor.dpuprpkp")

Y, N = True, False  # listed / in the feed, or not

# (endpoint, scope): expected answer for coordinator, auditor, operator, field officer, supervisor
MATRIX: dict[tuple[str, str], tuple[int | bool, ...]] = {
    ("read", "in"): (200, 200, 200, 200, 200),
    ("read", "agency"): (200, 200, 404, 404, 200),
    ("read", "out"): (200, 200, 404, 404, 404),
    ("history", "in"): (200, 200, 200, 200, 200),
    ("history", "agency"): (200, 200, 404, 404, 200),
    ("history", "out"): (200, 200, 404, 404, 404),
    ("listed", "in"): (Y, Y, Y, Y, Y),
    ("listed", "agency"): (Y, Y, N, N, Y),
    ("listed", "out"): (Y, Y, N, N, N),
    ("in_feed", "in"): (Y, Y, Y, Y, Y),
    ("in_feed", "agency"): (Y, Y, N, N, Y),
    ("in_feed", "out"): (Y, Y, N, N, N),
    ("reporter_public", "in"): (200, 403, 200, 200, 200),
    ("reporter_public", "agency"): (200, 403, 404, 404, 200),
    ("reporter_public", "out"): (200, 403, 404, 404, 404),
    ("reporter_anonim", "in"): (200, 403, 403, 403, 403),
    ("reporter_anonim", "agency"): (200, 403, 404, 404, 403),
    ("reporter_anonim", "out"): (200, 403, 404, 404, 404),
    ("reporter_rahasia", "in"): (200, 403, 403, 403, 403),
    ("reporter_rahasia", "agency"): (200, 403, 404, 404, 403),
    ("reporter_rahasia", "out"): (200, 403, 404, 404, 404),
    ("transition_hold", "in"): (200, 403, 200, 200, 200),
    ("transition_hold", "agency"): (200, 403, 404, 404, 200),
    ("transition_hold", "out"): (200, 403, 404, 404, 404),
    ("update_note", "in"): (201, 403, 201, 201, 201),
    ("update_note", "agency"): (201, 403, 404, 404, 201),
    ("update_note", "out"): (201, 403, 404, 404, 404),
    ("update_public_response", "in"): (201, 403, 201, 201, 201),
    ("update_public_response", "agency"): (201, 403, 404, 404, 201),
    ("update_public_response", "out"): (201, 403, 404, 404, 404),
    ("update_respond", "in"): (403, 403, 201, 201, 201),
    ("update_respond", "agency"): (403, 403, 404, 404, 201),
    ("update_respond", "out"): (403, 403, 404, 404, 404),
    ("update_citizen_reply", "in"): (201, 403, 403, 403, 403),
    ("update_citizen_reply", "agency"): (201, 403, 404, 404, 403),
    ("update_citizen_reply", "out"): (201, 403, 404, 404, 404),
    ("reassign", "in"): (200, 403, 403, 403, 200),
    ("reassign", "agency"): (200, 403, 404, 404, 200),
    ("reassign", "out"): (200, 403, 404, 404, 404),
    ("dispose", "in"): (200, 403, 403, 403, 200),
    ("dispose", "agency"): (200, 403, 404, 404, 200),
    ("dispose", "out"): (200, 403, 404, 404, 404),
    ("archive", "in"): (200, 403, 403, 403, 403),
    ("archive", "agency"): (200, 403, 404, 404, 403),
    ("archive", "out"): (200, 403, 404, 404, 404),
}


SCOPES = ("in", "agency", "out")
TITLES = {"in": "Jalan berlubang", "agency": "Lampu jalan mati", "out": "Lampu lalu lintas mati"}
CATEGORIES = {"in": "JALAN_RUSAK", "agency": "PJU", "out": "APILL_RAMBU"}


def _complaint(api: Api, scope: str, visibility: str = "public") -> dict[str, Any]:
    """Made in-process (no HTTP): only the call under test goes through the API."""
    with api.context.storage.read() as tx:
        coordinator = tx.user("coordinator")
    assert coordinator is not None
    request = IntakeRequest.model_validate(
        {
            "channel": "web",
            "title": TITLES[scope],
            "description": "Sudah seminggu.",
            "category_code": CATEGORIES[scope],
            "visibility": visibility,
            "reporter": {"name": "Pak Budi", "phone": "081234567890"},
        }
    )
    complaint_id = uuid.uuid4()
    data: dict[str, Any] = json.loads(intake(api.context, coordinator, complaint_id, request).body)
    if scope == "in":
        reassign = DispositionRequest(
            kind=DispositionKind.REASSIGN,
            to_agency="dpuprpkp",
            to_user="field.dpuprpkp",
            reason="Ke lapangan",
        )
        reply = dispose(
            api.context, coordinator, complaint_id, reassign, if_match='"v1"', idempotency_key=None
        )
        data = json.loads(reply.body)["complaint"]
        assert (data["agency_id"], data["desk_id"], data["assignee_id"]) == (
            "dpuprpkp",
            "dpuprpkp.jalan",
            "field.dpuprpkp",
        )
    if scope == "agency":
        assert (data["agency_id"], data["desk_id"], data["assignee_id"]) == ("dpuprpkp", "dpuprpkp.pju", None)
    return data


def _stored(api: Api, complaint_id: str) -> Complaint:
    with api.context.storage.read() as tx:
        stored = tx.complaint(complaint_id)
    assert stored is not None
    return stored.complaint


def _listed(api: Api, user: str, complaint: dict[str, Any]) -> bool:
    page = api.get("/v1/complaints", user, params={"limit": 200}).json()
    return complaint["id"] in {c["id"] for c in page["complaints"]}


def _in_feed(api: Api, user: str, complaint: dict[str, Any]) -> bool:
    changes, _ = api.all_changes(user)
    upserts = {c["id"] for c in changes if c["entity"] == "complaint" and c["op"] == "upsert"}
    timeline = {c["data"]["complaint_id"] for c in changes if c["entity"] in ("update", "disposition")}
    assert (complaint["id"] in upserts) == (complaint["id"] in timeline)
    return complaint["id"] in upserts


def _update(kind: str, status_after: str | None = None) -> Callable[[Api, str, dict[str, Any]], int]:
    def call(api: Api, user: str, complaint: dict[str, Any]) -> int:
        return api.update(complaint, user, kind, "Isi", status_after=status_after).status_code

    return call


def _dispose(kind: str) -> Callable[[Api, str, dict[str, Any]], int]:
    def call(api: Api, user: str, complaint: dict[str, Any]) -> int:
        agency = complaint["agency_id"]
        if kind == "reassign":
            desk = "dpuprpkp.drainase" if agency == "dpuprpkp" else "dishub.angkutan"
            return api.dispose(complaint, user, kind, to_agency=agency, to_desk=desk).status_code
        return api.dispose(complaint, user, kind, to_agency="dlh").status_code

    return call


CALLS: dict[str, Callable[[Api, str, dict[str, Any]], int | bool]] = {
    "read": lambda api, user, c: api.get(f"/v1/complaints/{c['id']}", user).status_code,
    "history": lambda api, user, c: api.get(f"/v1/complaints/{c['id']}/history", user).status_code,
    "listed": _listed,
    "in_feed": _in_feed,
    "reporter_public": lambda api, user, c: api.get(f"/v1/complaints/{c['id']}/reporter", user).status_code,
    "reporter_anonim": lambda api, user, c: api.get(f"/v1/complaints/{c['id']}/reporter", user).status_code,
    "reporter_rahasia": lambda api, user, c: api.get(f"/v1/complaints/{c['id']}/reporter", user).status_code,
    "transition_hold": lambda api, user, c: api.act(c, "hold", user).status_code,
    "update_note": _update("internal_note"),
    "update_public_response": _update("public_response"),
    "update_respond": _update("public_response", "responded"),
    "update_citizen_reply": _update("citizen_reply"),
    "reassign": _dispose("reassign"),
    "dispose": _dispose("dispose"),
    "archive": lambda api, user, c: api.act(c, "archive", user, "Laporan ganda").status_code,
}
READ_ONLY = {"read", "history", "listed", "in_feed", "reporter_public", "reporter_anonim", "reporter_rahasia"}


def test_the_matrix_covers_every_endpoint_in_every_scope() -> None:
    assert {(endpoint, scope) for endpoint in CALLS for scope in SCOPES} == set(MATRIX)
    assert all(len(row) == len(USERS) for row in MATRIX.values())


@pytest.mark.parametrize(("endpoint", "scope"), sorted(MATRIX), ids=[f"{e}-{s}" for e, s in sorted(MATRIX)])
def test_authorization(api: Api, endpoint: str, scope: str) -> None:
    visibility = endpoint.removeprefix("reporter_") if endpoint.startswith("reporter_") else "public"
    shared = _complaint(api, scope, visibility) if endpoint in READ_ONLY else None
    wrong: list[str] = []
    for user, expected in zip(USERS, MATRIX[(endpoint, scope)], strict=True):
        # A write gets a fresh complaint per user, so one user's success cannot change the next one's answer.
        complaint = shared if shared is not None else _complaint(api, scope, visibility)
        before = _stored(api, complaint["id"])
        got = CALLS[endpoint](api, user, complaint)
        if got != expected:
            wrong.append(f"{user}: expected {expected}, got {got}")
        if endpoint not in READ_ONLY and got not in (200, 201):
            # A refused write leaves the complaint untouched.
            assert _stored(api, complaint["id"]) == before, f"{endpoint} by {user} changed the complaint"
    assert not wrong, f"{endpoint} on a complaint {scope} of scope:\n" + "\n".join(wrong)


def test_intake_by_role(api: Api) -> None:
    expected = {
        "coordinator": 201,
        "auditor": 403,
        "operator.dpuprpkp": 201,
        "field.dpuprpkp": 403,
        "supervisor.dpuprpkp": 403,
    }
    got = {
        user: api.intake(
            user, complaint_id=str(uuid.uuid4()), channel="walk_in", category_code="PJU"
        ).status_code
        for user in USERS
    }
    assert got == expected
