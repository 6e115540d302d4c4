"""The complaint and outbox screens, the app-wide keys, sync in a thread, quitting, help and palette."""

from __future__ import annotations

import threading

import pytest
from textual.command import CommandList, CommandPalette
from textual.widgets import Input, OptionList, Static

from sambat_tui.domain.model import Status
from sambat_tui.services.inbox import Sort
from sambat_tui.ui.app import SambatApp
from sambat_tui.ui.keys import KEYS, KeymapError, check_keymap
from sambat_tui.ui.ports import AppOptions
from sambat_tui.ui.screens.complaint import ComplaintScreen
from sambat_tui.ui.screens.help import HelpScreen
from sambat_tui.ui.screens.inbox import InboxScreen
from sambat_tui.ui.screens.loading import LoadingScreen
from sambat_tui.ui.screens.outbox import OutboxScreen
from sambat_tui.ui.widgets.status_bar import StatusBar
from tests.ui.fakes import NOW, FakeSession, make_records
from tests.ui.harness import running
from tests.ui.scenarios import BY_NAME, build


def _first_ref(session: FakeSession) -> str:
    return session.inbox.first("baru", "", Sort.DUE, False, 1).rows[0].public_ref


def _text(screen: object) -> str:
    from textual.screen import Screen

    assert isinstance(screen, Screen)
    return "\n".join(str(w.render()) for w in screen.query(Static))


async def test_enter_opens_the_complaint_and_escape_goes_back() -> None:
    async with running() as r:
        ref = _first_ref(r.session)
        await r.press("enter")
        assert isinstance(r.app.screen, ComplaintScreen)
        assert ref in _text(r.app.screen)
        await r.press("j", "k", "escape")
        assert isinstance(r.app.screen, InboxScreen)


async def test_acting_from_the_complaint_screen_updates_it() -> None:
    session = FakeSession(make_records(60))
    ref = _first_ref(session)
    record = session.find(ref)
    assert record is not None
    record.status = Status.ASSIGNED
    async with running(session) as r:
        await r.press("enter", "c")
        await r.type("catatan dari layar")
        await r.press("ctrl+s")
        screen = r.app.screen
        assert isinstance(screen, ComplaintScreen)
        assert "catatan dari layar" in _text(screen)
        assert screen.detail is not None and screen.detail.pending == 1
        await r.press("t")
        assert record.assignee_id == session.user_id
        await r.press("y")
        assert r.app.clipboard == ref


async def test_public_and_internal_entries_differ_by_label_marker_and_class() -> None:
    scenario = BY_NAME["complaint"]
    app, _session = build(scenario)
    async with app.run_test(size=scenario.size) as pilot:
        await pilot.pause()
        for key in scenario.press:
            await pilot.press(key)
        await pilot.pause()
        public = [w for w in app.screen.query(".timeline-heading.timeline-public")]
        internal = [w for w in app.screen.query(".timeline-heading.timeline-internal")]
        assert public and internal
        assert all("● PUBLIK" in str(w.render()) for w in public)
        assert all("○ INTERNAL" in str(w.render()) for w in internal)


async def test_outbox_retry_edit_and_discard_with_confirm() -> None:
    scenario = BY_NAME["outbox"]
    app, session = build(scenario)
    async with app.run_test(size=scenario.size) as pilot:

        async def press(*keys: str) -> None:
            for key in keys:
                await pilot.press(key)
                await pilot.pause()

        await pilot.pause()
        await press("o")
        screen = app.screen
        assert isinstance(screen, OutboxScreen) and len(screen.entries) == 5
        listing = screen.query_one(OptionList)
        text = "\n".join(str(listing.get_option_at_index(i).prompt) for i in range(listing.option_count))
        assert "Pengaduan sudah dialihkan" in text and "HTTP 503" in text
        states = [e.state for e in session.outbox_entries]
        assert states == ["pending", "pending", "sending", "failed", "conflict"]
        await press("R")  # on a pending one: not available
        assert [e.state for e in session.outbox_entries] == states
        await press("j", "j", "j", "R")
        assert session.outbox_entries[3].state == "pending"
        await press("j", "e", "ctrl+a", "shift+end")
        await pilot.press(*"diubah")
        await press("ctrl+s")
        assert session.outbox_entries[4].summary == "public_response: diubah"
        assert session.outbox_entries[4].state == "pending"
        await press("k", "k", "e", "ctrl+s")  # the one being sent: refused, shown, nothing raised
        assert session.outbox_entries[2].state == "sending"
        assert app.is_running
        await press("j", "j")
        await press("d", "n")
        assert len(session.outbox_entries) == 5
        await press("d", "y")
        assert len(session.outbox_entries) == 4
        await press("escape")
        assert isinstance(app.screen, InboxScreen)


async def test_sync_runs_in_a_worker_thread_and_updates_the_bar() -> None:
    session = FakeSession(make_records(30))
    async with running(session) as r:
        await r.press("j", "t")
        assert r.app.screen.query_one(StatusBar).state.pending == 1
        shown = {b.binding.action for b in r.app.screen.active_bindings.values()}
        assert "sync" in shown and "reload" not in shown  # ctrl+r syncs in a window that may
        await r.press("ctrl+r")
        await r.app.workers.wait_for_complete()
        await r.pilot.pause()
        assert session.sync.threads and session.sync.threads[0] != threading.current_thread().name
        state = r.app.screen.query_one(StatusBar).state
        assert state.online is True and state.pending == 0 and state.last_sync_at == NOW


async def test_a_slow_sync_never_blocks_a_key() -> None:
    session = FakeSession(make_records(30))
    session.sync.gate = threading.Event()
    async with running(session) as r:
        await r.press("ctrl+r")
        assert r.app.screen.query_one(StatusBar).state.syncing
        before = r.cursor_ref()
        await r.press("j")  # handled while the sync thread waits
        assert r.cursor_ref() != before
        session.sync.gate.set()
        await r.app.workers.wait_for_complete()
        await r.pilot.pause()
        assert not r.app.screen.query_one(StatusBar).state.syncing


async def test_offline_sync_shows_offline() -> None:
    session = FakeSession(make_records(30))
    session.sync.online = False
    async with running(session) as r:
        await r.press("ctrl+r")
        await r.app.workers.wait_for_complete()
        await r.pilot.pause()
        assert r.app.screen.query_one(StatusBar).state.online is False
        assert "Luring" in str(r.app.screen.query_one(StatusBar).render())


async def test_periodic_sync_starts_with_the_app() -> None:
    session = FakeSession(make_records(10))
    app = SambatApp(lambda: session, AppOptions(sync_interval_seconds=3600), now=lambda: NOW)
    async with app.run_test() as pilot:
        await pilot.pause()
        await app.workers.wait_for_complete()
        assert session.sync.runs == 1


async def test_quit_with_an_empty_outbox_exits_at_once() -> None:
    async with running() as r:
        await r.press("q")
        assert r.app._exit  # type: ignore[attr-defined]


async def test_quit_warns_while_the_outbox_is_not_empty() -> None:
    session = FakeSession(make_records(30))
    for record in session.records:
        record.status = Status.ASSIGNED
    async with running(session) as r:
        await r.press("t", "q")
        assert "1" in _text(r.app.screen)
        await r.press("n")
        assert not r.app._exit  # type: ignore[attr-defined]
        await r.press("q", "y")
        assert r.app._exit  # type: ignore[attr-defined]


async def test_help_lists_the_key_table_with_remaps() -> None:
    async with running(keymap={"take": "T"}) as r:
        await r.press("question_mark")
        assert isinstance(r.app.screen, HelpScreen)
        text = _text(r.app.screen)
        assert "T" in text and "Ambil" in text and "Tandai semua" in text
        await r.press("escape")
        assert isinstance(r.app.screen, InboxScreen)


async def test_help_in_read_only_mode_lists_no_mutating_key() -> None:
    session = FakeSession(make_records(10), read_only=True)
    async with running(session, read_only=True) as r:
        await r.press("question_mark")
        text = _text(r.app.screen)
        assert "Ambil" not in text and "Tanggapi" not in text and "Cari" in text


async def test_palette_jumps_to_a_reference() -> None:
    async with running() as r:
        await r.press("ctrl+p")
        await r.type("mlg-2026-7")
        await r.pilot.pause(0.3)
        await r.press("enter")
        await r.pilot.pause()
        assert isinstance(r.app.screen, ComplaintScreen)
        assert "MLG-2026-000007" in _text(r.app.screen)


async def test_palette_commands_cover_tabs_themes_and_languages() -> None:
    async with running() as r:
        titles = [c.title for c in r.app.palette_commands()]
        assert "Tab: Jatuh tempo" in titles and "Tema: terang" in titles and "Bahasa: English" in titles
        r.app.set_theme("light")
        assert r.app.theme == "sambat-light"
        r.app.show_tab("jatuh_tempo")
        assert r.inbox.tab_index == 2
        r.app.set_app_language("en")
        await r.pilot.pause()
        assert "Overdue" in str(r.app.screen.query_one("#tabs").render()) or "Due" in str(
            r.app.screen.query_one("#tabs").render()
        )
        r.app.set_app_language("id")


async def test_the_palette_speaks_the_users_language_and_offers_only_the_apps_commands() -> None:
    async with running() as r:
        await r.press("ctrl+p")
        palette = r.app.screen
        assert isinstance(palette, CommandPalette)
        assert palette.query_one(Input).placeholder.startswith("Cari perintah")
        await r.type("keluar")
        await r.pilot.pause(0.3)
        shown = [str(o.prompt) for o in palette.query_one(CommandList).options]
        assert any("Keluar" in text for text in shown)
        await r.press("ctrl+u")
        await r.type("screenshot")  # one of Textual's own, English, commands: not offered
        await r.pilot.pause(0.8)  # Textual waits half a second before it says nothing matched
        shown = [str(o.prompt) for o in palette.query_one(CommandList).options]
        assert any("Tidak ada yang cocok" in text for text in shown)
        assert not any("Screenshot" in text or "No matches" in text for text in shown)
        titles = {c.title for c in r.app.palette_commands()}
        assert {"Sinkron", "Kotak keluar", "Bantuan", "Keluar"} <= titles


async def test_a_session_that_cannot_open_is_shown_not_raised() -> None:
    app, _ = build(BY_NAME["open_failed"])
    async with app.run_test() as pilot:
        await pilot.pause()
        assert isinstance(app.screen, LoadingScreen)
        assert "database is locked" in _text(app.screen)
        await pilot.press("q")
        assert app._exit  # type: ignore[attr-defined]


def test_a_bad_key_map_is_refused_with_the_binding_named() -> None:
    with pytest.raises(KeymapError, match="unknown binding id 'tkae'"):
        check_keymap({"tkae": "x"})
    with pytest.raises(KeymapError, match="non-empty"):
        check_keymap({"take": " "})
    assert check_keymap({"take": "?", "help": "f1,ctrl+h"}) == {"take": "question_mark", "help": "f1,ctrl+h"}


def test_every_binding_has_an_id_and_a_message_in_both_languages() -> None:
    from sambat_tui.ui.i18n.translator import shipped_catalogues

    catalogues = shipped_catalogues()
    for spec in KEYS:
        assert spec.id
        for lang in ("id", "en"):
            assert spec.label_key in catalogues[lang], (spec.id, lang)


async def test_the_complaint_screen_opens_each_dialog_of_its_keys() -> None:
    from sambat_tui.ui.dialogs.compose import ComposeDialog
    from sambat_tui.ui.dialogs.reason import ReasonDialog
    from sambat_tui.ui.dialogs.status_picker import StatusPicker

    session = FakeSession(make_records(30))
    for record in session.records:
        record.status = Status.ASSIGNED
    async with running(session) as r:
        await r.press("enter")
        opened = []
        for key in ("s", "r", "c", "b"):
            await r.press(key)
            opened.append(type(r.app.screen))
            await r.press("escape")
            assert isinstance(r.app.screen, ComplaintScreen)
        assert opened == [StatusPicker, ComposeDialog, ComposeDialog, ReasonDialog]
        assert not session.outbox_entries


async def test_a_narrow_key_bar_shows_whole_labels_and_always_the_help_key() -> None:
    from sambat_tui.ui.i18n import t
    from sambat_tui.ui.widgets.key_bar import HELP_LABEL, KeyBar

    for width in (80, 120, 60):
        async with running(size=(width, 24)) as r:
            bar = r.app.screen.query_one(KeyBar)
            shown = [description for _, description, _ in bar.shown()]
            assert HELP_LABEL in shown, width
            line = bar.render_line(0).text
            assert len(line) == width
            for key, description, _ in bar.shown():
                # Whole: each label shown is on the line, in full, not cut at its right edge.
                assert f"{key} {t(description)}" in line, (width, description)
            wanted = [description for _, description, _ in KeyBar._wanted(r.app.screen)]
            assert shown == [d for d in wanted if d in shown]  # the table's order
            assert len(shown) < len(wanted) or width >= 120, width  # the narrow bars did leave some out
    async with running(size=(200, 24)) as r:
        bar = r.app.screen.query_one(KeyBar)
        assert len(bar.shown()) == len(KeyBar._wanted(r.app.screen))  # room for all: nothing hidden


async def test_outbox_edit_starts_from_the_whole_queued_text_not_its_cut_line() -> None:
    from textual.widgets import TextArea

    from sambat_tui.domain.text_safety import one_line
    from sambat_tui.ui.dialogs.compose import ComposeDialog

    scenario = BY_NAME["outbox"]
    app, session = build(scenario)
    whole = "Sudah kami cek di lokasi bersama petugas kelurahan. " * 6  # far longer than the outbox line
    conflict = session.outbox_entries[4]
    cut = one_line(f"public_response: {whole}", 80)  # the outbox line, as the service cuts it
    session.outbox_entries[4] = conflict._replace(summary=cut, details={**conflict.details, "text": whole})
    async with app.run_test(size=scenario.size) as pilot:
        await pilot.pause()
        for key in ("o", "j", "j", "j", "j", "e"):
            await pilot.press(key)
            await pilot.pause()
        assert isinstance(app.screen, ComposeDialog)
        assert app.screen.query_one("#body", TextArea).text == whole
