"""Every key of the inbox, driven through Pilot on the in-memory session."""

from __future__ import annotations

import asyncio
import threading
from itertools import pairwise

from textual.widgets import Input

from sambat_tui.domain.model import Action, Role, Status
from sambat_tui.domain.transitions import allowed_actions
from sambat_tui.services.inbox import Sort
from sambat_tui.ui.i18n import t
from sambat_tui.ui.widgets.key_bar import KeyBar
from sambat_tui.ui.widgets.status_bar import StatusBar
from sambat_tui.ui.widgets.tabs_bar import TabsBar
from tests.ui.fakes import FakeSession, assigned_session, make_records
from tests.ui.harness import running


def _working() -> FakeSession:
    return assigned_session(120)


def _refs(
    session: FakeSession, tab: str = "baru", sort: Sort = Sort.DUE, descending: bool = False
) -> list[str]:
    return [r.public_ref for r in session.inbox.first(tab, "", sort, descending, 10_000).rows]


async def test_moving_keys_walk_the_list_in_order() -> None:
    async with running() as r:
        refs = _refs(r.session)
        assert r.cursor_ref() == refs[0]
        await r.press("j", "j", "down")
        assert r.cursor_ref() == refs[3]
        await r.press("k", "up")
        assert r.cursor_ref() == refs[1]
        await r.press("G")
        assert r.cursor_ref() == refs[-1]
        await r.press("g")
        assert r.cursor_ref() == refs[0]
        height = r.inbox.listing.window.height  # type: ignore[union-attr]
        await r.press("ctrl+d")
        assert r.cursor_ref() == refs[height // 2]
        await r.press("ctrl+u")
        assert r.cursor_ref() == refs[0]
        await r.press("pagedown")
        assert r.cursor_ref() == refs[height - 1]
        await r.press("pageup")
        assert r.cursor_ref() == refs[0]
        await r.press("end", "home")
        assert r.cursor_ref() == refs[0]


async def test_tab_keys_switch_filters_and_show_counts() -> None:
    async with running() as r:
        tabs = r.app.screen.query_one(TabsBar)
        counts = r.session.inbox.counts()
        assert tabs.counts == counts
        await r.press("tab")
        assert r.inbox.tab_index == 1 and r.cursor_ref() == _refs(r.session, "dikerjakan")[0]
        await r.press("shift+tab", "shift+tab")
        assert r.inbox.tab_index == 4
        await r.press("3")
        assert r.inbox.tab_index == 2
        assert r.cursor_ref() == _refs(r.session, "jatuh_tempo")[0]
        await r.press("9")  # no ninth tab: nothing happens
        assert r.inbox.tab_index == 2


async def test_saved_filters_are_tabs_after_the_builtin_ones() -> None:
    from sambat_tui.services.inbox import Tab

    session = FakeSession(make_records(60))
    session.inbox.saved.append(Tab("klojen", "Klojen saja", "kec:klojen"))
    async with running(session) as r:
        await r.press("6")
        assert r.inbox.tab_index == 5
        rows = r.inbox.listing.window.rows  # type: ignore[union-attr]
        assert rows and all(row.kecamatan == "Klojen" for row in rows)
        assert "Klojen saja" in str(r.app.screen.query_one(TabsBar).render())


async def test_search_filters_and_a_bad_query_shows_an_inline_error() -> None:
    async with running() as r:
        await r.press("5", "slash")
        await r.type("kec:klojen")
        await r.press("enter")
        rows = r.inbox.listing.window.rows  # type: ignore[union-attr]
        assert rows and all(row.kecamatan == "Klojen" for row in rows)
        assert r.inbox.query_text == "kec:klojen"
        before = [row.id for row in rows]
        await r.press("slash", "ctrl+a")
        await r.type("foo:bar")
        await r.press("enter")
        error = r.app.screen.query_one("#search-error")
        assert error.display and "foo" in str(error.render())
        assert r.inbox.query_text == "kec:klojen"  # the last good query still applies
        assert [row.id for row in r.inbox.listing.window.rows] == before  # type: ignore[union-attr]
        await r.press("escape")
        assert not r.app.screen.query_one("#search-box").display


async def test_sort_cycles_due_age_priority_then_reverses() -> None:
    async with running() as r:
        seen = []
        for _ in range(6):
            await r.press("S")
            seen.append((r.inbox.sort, r.inbox.descending))
        assert seen == [
            (Sort.AGE, False),
            (Sort.PRIORITY, False),
            (Sort.DUE, True),
            (Sort.AGE, True),
            (Sort.PRIORITY, True),
            (Sort.DUE, False),
        ]
        await r.press("S")
        assert r.cursor_ref() == _refs(r.session, sort=Sort.AGE)[0]


async def test_take_acts_on_the_cursor_row_and_moves_to_the_next() -> None:
    async with running(_working()) as r:
        refs = _refs(r.session)
        await r.press("j", "t")
        taken = r.session.find(refs[1])
        assert taken is not None and taken.assignee_id == r.session.user_id and taken.pending == 1
        assert len(r.session.outbox_entries) == 1
        assert r.cursor_ref() == refs[2]
        bar = r.app.screen.query_one(StatusBar)
        assert bar.state.pending == 1


async def test_marks_make_a_bulk_action_and_are_cleared_after() -> None:
    async with running(_working()) as r:
        refs = _refs(r.session)
        await r.press("space", "space", "j", "space")  # marks rows 0, 1 and 3
        assert len(r.inbox.listing.marked) == 3
        await r.press("t")
        for ref in (refs[0], refs[1], refs[3]):
            record = r.session.find(ref)
            assert record is not None and record.assignee_id == r.session.user_id
        assert r.session.find(refs[2]).pending == 0  # type: ignore[union-attr]
        assert not r.inbox.listing.marked


async def test_mark_all_marks_the_visible_rows_and_escape_clears() -> None:
    async with running() as r:
        await r.press("asterisk")
        visible = {row.id for row in r.inbox.listing.visible_rows()}
        assert r.inbox.listing.marked == visible and len(visible) > 5
        await r.press("escape")
        assert not r.inbox.listing.marked


async def test_status_picker_offers_only_allowed_changes_and_applies_one() -> None:
    async with running() as r:
        refs = _refs(r.session)
        record = r.session.find(refs[0])
        assert record is not None
        record.status = Status.ASSIGNED
        await r.press("s")
        picker = r.app.screen
        assert [a.value for a in picker.actions] == ["start", "hold", "respond", "return"]  # type: ignore[attr-defined]
        await r.press("enter")  # the first: start
        assert record.status is Status.IN_PROGRESS


async def test_respond_with_a_canned_response_sends_and_moves_to_responded() -> None:
    async with running() as r:
        refs = _refs(r.session)
        record = r.session.find(refs[0])
        assert record is not None
        record.status = Status.IN_PROGRESS
        await r.press("r")
        await r.press("ctrl+s")  # empty: refused, the dialog stays
        assert "kosong" in str(r.app.screen.query_one("#error").render())
        await r.pilot.click("#templates")
        await r.press("enter")
        await r.press("ctrl+s")
        assert record.status is Status.RESPONDED
        responses = [e for e in record.timeline if e.subkind == "public_response" and e.pending]
        assert responses and refs[0] in responses[0].body


async def test_note_with_a_status_change() -> None:
    async with running(_working()) as r:
        refs = _refs(r.session)
        record = r.session.find(refs[0])
        assert record is not None and record.status is Status.ASSIGNED
        await r.press("c")
        await r.type("cek lokasi")
        r.app.screen.query_one("#then").value = Action.HOLD.value  # type: ignore[attr-defined]
        await r.press("ctrl+s")
        notes = [e for e in record.timeline if e.subkind == "internal_note" and e.pending]
        assert notes and notes[0].body == "cek lokasi" and not notes[0].public
        assert record.status is Status.ON_HOLD


async def test_return_needs_a_reason() -> None:
    async with running(_working()) as r:
        refs = _refs(r.session)
        record = r.session.find(refs[0])
        assert record is not None
        await r.press("b", "enter")
        assert "wajib" in str(r.app.screen.query_one("#error").render())
        assert record.status is Status.ASSIGNED
        await r.type("urusan provinsi")
        await r.press("enter")
        assert record.status is Status.RETURNED
        assert r.session.outbox_entries[-1].summary == "return"


async def test_cancelled_dialogs_change_nothing() -> None:
    async with running() as r:
        for key in ("s", "r", "c", "b"):
            await r.press(key, "escape")
        assert not r.session.outbox_entries


async def test_copy_reference_and_preview() -> None:
    async with running() as r:
        refs = _refs(r.session)
        await r.press("y")
        assert r.app.clipboard == refs[0]
        preview = r.app.screen.query_one("#preview")
        assert not preview.display
        await r.press("p")
        await r.pilot.pause(0.3)
        assert preview.display and preview.shown_ref == refs[0]  # type: ignore[attr-defined]
        await r.press("j")
        await r.pilot.pause(0.3)
        assert preview.shown_ref == refs[1]  # type: ignore[attr-defined]


async def test_read_only_removes_every_mutating_key() -> None:
    session = FakeSession(make_records(40), read_only=True)
    async with running(session, read_only=True) as r:
        for key in ("t", "s", "r", "c", "b"):
            await r.press(key)
        assert not r.session.outbox_entries
        assert r.app.screen is r.inbox  # no dialog opened
        shown = {b.binding.action for b in r.app.screen.active_bindings.values()}
        assert not shown & {"take", "status", "respond", "note", "return"}
        assert r.app.screen.query_one(StatusBar).state.read_only


async def test_a_role_that_may_not_act_sees_the_keys_dimmed() -> None:
    async with running(role=Role.AUDITOR) as r:
        active = {b.binding.action: b.enabled for b in r.app.screen.active_bindings.values()}
        assert active["take"] is False and active["respond"] is False and active["note"] is False
        await r.press("t")
        assert not r.session.outbox_entries


async def test_before_the_first_sync_the_role_is_unknown_and_acting_keys_are_dim() -> None:
    session = FakeSession(make_records(40), signed_in=False)
    async with running(session) as r:
        active = {b.binding.action: b.enabled for b in r.app.screen.active_bindings.values()}
        assert active["take"] is False
        assert r.app.screen.query_one(StatusBar).state.user is None


async def test_keys_follow_the_config_key_map() -> None:
    async with running(_working(), keymap={"take": "T", "move_down": "n"}) as r:
        refs = _refs(r.session)
        await r.press("n")
        assert r.cursor_ref() == refs[1]
        await r.press("t")
        assert not r.session.outbox_entries
        await r.press("T")
        assert len(r.session.outbox_entries) == 1


async def test_a_text_the_services_refuse_comes_back_to_the_dialog() -> None:
    from sambat_tui.services.actions import TextRefused
    from sambat_tui.ui.dialogs.compose import ComposeDialog
    from sambat_tui.ui.dialogs.reason import ReasonDialog

    session = _working()
    real_note = session.actions.note
    real_return = session.actions.return_

    def picky_note(complaint_id: str, body: str) -> object:
        if len(body) < 5:
            raise TextRefused("teks terlalu pendek / text too short")
        return real_note(complaint_id, body)

    def picky_return(complaint_id: str, reason: str) -> object:
        if "\ud800" in reason or len(reason) < 5:
            raise TextRefused("alasan terlalu pendek / reason too short")
        return real_return(complaint_id, reason)

    session.actions.note = picky_note  # type: ignore[method-assign,assignment]
    session.actions.return_ = picky_return  # type: ignore[method-assign,assignment]
    async with running(session) as r:
        await r.press("c")
        await r.type("abc")
        await r.press("ctrl+s")
        dialog = r.app.screen
        assert isinstance(dialog, ComposeDialog)
        assert "terlalu pendek" in str(dialog.query_one("#error").visual)  # type: ignore[attr-defined]
        assert dialog.query_one("#body").text == "abc"  # type: ignore[attr-defined]
        await r.type("defg")
        await r.press("ctrl+s")
        assert not isinstance(r.app.screen, ComposeDialog) and len(session.outbox_entries) == 1
        await r.press("b")
        await r.type("no")
        await r.press("enter")
        assert isinstance(r.app.screen, ReasonDialog)
        assert r.app.screen.query_one("#reason").value == "no"  # type: ignore[attr-defined]
        await r.type(" wewenang")
        await r.press("enter")
        assert len(session.outbox_entries) == 2


async def test_a_slow_tab_count_runs_in_a_thread_and_the_badges_follow() -> None:
    # A million cached complaints take ~0.2 s to count: after an action the keys must not wait for it.
    async with running(_working()) as r:
        refs = _refs(r.session)
        counted_in: list[bool] = []
        entered, release = threading.Event(), threading.Event()
        fresh = r.session.inbox.counts

        def slow_counts() -> dict[str, int]:
            counted_in.append(threading.current_thread() is threading.main_thread())
            entered.set()
            release.wait(10)
            return {**fresh(), "baru": 999}  # unmistakable when it lands

        r.session.inbox.counts = slow_counts  # type: ignore[method-assign]
        r.inbox._count_seconds = 1.0  # the last count was slow
        await r.press("t")
        assert await asyncio.to_thread(entered.wait, 10), "the action did not ask for new counts"
        assert counted_in == [False], "the slow count ran on the UI's thread"
        await r.press("j")  # keys go on while the count runs
        assert r.cursor_ref() == refs[2]
        tabs = r.app.screen.query_one(TabsBar)
        assert tabs.counts.get("baru") != 999, "the badges changed before the count finished"
        release.set()
        await r.app.workers.wait_for_complete()
        await r.pilot.pause()
        assert tabs.counts == {**fresh(), "baru": 999}


async def test_keys_typed_ahead_after_slash_go_into_the_search_field() -> None:
    """Over SSH "/kec:klojen⏎" arrives in one packet: every key after "/" belongs to the search field (were
    the focus to move later, "c" would open a note and "o" the outbox)."""
    async with running() as r:
        await r.burst("/", *"kec:klojen", "enter")
        assert r.app.screen is r.inbox
        assert r.inbox.query_text == "kec:klojen"
        rows = r.inbox.listing.window.rows  # type: ignore[union-attr]
        assert rows and all(row.kecamatan == "Klojen" for row in rows)
        # In the field itself "/" is text, not the key that opens it.
        await r.press("slash", "ctrl+u")
        await r.type("rt-05/rw-03")
        assert r.app.screen.query_one("#search", Input).value == "rt-05/rw-03"


async def test_a_new_theme_or_language_reaches_the_rows_already_drawn() -> None:
    """The list keeps its styles and labels between paints: a theme or language change must still show."""
    async with running() as r:
        listing = r.inbox.listing
        row = listing.render_line(1)
        r.app.set_theme("light")
        await r.pilot.pause()
        light = listing.render_line(1)
        assert light.text == row.text
        assert [s.style for s in light] != [s.style for s in row]
        status = r.inbox.listing.current.status  # type: ignore[union-attr]
        indonesian = t(f"status_short.{status.value}")
        assert indonesian in light.text
        r.app.set_app_language("en")
        await r.pilot.pause()
        english = t(f"status_short.{status.value}")
        assert english != indonesian
        assert english in listing.render_line(1).text


async def test_the_duplicates_key_is_hidden_for_an_operator() -> None:
    # (A supervisor's u opens the view: tests/ui/test_supervisor_screens.py.)
    async with running() as r:
        assert r.inbox.check_action("duplicates", ()) is False
        await r.press("u")
        assert r.app.screen is r.inbox  # nothing opens, no "not for your role" notice either
        assert not list(r.app._notifications)


async def test_a_move_rereads_the_key_states_only_when_the_rows_status_changes() -> None:
    session = _working()
    async with running(session) as r:
        bar = r.inbox.query_one(KeyBar)
        reads: list[str] = []
        wanted = KeyBar._wanted

        def counted(screen: object) -> list[tuple[str, str, bool]]:
            reads.append(r.cursor_ref() or "")
            return wanted(screen)  # type: ignore[arg-type]

        bar._wanted = counted  # type: ignore[method-assign,assignment]
        statuses = [row.status for row in r.inbox.listing.window.rows[:6]]  # type: ignore[union-attr]
        assert set(statuses) == {Status.ASSIGNED}, statuses  # "Baru", every new one assigned
        await r.press("j", "j", "j")
        assert reads == []  # the same status: the bar shows the right states already
        await r.press("5")  # "Semua"
        reads.clear()
        rows = r.inbox.listing.window.rows  # type: ignore[union-attr]
        changes = sum(a.status != b.status for a, b in pairwise(rows[:9]))
        assert changes, [row.status for row in rows[:9]]
        await r.press(*["j"] * 8)
        assert len(reads) == changes
        enabled = {description: on for _, description, on in bar.shown()}
        row = r.inbox.listing.current
        assert row is not None
        may_take = Action.TAKE in allowed_actions(row.status, frozenset({Role.OPERATOR}))
        assert enabled["key.take"] is may_take  # right for the row the cursor is on


async def test_under_a_dialog_the_key_bar_dims_every_key_and_comes_back_after() -> None:
    async with running(_working()) as r:
        bar = r.inbox.query_one(KeyBar)

        def styles() -> set[object]:
            return {segment.style for segment in bar.render_line(0) if segment.text.strip()}

        before = styles()
        assert len(before) > 1  # keys, labels and a dimmed key or two
        await r.press("c")
        assert bar.covered and len(styles()) == 1  # none works under the dialog: all drawn dimmed
        await r.press("escape")
        assert not bar.covered and styles() == before
