"""Quitting while a sync is about: a sync in flight is waited for, one that never began is not, and one that
finishes once the screens are gone changes nothing."""

from __future__ import annotations

import logging
import threading

import pytest

from sambat_tui.ui import app as app_module
from sambat_tui.ui.app import SambatApp
from sambat_tui.ui.messages import SyncFinished
from sambat_tui.ui.ports import AppOptions, SyncReport
from tests.ui.fakes import NOW, FakeSession, make_records


class _Closing(FakeSession):
    """Notes, in order, each sync run that ended and the closing of the session."""

    def __init__(self) -> None:
        super().__init__(make_records(10))
        self.order: list[str] = []
        run_once = self.sync.run_once

        def noted(*args: object, **kwargs: object) -> SyncReport:
            report = run_once(*args, **kwargs)  # type: ignore[arg-type]
            self.order.append("sync ended")
            return report

        self.sync.run_once = noted  # type: ignore[method-assign]

    def close(self) -> None:
        self.order.append("closed")
        super().close()


def _app(session: FakeSession) -> SambatApp:
    return SambatApp(lambda: session, AppOptions(sync_interval_seconds=0), now=lambda: NOW)


async def test_closing_waits_for_the_sync_in_flight() -> None:
    session = _Closing()
    session.sync.gate = threading.Event()
    app = _app(session)
    async with app.run_test() as pilot:
        await pilot.pause()
        await pilot.press("ctrl+r")
        while not session.sync.threads:  # the sync thread is in run_once, held at the gate
            await pilot.pause(0.01)
    threading.Timer(0.2, session.sync.gate.set).start()
    app.close_session()
    assert session.order == ["sync ended", "closed"]


async def test_a_sync_that_never_began_is_not_waited_for(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(app_module, "SHUTDOWN_WAIT_SECONDS", 0.5)
    # As when shutdown cancels the worker before its thread begins: the sync is asked for and never runs.
    monkeypatch.setattr(SambatApp, "_sync_worker", lambda self, session: None)
    session = _Closing()
    app = _app(session)
    async with app.run_test() as pilot:
        await pilot.pause()
        await pilot.press("ctrl+r")
    with caplog.at_level(logging.WARNING, logger="sambat_tui.ui.app"):
        app.close_session()
    assert "still running" not in caplog.text
    assert session.order == ["closed"]


async def test_a_sync_that_finishes_once_the_screens_are_gone_changes_nothing() -> None:
    session = FakeSession(make_records(10))
    app = _app(session)
    async with app.run_test() as pilot:
        await pilot.pause()
    assert not app.screen_stack
    app.on_sync_finished(SyncFinished(SyncReport(True, 3, 1, 0, 0, None)))  # raised ScreenStackError before
    app.close_session()
    assert session.closed
