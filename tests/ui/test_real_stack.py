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


async def test_the_app_says_the_server_was_restored_and_sends_again(
    fresh_server: CentralServer, client_home: Path, tmp_path: Path
) -> None:
    from sambat_tui.central import cli as central_cli
    from sambat_tui.ui.i18n import set_language

    ours = fresh_server.intake(title="Saluran air tersumbat di depan pasar")
    assert main(["login", "--server", fresh_server.url, "--token", fresh_server.token(USER)]) == 0
    backup = tmp_path / "central-backup.sqlite3"
    assert central_cli.main(["backup", "--data-dir", str(fresh_server.data_dir), str(backup)]) == 0
    profile = profile_paths()
    app = SambatApp(lambda: Session.open(profile), AppOptions(sync_interval_seconds=3600, lang="en"))
    try:
        async with app.run_test(size=(120, 36)) as pilot:
            await pilot.pause()
            await app.workers.wait_for_complete()
            await pilot.press("5", "slash", *"Saluran", "enter")
            await pilot.pause()
            await pilot.press("t", "ctrl+r")
            await pilot.pause()
            await app.workers.wait_for_complete()
            await pilot.pause()
            assert fresh_server.complaint(ours["id"])["assignee_id"] == USER
            with fresh_server.stopped():
                assert (
                    central_cli.main(["restore", str(backup), "--data-dir", str(fresh_server.data_dir)]) == 0
                )
            assert fresh_server.complaint(ours["id"])["assignee_id"] is None  # the restore lost the take

            await pilot.press("ctrl+r")
            await pilot.pause()
            await app.workers.wait_for_complete()
            await pilot.pause()
            said = [n.message for n in app._notifications]
            assert any("restored from a backup" in m and "1 change of yours" in m for m in said), said
            await app.workers.wait_for_complete()  # the push the sync asked for after queuing again
            await pilot.pause()
            assert app.screen.query_one(StatusBar).state.pending == 0
    finally:
        app.close_session()
        set_language("id")
    assert fresh_server.complaint(ours["id"])["assignee_id"] == USER
