"""The start-up repairs of a session that takes the cache's writer, made at once or, for the app, once its
first frame is out (``Session.open(repair=False)`` then ``finish_opening``)."""

from __future__ import annotations

import sqlite3
from datetime import timedelta
from pathlib import Path

import pytest

from sambat_tui.domain.model import Action
from sambat_tui.services import session as session_module
from sambat_tui.services.inbox import Sort
from sambat_tui.services.profiles import Profile
from sambat_tui.services.session import Session
from tests.support.cache import CREATED, started_profile

NOW = CREATED + timedelta(days=2)


@pytest.fixture
def crashed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Profile:
    """A cache as a crash mid-send leaves it: a take "sending", and a shipped agency gone from the cache."""
    profile = started_profile(tmp_path, monkeypatch, ["Jalan berlubang"])
    with Session.open(profile, now=lambda: NOW) as session:
        first = session.inbox.first("semua", "", Sort.DUE, False, 1).rows[0]
        assert session.actions.transition([first.id], Action.TAKE).queued
    conn = sqlite3.connect(profile.cache_path)
    with conn:
        conn.execute("UPDATE outbox SET state = 'sending'")
        conn.execute("DELETE FROM agencies WHERE id = 'dpuprpkp'")
    conn.close()
    return profile


def _seen(session: Session) -> tuple[list[str], int]:
    with session.store.read() as conn:
        states = [row[0] for row in conn.execute("SELECT state FROM outbox")]
        agencies = conn.execute("SELECT count(*) FROM agencies WHERE id = 'dpuprpkp'").fetchone()[0]
    return states, agencies


def test_open_makes_the_repairs_at_once(crashed: Profile) -> None:
    with Session.open(crashed, now=lambda: NOW) as session:
        assert _seen(session) == (["pending"], 1)
        session.finish_opening()  # nothing left to do
        assert _seen(session) == (["pending"], 1)


def test_open_without_repair_leaves_them_to_finish_opening_once(
    crashed: Profile, monkeypatch: pytest.MonkeyPatch
) -> None:
    with Session.open(crashed, now=lambda: NOW, repair=False) as session:
        assert _seen(session) == (["sending"], 0)
        repairs: list[object] = []
        repair = session_module._repair
        monkeypatch.setattr(session_module, "_repair", lambda store: repairs.append(store) or repair(store))
        session.finish_opening()
        assert _seen(session) == (["pending"], 1)
        session.finish_opening()
        assert len(repairs) == 1
