"""``e`` in the inbox: the view on screen (tab, search, sort) as CSV, written in a thread by the real services
into the export folder the supervisor's views use, with the headless ``sambat-tui export --csv`` writer."""

from __future__ import annotations

import csv
import stat
import threading
from datetime import timedelta
from pathlib import Path

import pytest

from sambat_tui.services.exports import INBOX_COLUMNS, Exported
from sambat_tui.services.inbox import Sort
from sambat_tui.services.session import Session
from sambat_tui.ui.app import SambatApp
from sambat_tui.ui.ports import AppOptions
from sambat_tui.ui.screens.help import HelpScreen
from sambat_tui.ui.screens.inbox import InboxScreen
from tests.support.cache import CREATED, private_home, seeded_profile, wire_complaint
from tests.ui.fakes import FakeInbox, FakeSession, make_records
from tests.ui.harness import running

NOW = CREATED + timedelta(days=20)


@pytest.fixture
def session(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Session:
    private_home(tmp_path, monkeypatch)
    items = [wire_complaint(title=f"Lampu jalan mati nomor {n}", priority="high") for n in range(7)]
    items += [wire_complaint(title=f"Jalan berlubang nomor {n}") for n in range(5)]
    items.append(wire_complaint(title='=HYPERLINK("http://x") lampu', status="in_progress"))
    return Session.open(seeded_profile(items), now=lambda: NOW)


def _exported(folder: Path) -> list[list[str]]:
    """The lines of each inbox export in ``folder``."""
    return [path.read_text(encoding="utf-8").splitlines() for path in folder.glob("inbox-*.csv")]


def _notes(app: SambatApp) -> list[str]:
    return [str(n.message) for n in app._notifications]


async def test_e_exports_the_tab_search_and_sort_on_screen_in_a_thread(session: Session) -> None:
    threads: list[str] = []
    real_export = session.inbox.export

    def export(tab_id: str, query: str, sort: Sort, descending: bool) -> Exported:
        threads.append(threading.current_thread().name)
        return real_export(tab_id, query, sort, descending)

    session.inbox.export = export  # type: ignore[method-assign]
    app = SambatApp(lambda: session, AppOptions(sync_interval_seconds=0), now=lambda: NOW)
    try:
        async with app.run_test(size=(120, 36)) as pilot:
            await pilot.pause()
            await pilot.press("5", "slash", *"lampu", "enter", "S", "S")  # "Semua", "lampu", by priority
            await pilot.pause()
            inbox = app.screen
            assert isinstance(inbox, InboxScreen) and inbox.sort is Sort.PRIORITY
            shown = [r.public_ref for r in inbox.listing.window.rows]  # type: ignore[union-attr]
            assert len(shown) == 8
            await pilot.press("e")
            await app.workers.wait_for_complete()
            await pilot.pause()
            assert threads and threads[0] != threading.main_thread().name
            [written] = list((session.profile.data_dir / "exports").glob("inbox-*.csv"))
            assert any(str(written) in note for note in _notes(app))
            assert stat.S_IMODE(written.stat().st_mode) == 0o600
            rows = list(csv.reader(written.open(encoding="utf-8", newline="")))
            assert tuple(rows[0]) == INBOX_COLUMNS
            assert [r[0] for r in rows[1:]] == shown  # the same rows in the same order
            titles = [r[-1] for r in rows[1:]]
            assert '\'=HYPERLINK("http://x") lampu' in titles  # the formula stays defused
            assert app.screen is inbox and inbox.check_action("export", ()) is True
    finally:
        app.close_session()


async def test_the_export_key_is_remappable_and_listed_in_help(session: Session) -> None:
    options = AppOptions(sync_interval_seconds=0, keymap={"export": "x"})
    app = SambatApp(lambda: session, options, now=lambda: NOW)
    try:
        async with app.run_test(size=(120, 36)) as pilot:
            await pilot.pause()
            exports = session.profile.data_dir / "exports"
            await pilot.press("e")  # no longer the key
            await app.workers.wait_for_complete()
            await pilot.pause()
            assert not list(exports.glob("inbox-*.csv"))
            await pilot.press("x")
            await app.workers.wait_for_complete()
            await pilot.pause()
            assert len(list(exports.glob("inbox-*.csv"))) == 1
            await pilot.press("question_mark")
            await pilot.pause()
            assert isinstance(app.screen, HelpScreen)
            help_text = str(app.screen.query_one("#help-keys").render())
            assert "x             Ekspor CSV" in help_text
    finally:
        app.close_session()


class _InboxWithoutExport(FakeInbox):
    export = None  # services from before the inbox could export


async def test_the_key_is_hidden_when_the_services_cannot_export() -> None:
    session = FakeSession(make_records(20))
    session.inbox = _InboxWithoutExport(session)
    async with running(session) as r:
        assert r.inbox.check_action("export", ()) is False
        await r.press("e")
        assert r.app.screen is r.inbox and not _notes(r.app)


async def test_a_failed_export_says_why_and_the_key_comes_back(tmp_path: Path) -> None:
    session = FakeSession(make_records(20))  # no export folder: the export fails
    async with running(session) as r:
        await r.press("e")
        await r.app.workers.wait_for_complete()
        await r.pilot.pause()
        assert any("Ekspor gagal" in note for note in _notes(r.app))
        assert r.inbox.check_action("export", ()) is True
        session.export_dir = tmp_path
        await r.press("e")
        await r.app.workers.wait_for_complete()
        await r.pilot.pause()
        [written] = _exported(tmp_path)
        assert len(written) == 1 + session.inbox.counts()["baru"]  # the tab on screen, "Baru"
