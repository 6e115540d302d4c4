"""A change queued while the server answers goes out within seconds, not at the next sync interval."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable

import pytest

from sambat_tui.domain.model import Status
from sambat_tui.ui import app as app_module
from tests.ui.fakes import FakeSession, make_records
from tests.ui.harness import running
from tests.ui.scenarios import _outbox_states


@pytest.fixture(autouse=True)
def quick_push(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(app_module, "PUSH_SOON_SECONDS", 0.05)


def _assigned(n: int = 30) -> FakeSession:
    session = FakeSession(make_records(n))
    for record in session.records:
        record.status = Status.ASSIGNED
    return session


async def _until(condition: Callable[[], bool], limit: float = 5.0) -> bool:
    """Whether ``condition`` came true within ``limit`` seconds (the sync runs in a thread of its own)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + limit
    while loop.time() < deadline:
        if condition():
            return True
        await asyncio.sleep(0.02)
    return False


async def test_a_change_goes_out_soon_when_online() -> None:
    session = _assigned()
    async with running(session, sync_interval_seconds=3600) as r:
        assert await _until(lambda: session.sync.runs == 1 and not r.app._syncing)
        await r.press("t")
        assert await _until(lambda: session.sync.runs == 2 and not r.app._syncing)
        await r.pilot.pause()
        assert session.outbox.counts().pending == 0
        assert r.app.bar_state.pending == 0


async def test_changes_wait_for_the_interval_while_offline() -> None:
    session = _assigned()
    session.sync.online = False
    async with running(session, sync_interval_seconds=3600) as r:
        assert await _until(lambda: session.sync.runs == 1 and not r.app._syncing)
        await r.press("t")
        await asyncio.sleep(0.3)  # six times the push delay
        assert session.sync.runs == 1
        assert session.outbox.counts().pending == 1


async def test_syncs_only_when_asked_stay_so() -> None:
    session = _assigned()
    async with running(session, sync_interval_seconds=0) as r:
        await r.press("t")
        await asyncio.sleep(0.3)
        assert session.sync.runs == 0
        assert session.outbox.counts().pending == 1


async def test_a_change_made_during_a_sync_goes_out_after_it() -> None:
    session = _assigned()
    gate = threading.Event()
    session.sync.gate = gate  # the first sync waits until the change is queued, and does not send it
    session.sync.outbox_read_before_gate = True
    async with running(session, sync_interval_seconds=3600) as r:
        assert await _until(lambda: session.sync.runs == 1)
        await r.press("t")
        gate.set()
        assert await _until(lambda: session.sync.runs == 2 and not r.app._syncing)
        await r.pilot.pause()
        assert session.outbox.counts().pending == 0


async def test_keys_in_a_row_go_out_in_one_sync(monkeypatch: pytest.MonkeyPatch) -> None:
    session = _assigned()
    async with running(session, sync_interval_seconds=3600) as r:
        assert await _until(lambda: session.sync.runs == 1 and not r.app._syncing)
        monkeypatch.setattr(app_module, "PUSH_SOON_SECONDS", 0.5)  # longer than the three keys take
        await r.press("t", "t", "t")
        assert await _until(lambda: session.sync.runs == 2 and not r.app._syncing)
        await asyncio.sleep(0.6)
        assert session.sync.runs == 2
        assert session.outbox.counts().pending == 0


async def test_a_retried_change_goes_out_soon() -> None:
    session = FakeSession(make_records(30))
    _outbox_states(session)
    async with running(session, sync_interval_seconds=3600) as r:
        assert await _until(lambda: session.sync.runs == 1 and not r.app._syncing)
        assert [e.state for e in session.outbox_entries] == ["sending", "failed", "conflict"]
        await r.press("o", "j", "R")
        assert await _until(lambda: session.sync.runs == 2 and not r.app._syncing)
        assert [e.state for e in session.outbox_entries] == ["sending", "conflict"]
