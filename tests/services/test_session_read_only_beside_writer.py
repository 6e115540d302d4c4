"""A read-only session while another process (an app window, ``sambat-tui sync``) holds the cache's writer:
it opens with readers only, reads everything the UI reads, writes nothing, and its sync runs nothing."""

from __future__ import annotations

import sqlite3
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from sambat_tui.domain.model import Action
from sambat_tui.services.inbox import Sort
from sambat_tui.services.profiles import Profile
from sambat_tui.services.session import Session
from sambat_tui.store.db import StoreFull, StoreLocked, StoreReadOnly
from tests.support.cache import CREATED, started_profile, wire_complaint
from tests.support.other_writer import OtherWriter

NOW = CREATED + timedelta(days=2)


@pytest.fixture
def profile(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Profile:
    return started_profile(tmp_path, monkeypatch, [f"Jalan berlubang {n}" for n in range(3)])


def _refs(session: Session) -> set[str]:
    return {r.public_ref for r in session.inbox.first("semua", "", Sort.DUE, False, 50).rows}


def test_read_only_opens_with_readers_only_and_sees_the_other_process_commit(
    profile: Profile, other_writer: OtherWriter
) -> None:
    with pytest.raises(StoreLocked):
        Session.open(profile)  # a session that may write still needs the writer
    with Session.open(profile, read_only=True, now=lambda: NOW) as session:
        assert session.synced_elsewhere and session.read_only and session.store.readers_only
        assert len(_refs(session)) == 3
        assert session.identity is not None and session.identity.user_id == "operator.dpuprpkp"
        new: dict[str, Any] = wire_complaint(title="Lampu padam")
        other_writer.add([new])
        assert new["public_ref"] in _refs(session)
        assert session.inbox.counts()["semua"] == 4
        detail = session.complaints.get(new["public_ref"])
        assert detail is not None and detail.allowed == frozenset()
        assert session.outbox.entries() == () and session.outbox.counts().waiting == 0


def test_read_only_with_the_writer_free_takes_it_as_before(profile: Profile) -> None:
    with Session.open(profile, read_only=True) as session:
        assert not session.synced_elsewhere and not session.store.readers_only
        with pytest.raises(StoreLocked):
            Session.open(profile)  # it holds the writer, so its sync can pull


def test_its_sync_runs_nothing_and_says_why(profile: Profile, other_writer: OtherWriter) -> None:
    with Session.open(profile, read_only=True) as session:
        status = session.sync.status()
        assert status.pending == 0 and status.online is None
        report = session.sync.run_once(retry_now=True)
        assert report.pulled == report.pushed == 0
        assert report.error is not None and "another process" in report.error


def test_nothing_it_offers_writes_to_the_cache(profile: Profile, other_writer: OtherWriter) -> None:
    with Session.open(profile, read_only=True, now=lambda: NOW) as session:
        first = next(iter(session.inbox.first("semua", "", Sort.DUE, False, 1).rows))
        result = session.actions.transition([first.id], Action.TAKE)
        assert not result.queued and result.refused
        assert session.actions.allowed(first.id) == frozenset()
        with pytest.raises(StoreReadOnly):
            session.outbox.retry("no-such-mutation")
        with pytest.raises(StoreReadOnly), session.store.transaction():
            pass


def test_cache_changed_says_when_the_other_process_has_committed(
    profile: Profile, other_writer: OtherWriter
) -> None:
    with Session.open(profile, read_only=True, now=lambda: NOW) as session:
        assert not session.cache_changed()  # the first look takes note
        assert not session.cache_changed()
        other_writer.add([wire_complaint(title="Lampu padam")])
        assert session.cache_changed()
        assert not session.cache_changed()  # once per commit seen
        _refs(session)  # reading does not count as a change
        assert not session.cache_changed()


def test_it_takes_the_writer_once_the_other_process_has_closed(profile: Profile) -> None:
    with OtherWriter(profile.cache_path) as other, Session.open(profile, read_only=True) as session:
        assert session.take_over() is False and session.synced_elsewhere
        other.add([wire_complaint(title="Lampu padam")])
        other.close()
        assert session.take_over() is True
        assert not session.synced_elsewhere and session.read_only  # read-only still: no key may change
        assert session.take_over() is False  # once
        report = session.sync.run_once()
        assert report.error is not None and "another process" not in report.error  # it runs: no token here
        assert "no token" in report.error
        with pytest.raises(StoreLocked):
            Session.open(profile)  # this session holds the writer now


def test_after_the_other_process_dies_mid_send_it_puts_the_change_back_to_pending(profile: Profile) -> None:
    other = OtherWriter(profile.cache_path)
    with Session.open(profile, read_only=True, now=lambda: NOW) as session:
        first = next(iter(session.inbox.first("semua", "", Sort.DUE, False, 1).rows))
        other.queue(first.id)
        other.kill()
        crashed = sqlite3.connect(profile.cache_path)  # as its send left it
        with crashed:
            crashed.execute("UPDATE outbox SET state = 'sending'")
        crashed.close()
        assert _states(session) == ["sending"]
        assert session.take_over() is True
        assert _states(session) == ["pending"]  # sent again at the next sync; its key makes that safe


def _states(session: Session) -> list[str]:
    with session.store.read() as conn:
        return [row[0] for row in conn.execute("SELECT state FROM outbox")]


def test_a_full_disk_at_the_take_over_still_leaves_the_session_syncing(
    profile: Profile, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    from sambat_tui.services import session as session_module

    def full(store: object) -> None:
        raise StoreFull("the disk holding cache.sqlite3 is full: nothing of this change was written")

    with OtherWriter(profile.cache_path) as other, Session.open(profile, read_only=True) as session:
        other.close()
        monkeypatch.setattr(session_module, "_repair", full)
        assert session.take_over() is True
        assert not session.synced_elsewhere and "another process" not in (session.sync.run_once().error or "")
        assert "disk is full" in caplog.text
