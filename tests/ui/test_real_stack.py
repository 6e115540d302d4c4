"""The app on the real services, store and sync engine, against a real ``sambat-central`` on 127.0.0.1.

Online: the first sync fills the inbox, ``t`` queues a take, ``ctrl+r`` pushes it and the server has it.
Offline (server stopped): the sync thread reports offline, the change waits in the outbox, the bar says so.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from sambat_tui.cli import main
from sambat_tui.services.profiles import profile_paths
from sambat_tui.services.session import Session
from sambat_tui.store.db import StoreError
from sambat_tui.ui.app import SambatApp
from sambat_tui.ui.ports import AppOptions
from sambat_tui.ui.screens.complaint import ComplaintScreen
from sambat_tui.ui.widgets.status_bar import StatusBar
from tests.support.server import CentralServer

pytestmark = pytest.mark.e2e

USER = "operator.dpuprpkp"


async def test_online_then_offline_on_the_real_stack(
    central_server: CentralServer, client_home: Path
) -> None:
    ours = [central_server.intake(title=f"Lubang jalan nomor {n}") for n in range(3)]
    assert main(["login", "--server", central_server.url, "--token", central_server.token(USER)]) == 0
    profile = profile_paths()
    sessions: list[Session] = []

    def open_session() -> Session:
        sessions.append(Session.open(profile))
        return sessions[-1]

    app = SambatApp(open_session, AppOptions(sync_interval_seconds=3600))
    try:
        async with app.run_test(size=(120, 36)) as pilot:
            await pilot.pause()
            await app.workers.wait_for_complete()  # the sync at start
            await pilot.pause()
            bar = app.screen.query_one(StatusBar)
            assert bar.state.online is True and bar.state.user is not None
            await pilot.press("5", "slash", *"Lubang", "enter")  # "Semua", filtered to ours
            await pilot.pause()
            inbox = app.screen
            rows = inbox.listing.window.rows  # type: ignore[attr-defined]
            assert {r.id for r in rows} >= {c["id"] for c in ours}
            first = rows[0]
            await pilot.press("t")
            await pilot.pause()
            assert app.screen.query_one(StatusBar).state.pending == 1
            await pilot.press("ctrl+r")
            await pilot.pause()
            await app.workers.wait_for_complete()
            await pilot.pause()
            assert app.screen.query_one(StatusBar).state.pending == 0
            assert central_server.complaint(first.id)["assignee_id"] == USER

            with central_server.stopped():
                await pilot.press("k", "t", "ctrl+r")
                await pilot.pause()
                await app.workers.wait_for_complete()
                await pilot.pause()
                state = app.screen.query_one(StatusBar).state
                assert state.online is False and state.pending == 1

            await pilot.press("enter")
            await pilot.pause()
            assert isinstance(app.screen, ComplaintScreen)
    finally:
        app.close_session()
    assert app.session is None and len(sessions) == 1
    with pytest.raises(StoreError, match="closed"), sessions[0].store.transaction():
        pass
