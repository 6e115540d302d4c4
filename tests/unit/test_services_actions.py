"""Acting offline: the role check comes first, then the optimistic change and the outbox row together."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from sambat_tui.domain.model import Action, DispositionKind, Status
from sambat_tui.services.actions import TextRefused
from sambat_tui.services.session import Session
from sambat_tui.services.templates import ANY_GROUP
from sambat_tui.store import outbox, timeline
from tests.support.cache import private_home, seeded_profile, wire_complaint


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    return private_home(tmp_path, monkeypatch)


def _open(
    items: list[dict[str, Any]], user: str | None = "operator.dpuprpkp", name: str = "default", **kw: Any
) -> Session:
    return Session.open(seeded_profile(items, user_id=user, name=name), **kw)


@pytest.fixture
def complaint(home: Path) -> dict[str, Any]:
    return wire_complaint()


@pytest.fixture
def session(complaint: dict[str, Any]) -> Iterator[Session]:
    with _open([complaint]) as opened:
        yield opened


def _outbox(session: Session) -> list[outbox.OutboxEntry]:
    with session.store.read() as conn:
        return outbox.list_entries(conn)


def test_take_queues_the_mutation_and_the_optimistic_change_together(
    session: Session, complaint: dict[str, Any]
) -> None:
    result = session.actions.transition([complaint["id"]], Action.TAKE)
    assert len(result.queued) == 1 and not result.refused
    (entry,) = _outbox(session)
    assert (entry.mutation_id, entry.op, entry.base_version, entry.actor) == (
        result.queued[0],
        "transition",
        1,
        "operator.dpuprpkp",
    )
    assert entry.payload == {"action": "take", "ref": complaint["public_ref"]}
    detail = session.complaints.get(complaint["public_ref"])
    assert detail is not None
    assert detail.data["assignee_id"] == "operator.dpuprpkp" and detail.pending == 1
    assert detail.data["version"] == 1, "the version stays the server's: it is the If-Match of the push"


def test_a_role_that_may_not_act_is_refused_at_once_and_nothing_is_queued(home: Path) -> None:
    complaint = wire_complaint()
    with _open([complaint], user="auditor") as session:
        result = session.actions.transition([complaint["id"]], Action.TAKE)
        assert result.queued == () and result.refused == ((complaint["id"], "refused.forbidden"),)
        assert _outbox(session) == []
        assert session.actions.allowed(complaint["id"]) == frozenset()


def test_a_status_that_does_not_allow_the_act_is_refused(session: Session, complaint: dict[str, Any]) -> None:
    result = session.actions.transition([complaint["id"]], Action.RESUME)
    assert result.refused == ((complaint["id"], "refused.invalid_transition"),)


def test_return_needs_a_reason(session: Session, complaint: dict[str, Any]) -> None:
    refused = session.actions.transition([complaint["id"]], Action.RETURN)
    assert refused.refused == ((complaint["id"], "refused.reason_required"),)
    queued = session.actions.return_(complaint["id"], "Bukan kewenangan bidang jalan")
    assert queued.queued
    detail = session.complaints.get(complaint["id"])
    assert detail is not None and detail.data["status"] == "returned"


def test_respond_queues_text_and_transition_and_shows_a_pending_entry(
    session: Session, complaint: dict[str, Any]
) -> None:
    result = session.actions.respond(complaint["id"], "Sudah kami tambal hari ini.")
    (entry,) = _outbox(session)
    assert entry.op == "update" and entry.mutation_id == result.queued[0]
    assert entry.payload["kind"] == "public_response" and entry.payload["status_after"] == "responded"
    detail = session.complaints.get(complaint["id"])
    assert detail is not None and detail.data["status"] == "responded"
    (shown,) = detail.timeline
    assert shown.pending and shown.public and shown.body == "Sudah kami tambal hari ini."
    assert shown.id == entry.payload["update_id"]


def test_a_note_leaves_the_status_alone(session: Session, complaint: dict[str, Any]) -> None:
    assert session.actions.note(complaint["id"], "Cek lagi besok").queued
    detail = session.complaints.get(complaint["id"])
    assert detail is not None and detail.data["status"] == "assigned"
    assert [(e.subkind, e.public) for e in detail.timeline] == [("internal_note", False)]


@pytest.mark.parametrize("text", ["", "   \n", "a\x00b", "x" * 20_001, "bad \ud800 text"])
def test_text_that_can_never_be_sent_is_refused_before_anything_is_queued(
    session: Session, complaint: dict[str, Any], text: str
) -> None:
    with pytest.raises(TextRefused):
        session.actions.note(complaint["id"], text)
    assert _outbox(session) == []


def test_respond_is_not_a_bare_transition(session: Session, complaint: dict[str, Any]) -> None:
    with pytest.raises(ValueError, match="respond"):
        session.actions.transition([complaint["id"]], Action.RESPOND)


def test_bulk_acts_queue_what_they_can(home: Path) -> None:
    open_one, done = wire_complaint(), wire_complaint(status="closed")
    with _open([open_one, done]) as session:
        result = session.actions.transition([open_one["id"], done["id"], "missing"], Action.START)
    assert len(result.queued) == 1
    assert dict(result.refused) == {done["id"]: "refused.invalid_transition", "missing": "refused.not_found"}


def test_read_only_and_unknown_identity_refuse(home: Path) -> None:
    complaint = wire_complaint()
    with _open([complaint], read_only=True) as session:
        assert session.actions.transition([complaint["id"]], Action.TAKE).refused[0][1] == "refused.read_only"
    with _open([complaint], user=None, name="unsynced") as session:
        assert session.identity is None
        assert session.actions.note(complaint["id"], "x").refused[0][1] == "notify.no_identity"


def test_dispose_is_for_supervisors(home: Path) -> None:
    complaint = wire_complaint()
    with _open([complaint]) as session:
        refused = session.actions.dispose([complaint["id"]], DispositionKind.DISPOSE, "dlh", reason="Sampah")
        assert refused.refused[0][1] == "refused.forbidden"
    with _open([complaint], user="supervisor.dpuprpkp", name="supervisor") as session:
        queued = session.actions.dispose([complaint["id"]], DispositionKind.DISPOSE, "dlh", reason="Sampah")
        assert queued.queued
        detail = session.complaints.get(complaint["id"])
        assert detail is not None and (detail.data["agency_id"], detail.data["desk_id"]) == ("dlh", None)


def test_the_outbox_row_and_the_row_change_commit_together(
    session: Session, complaint: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*_args: object, **_kwargs: object) -> None:
        raise sqlite3.OperationalError("disk I/O error")

    monkeypatch.setattr(timeline, "put_local_update", broken)
    with pytest.raises(sqlite3.OperationalError):
        session.actions.respond(complaint["id"], "Tanggapan")
    assert _outbox(session) == []
    detail = session.complaints.get(complaint["id"])
    assert detail is not None and detail.data["status"] == "assigned" and detail.pending == 0


def test_templates_fit_the_status_and_the_category_group(session: Session, complaint: dict[str, Any]) -> None:
    found = session.actions.templates(complaint["id"])
    assert all(t.matches(Status.ASSIGNED, "infrastruktur") for t in found)
    generic = [ANY_GROUP in t.groups for t in found]
    assert generic == sorted(generic) and False in generic and True in generic, "the group's own come first"
    assert complaint["public_ref"] in found[0].render(complaint["public_ref"])
    assert "{ref}" not in found[0].render(complaint["public_ref"])
    assert session.actions.templates("missing") == ()
