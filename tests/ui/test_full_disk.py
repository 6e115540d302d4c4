"""A full disk under the cache: the act is refused in words, nothing is queued, and what the user wrote is
given back in its dialog, to send once there is room. A log file that cannot be written keeps nobody out."""

from __future__ import annotations

from textual.widgets import Select, Static

from sambat_tui.domain.model import Action, Status
from sambat_tui.ui.dialogs.compose import ComposeDialog
from sambat_tui.ui.dialogs.reason import ReasonDialog
from sambat_tui.ui.screens.outbox import OutboxScreen
from tests.ui.fakes import FakeSession, assigned_session
from tests.ui.harness import Running, running

FULL = "Disk penuh"


def _assigned() -> FakeSession:
    return assigned_session(40)


def _said(r: Running, words: str) -> bool:
    return any(words in str(n.message) for n in r.app._notifications)


def _error(r: Running) -> str:
    return str(r.app.screen.query_one("#error", Static).visual)


async def test_a_take_on_a_full_disk_is_refused_in_words_and_works_once_there_is_room() -> None:
    session = _assigned()
    session.room = 0
    async with running(session) as r:
        ref = r.cursor_ref()
        await r.press("t")
        assert _said(r, FULL) and not session.outbox_entries and r.app.is_running
        record = session.find(ref)
        assert record is not None and record.status is Status.ASSIGNED  # nothing applied
        assert r.cursor_ref() == ref  # it stays on the row it could not act on
        session.room = None
        await r.press("t")
        assert [(e.public_ref, e.details) for e in session.outbox_entries] == [(ref, {"action": "take"})]


async def test_a_note_on_a_full_disk_comes_back_in_its_dialog_with_the_text() -> None:
    session = _assigned()
    session.room = 0
    async with running(session) as r:
        await r.press("c")
        await r.type("cek lokasi besok pagi")
        await r.press("ctrl+s")
        assert isinstance(r.app.screen, ComposeDialog)
        assert FULL in _error(r)
        assert r.app.screen.query_one("#body").text == "cek lokasi besok pagi"  # type: ignore[attr-defined]
        assert not session.outbox_entries
        await r.type(" juga")  # the cursor waits where the text ends
        session.room = None
        await r.press("ctrl+s")
        assert not isinstance(r.app.screen, ComposeDialog)
        assert [e.details.get("text") for e in session.outbox_entries] == ["cek lokasi besok pagi juga"]


async def test_a_bulk_note_that_fills_the_disk_half_way_asks_again_only_for_the_rest() -> None:
    session = _assigned()
    session.room = 1
    async with running(session) as r:
        first = r.cursor_ref()
        await r.press("space")  # marks the row and moves on
        second = r.cursor_ref()
        await r.press("space")
        await r.press("c")
        await r.type("dicek tim")
        r.app.screen.query_one("#then", Select).value = Action.HOLD.value
        await r.press("ctrl+s")
        assert isinstance(r.app.screen, ComposeDialog) and FULL in _error(r)
        [done] = [e.public_ref for e in session.outbox_entries]
        assert done in (first, second)
        assert r.app.screen.query_one("#then", Select).value == Action.HOLD.value  # as it was chosen
        session.room = None
        await r.press("ctrl+s")
        assert not isinstance(r.app.screen, ComposeDialog)
        notes = sorted(e.public_ref for e in session.outbox_entries if e.op == "update")
        assert notes == sorted([first, second])  # each once
        held = [session.find(ref) for ref in (first, second)]
        assert all(x is not None and x.status is Status.ON_HOLD for x in held)  # both, not only the second


async def test_a_return_on_a_full_disk_keeps_its_reason() -> None:
    session = _assigned()
    session.room = 0
    async with running(session) as r:
        await r.press("b")
        await r.type("bukan jalan kota")
        await r.press("enter")
        assert isinstance(r.app.screen, ReasonDialog) and FULL in _error(r)
        assert r.app.screen.query_one("#reason").value == "bukan jalan kota"  # type: ignore[attr-defined]
        session.room = None
        await r.press("enter")
        assert not isinstance(r.app.screen, ReasonDialog) and len(session.outbox_entries) == 1


async def test_an_outbox_edit_on_a_full_disk_gives_the_edited_text_back() -> None:
    session = _assigned()
    async with running(session) as r:
        await r.press("c")
        await r.type("catatan lama")
        await r.press("ctrl+s")
        await r.press("o")
        assert isinstance(r.app.screen, OutboxScreen)
        session.room = 0
        await r.press("e")
        await r.type(" ditambah")
        await r.press("ctrl+s")
        assert isinstance(r.app.screen, ComposeDialog) and FULL in _error(r)
        assert "ditambah" in r.app.screen.query_one("#body").text  # type: ignore[attr-defined]
        assert session.outbox_entries[0].details.get("text") == "catatan lama"
        session.room = None
        await r.press("ctrl+s")
        assert "ditambah" in session.outbox_entries[0].details.get("text", "")


async def test_without_a_log_file_the_app_opens_and_says_it_runs_without_one() -> None:
    async with running(log_problem="[Errno 28] No space left on device") as r:
        assert r.app.screen.query_one("InboxList") is not None
        assert _said(r, "Berkas log tidak bisa ditulis ([Errno 28] No space left on device)")
    async with running() as r:
        assert not _said(r, "Berkas log")
