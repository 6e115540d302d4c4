"""``sambat-tui --read-only`` while another window (another process) holds the profile's cache: the app opens
on readers only, shows the inbox, says that the other window syncs, offers no mutating key, starts no sync,
and ``ctrl+r`` reads the cache again, showing what the other window wrote."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from sambat_tui.services.profiles import Profile
from sambat_tui.services.session import Session
from sambat_tui.store.db import StoreLocked
from sambat_tui.ui.app import SambatApp
from sambat_tui.ui.dialogs.confirm import ConfirmDialog
from sambat_tui.ui.i18n import set_language
from sambat_tui.ui.keys import KEYS
from sambat_tui.ui.ports import AppOptions
from sambat_tui.ui.screens.complaint import ComplaintScreen
from sambat_tui.ui.screens.help import HelpScreen
from sambat_tui.ui.screens.inbox import InboxScreen
from sambat_tui.ui.screens.outbox import OutboxScreen
from sambat_tui.ui.widgets.status_bar import StatusBar
from tests.support.cache import CREATED, started_profile, wire_complaint
from tests.support.other_writer import OtherWriter
from tests.ui.fakes import FakeSession, make_records
from tests.ui.harness import running

NOW = CREATED + timedelta(days=2)
MUTATING = {spec.action for spec in KEYS if spec.mutating}


@pytest.fixture
def profile(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Profile:
    return started_profile(tmp_path, monkeypatch, [f"Jalan berlubang {n}" for n in range(3)])


def _window(profile: Profile, sync_interval_seconds: float) -> SambatApp:
    return SambatApp(
        lambda: Session.open(profile, read_only=True, now=lambda: NOW),
        AppOptions(read_only=True, sync_interval_seconds=sync_interval_seconds),
        now=lambda: NOW,
    )


def _closed_after(app: SambatApp) -> Iterator[SambatApp]:
    try:
        yield app
    finally:
        set_language("id")
        app.close_session()


@pytest.fixture
def app(profile: Profile) -> Iterator[SambatApp]:
    # A sync interval as in a real config: a window that syncs would start one as soon as it is up.
    yield from _closed_after(_window(profile, 60))


@pytest.fixture
def following(profile: Profile) -> Iterator[SambatApp]:
    """A window that looks at the cache every 0.1 s (at most FOLLOW_SECONDS: the sync interval's)."""
    yield from _closed_after(_window(profile, 0.1))


def _inbox(app: SambatApp) -> InboxScreen:
    screen = app.screen_stack[0]
    assert isinstance(screen, InboxScreen), app.screen_stack
    return screen


def _ids(app: SambatApp) -> set[str]:
    return {row.id for row in _inbox(app).listing.window.rows}


def _sync_workers(app: SambatApp) -> list[object]:
    return [w for w in app.workers if w.group == "sync"]


async def test_it_opens_beside_the_other_window_and_ctrl_r_reads_what_that_window_wrote(
    app: SambatApp, other_writer: OtherWriter
) -> None:
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        await pilot.press("5")  # "Semua"
        await pilot.pause()
        assert len(_ids(app)) == 3
        bar = app.screen.query_one(StatusBar)
        assert bar.state.read_only and bar.state.synced_elsewhere
        text = bar.render().plain
        assert "disinkronkan jendela lain" in text and "Hanya baca" in text
        assert "Belum pernah sinkron" not in text and "Luring" not in text
        shown = {b.binding.action for b in app.screen.active_bindings.values()}
        assert shown and not shown & MUTATING
        assert "reload" in shown and "sync" not in shown  # ctrl+r says what it does here: "Muat ulang"
        assert not _sync_workers(app)

        added = wire_complaint(title="Lampu padam di gang")
        other_writer.add([added])
        assert added["id"] not in _ids(app)  # nothing reads the cache by itself
        await pilot.press("ctrl+r")
        await pilot.pause()
        await pilot.pause()
        assert added["id"] in _ids(app)
        assert not _sync_workers(app)
        assert any("Dimuat ulang" in str(n.message) for n in app._notifications)

        app.set_app_language("en")
        await pilot.pause()
        assert "synced by another window" in app.screen.query_one(StatusBar).render().plain


async def test_every_screen_of_a_browsing_session_opens_on_readers_only(
    app: SambatApp, other_writer: OtherWriter
) -> None:
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        await pilot.press("5", "enter")
        await pilot.pause()
        assert isinstance(app.screen, ComplaintScreen)
        assert not {b.binding.action for b in app.screen.active_bindings.values()} & MUTATING
        await pilot.press("escape", "o")
        await pilot.pause()
        assert isinstance(app.screen, OutboxScreen)
        await pilot.press("escape", "question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, InboxScreen)
        assert app.session is not None and app.session.sync.status().pending == 0


async def test_quitting_does_not_ask_about_the_other_windows_unsent_changes(
    app: SambatApp, other_writer: OtherWriter
) -> None:
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        await pilot.press("5")
        await pilot.pause()
        other_writer.queue(next(iter(_ids(app))))
        await pilot.press("ctrl+r")
        await pilot.pause()
        assert (
            app.screen.query_one(StatusBar).state.pending == 1
        )  # the bar shows them: they are the profile's
        await pilot.press("q")
        await pilot.pause()
        assert not isinstance(app.screen, ConfirmDialog)
    assert app.return_code == 0


async def test_it_follows_what_the_other_window_writes_without_ctrl_r(
    following: SambatApp, other_writer: OtherWriter
) -> None:
    app = following
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        await pilot.press("5")
        await pilot.pause(0.3)
        assert len(_ids(app)) == 3
        added = wire_complaint(title="Lampu padam di gang")
        other_writer.add([added])
        for _ in range(50):
            await pilot.pause(0.1)
            if added["id"] in _ids(app):
                break
        assert added["id"] in _ids(app)
        assert not _sync_workers(app)
        assert not any("Dimuat ulang" in str(n.message) for n in app._notifications)  # quietly


async def test_once_the_other_window_closes_it_takes_the_cache_over_and_syncs(
    profile: Profile, following: SambatApp
) -> None:
    app = following
    with OtherWriter(profile.cache_path) as other:  # before the window opens: it opens beside this one
        async with app.run_test(size=(120, 36)) as pilot:
            await pilot.pause()
            await pilot.press("5")
            await pilot.pause(0.3)
            assert app.session is not None and app.session.synced_elsewhere
            added = wire_complaint(title="Lampu padam di gang")
            other.add([added])
            other.queue(added["id"])  # a change that window had not sent when it closed
            other.close()
            for _ in range(50):
                await pilot.pause(0.1)
                if not app.screen.query_one(StatusBar).state.synced_elsewhere:
                    break
            bar = app.screen.query_one(StatusBar)
            assert not bar.state.synced_elsewhere and bar.state.read_only and bar.state.pending == 1
            assert "disinkronkan jendela lain" not in bar.render().plain
            assert added["id"] in _ids(app)  # what it wrote before it closed
            assert any("kini jendela ini yang menyinkronkan" in str(n.message) for n in app._notifications)
            shown = {b.binding.action for b in app.screen.active_bindings.values()}
            assert "sync" in shown and "reload" not in shown and not shown & MUTATING
            with pytest.raises(StoreLocked):
                Session.open(profile)  # this window holds the writer now
            await pilot.press("q")
            await pilot.pause()
            assert isinstance(app.screen, ConfirmDialog)  # the unsent change is this window's to send now


async def test_a_failure_to_take_the_cache_over_is_logged_once_and_it_goes_on_following(
    caplog: pytest.LogCaptureFixture,
) -> None:
    session = FakeSession(make_records(5), read_only=True)
    session.synced_elsewhere = True
    tries: list[int] = []

    def failing() -> bool:
        tries.append(1)
        raise OSError(28, "No space left on device")

    session.take_over = failing  # type: ignore[method-assign]
    async with running(session, read_only=True, sync_interval_seconds=0.05) as run:
        for _ in range(10):  # several looks
            await run.pilot.pause(0.05)
        reads = len(session.inbox.first_reads)
        session.changed_elsewhere = True
        for _ in range(40):
            await run.pilot.pause(0.05)
            if len(session.inbox.first_reads) > reads:
                break
        assert len(session.inbox.first_reads) > reads, "it still reads what the other window writes"
        assert run.app.is_running
    assert len(tries) == 1 and session.synced_elsewhere
    assert "taking over the cache's writer failed" in caplog.text
