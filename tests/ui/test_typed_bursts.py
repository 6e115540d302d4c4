"""Keys that arrive together (one SSH packet) are applied in the order they were typed, in every text field.

``Running.burst`` sends them as the terminal driver does, without waiting between keys.
"""

from __future__ import annotations

import pytest
from textual import events
from textual.command import CommandPalette
from textual.widgets import Input, TextArea

from tests.ui.harness import record_drawn_rows, running


async def test_editing_keys_keep_their_place_in_the_search_field() -> None:
    async with running() as r:
        await r.burst("/", "a", "b", "backspace", "c")
        field = r.app.screen.query_one("#search", Input)
        assert field.value == "ac"
        # Clearing the field and typing a new search in one go: the clearing must not eat the new words.
        await r.burst("ctrl+u", *"kec:klojen", "enter")
        assert r.inbox.query_text == "kec:klojen"
        rows = r.inbox.listing.window.rows  # type: ignore[union-attr]
        assert rows and all(row.kecamatan == "Klojen" for row in rows)


async def test_editing_keys_keep_their_place_in_the_composer() -> None:
    from sambat_tui.ui.dialogs.compose import ComposeDialog

    async with running() as r:
        await r.press("c")  # an internal note
        assert isinstance(r.app.screen, ComposeDialog)
        area = r.app.screen.query_one("#body", TextArea)
        area.text = ""
        await r.burst(*"Sudah dicek", *["backspace"] * 5, *"survei")
        assert area.text == "Sudah survei"


async def test_a_search_reaches_the_terminal_in_one_frame() -> None:
    """Enter in the search field: the new rows, the field gone and the list's keys back, all in one frame.

    When the focus moved after the rows were loaded, the field's blur and the list's focus were handled
    after the frame of the new rows, and the key bar went out again in a second frame (~30 ms later, ~700
    bytes on the wire), at the end of every search.
    """
    async with running() as r:
        await r.burst("/", *"kec:klojen")
        frames: list[int] = []
        display = r.app._display

        def counted(screen: object, update: object) -> None:
            frames.append(1)
            display(screen, update)  # type: ignore[arg-type]

        r.app._display = counted  # type: ignore[method-assign]
        await r.burst("enter")
        await r.pilot.pause(0.2)
        assert r.inbox.query_text == "kec:klojen"
        assert r.app.focused is r.inbox.listing
        assert len(frames) == 1


async def test_a_key_that_changes_state_repaints_its_own_cells_only() -> None:
    from textual.geometry import Region

    from sambat_tui.ui.i18n import t
    from sambat_tui.ui.widgets.key_bar import KeyBar

    async with running() as r:
        bar = r.inbox.query_one(KeyBar)
        asked: list[tuple[Region, ...]] = []
        refresh = bar.refresh

        def recorded(*regions: Region, **kwargs: bool) -> KeyBar:
            asked.append(regions)
            return refresh(*regions, **kwargs)

        bar.refresh = recorded  # type: ignore[method-assign]
        before = bar.shown()
        for _ in range(40):
            await r.press("j")
            if bar.shown() != before:
                break
        after = bar.shown()
        changed = [(a, b) for a, b in zip(before, after, strict=True) if a != b]
        assert changed, "no row in the fake inbox changes a key's state"
        assert [a[:2] for a, _ in changed] == [b[:2] for _, b in changed]  # same keys, other states
        assert asked and all(regions for regions in asked), "the whole bar was repainted"
        line = bar.render_line(0).text
        for regions in asked:
            for region in regions:
                assert region.height == 1
                cells = line[region.x : region.right]
                assert any(cells == f"{key} {t(description)}" for (key, description, _), _ in changed)


async def test_a_page_down_is_drawn_before_the_rows_after_it_are_fetched() -> None:
    async with running(records=400) as r:
        await r.press("5")  # every complaint
        window = r.inbox.listing.window
        assert window is not None
        events: list[str] = []
        after, display = window.source.after, r.app._display

        def fetch(cursor: object, limit: int) -> object:
            events.append("fetch")
            return after(cursor, limit)

        def frame(screen: object, update: object) -> None:
            events.append("frame")
            display(screen, update)  # type: ignore[arg-type]

        window.source = window.source._replace(after=fetch)  # type: ignore[arg-type]
        r.app._display = frame  # type: ignore[method-assign]
        fetched_after = 0
        for _ in range(12):
            events.clear()
            await r.press("pagedown")
            await r.pilot.pause()
            if "fetch" in events:
                fetched_after += 1
                assert events[0] == "frame", events  # the key's frame went out first
        assert fetched_after >= 3  # the walk did need pages: the check above ran


async def test_the_rows_a_page_down_shows_were_drawn_while_the_app_waited() -> None:
    async with running(records=400) as r:
        await r.press("5")
        listing = r.inbox.listing
        drawn = record_drawn_rows(listing)
        await r.press("pagedown")
        await r.pilot.pause(0.05)  # the wait between two keys: the next screen is drawn ahead
        drawn.clear()
        await r.press("pagedown")
        window = listing.window
        assert window is not None and window.height > 10
        shown = {row.id for row in window.visible()}
        # Only the row under the cursor is drawn anew (it was drawn ahead without the cursor on it).
        assert len(set(drawn) & shown) <= 1, len(set(drawn) & shown)


async def test_g_and_shift_g_paint_screens_drawn_while_the_app_waited() -> None:
    async with running(records=400) as r:
        await r.press("5")
        listing = r.inbox.listing
        await r.press("G")
        await r.press("g")
        await r.pilot.pause(0.05)  # both ends known: their screens are drawn ahead
        drawn = record_drawn_rows(listing)
        for key in ("G", "g", "G"):
            drawn.clear()
            await r.press(key)
            window = listing.window
            assert window is not None
            shown = {row.id for row in window.visible()}
            assert len(shown) > 10
            assert not set(drawn) & shown, (key, len(set(drawn) & shown))  # the frame drew none of them
            await r.pilot.pause(0.05)
        assert window.current is not None and window.current.id == window.rows[-1].id  # at the last row


async def test_the_search_field_says_what_enter_and_esc_do_and_esc_closes_it() -> None:
    from sambat_tui.ui.widgets.key_bar import KeyBar

    async with running() as r:
        await r.press("space", "space")  # two marked rows, for a bulk action after the search
        await r.burst("/", *"kecoa")
        shown = [(key, description) for key, description, _ in r.inbox.query_one(KeyBar).shown()]
        assert ("enter", "key.search_run") in shown and ("esc", "key.search_close") in shown
        await r.press("escape")
        assert not r.inbox.query_one("#search-box").display
        assert r.app.focused is r.inbox.listing
        assert r.inbox.query_text == ""  # closed, not searched
        assert len(r.inbox.listing.marked) == 2  # esc in the field closed it, and only that


# -- keys typed ahead of what the keys before them open or close (ui/keys_in_order.py) ---------------------
# Each runs with the keys all at once (one packet) and a few milliseconds apart (a slow link delivering a
# word typed ahead): before the app routed keys one at a time, the gaps made the keys after ``c`` or after a
# search's ``enter`` run as the inbox list's own keys.

GAPS = [0, 0.0001, 0.001, 0.004]


@pytest.mark.parametrize("gap", GAPS)
async def test_a_second_search_typed_after_enter_searches_its_own_words(gap: float) -> None:
    async with running() as r:
        first = r.cursor_ref()
        await r.trickle(gap, "/", *"kec:klojen", "enter", "/", *"kec:blimbing", "enter")
        assert r.inbox.query_text == "kec:blimbing"
        assert r.app.screen is r.inbox
        assert r.app.focused is r.inbox.listing
        rows = r.inbox.listing.window.rows  # type: ignore[union-attr]
        assert rows and all(row.kecamatan == "Blimbing" for row in rows)
        assert r.session.outbox_entries == [], "letters of the search ran as the list's keys"
        assert first is not None


@pytest.mark.parametrize("gap", GAPS)
async def test_words_typed_after_the_note_key_go_into_the_composer(gap: float) -> None:
    from sambat_tui.ui.dialogs.compose import ComposeDialog

    async with running() as r:
        sort = (r.inbox.sort, r.inbox.descending)
        await r.trickle(gap, "c", *"Sudah dicek")
        assert isinstance(r.app.screen, ComposeDialog)
        assert r.app.screen.query_one("#body", TextArea).text.endswith("Sudah dicek")
        assert (r.inbox.sort, r.inbox.descending) == sort, "S of the note sorted the inbox"
        assert r.session.outbox_entries == []


@pytest.mark.parametrize("gap", GAPS)
async def test_a_key_typed_after_esc_in_the_search_field_moves_the_list(gap: float) -> None:
    async with running() as r:
        rows = [row.public_ref for row in r.inbox.listing.visible_rows()]
        assert r.cursor_ref() == rows[0]
        await r.trickle(gap, "/", *"abc", "escape", "j")
        assert not r.inbox.query_one("#search-box").display
        assert r.app.screen.query_one("#search", Input).value == "abc"
        assert r.cursor_ref() == rows[1]


@pytest.mark.parametrize("gap", GAPS)
async def test_words_typed_after_ctrl_p_go_into_the_command_palette(gap: float) -> None:
    """Textual's own screen, which focuses its field through the app's queue: the words still reach it."""
    async with running() as r:
        await r.trickle(gap, "ctrl+p", *"tema")
        assert isinstance(r.app.screen, CommandPalette)
        assert r.app.screen.query_one(Input).value == "tema"


async def test_a_key_waits_for_a_busy_widget_only_so_long(monkeypatch: pytest.MonkeyPatch) -> None:
    """A widget that never goes idle makes the keys typed after it late, never lost."""
    from sambat_tui.ui import keys_in_order

    async with running() as r:
        rows = [row.public_ref for row in r.inbox.listing.visible_rows()]
        monkeypatch.setattr(keys_in_order, "HOLD_LIMIT", 0.05)
        monkeypatch.setattr(keys_in_order, "busy_up_to_screen", lambda node: True)
        r.burst_one("j")
        r.burst_one("j")
        await r.pilot.pause(0.3)
        monkeypatch.undo()
        await r.settled()
        assert r.cursor_ref() == rows[2]
        assert not r.app._held


async def test_a_closed_dialog_holds_up_no_key() -> None:
    """What a closed dialog's widgets still had queued is never handled: keys must not wait for it."""
    from sambat_tui.ui import keys_in_order

    async with running() as r:
        rows = [row.public_ref for row in r.inbox.listing.visible_rows()]
        await r.press("c")
        area = r.app.screen.query_one("#body", TextArea)
        await r.burst("escape")
        assert r.app.screen is r.inbox
        area._message_queue.put_nowait(events.Idle())  # left behind when its screen closed
        assert keys_in_order.busy(area)
        assert not keys_in_order.busy_up_to_screen(area)
        r.app._on_its_way, r.app._on_its_way_to = events.Key("x", "x"), area  # the key that closed it
        r.burst_one("j")
        await r.pilot.pause()
        assert not r.app._held
        assert r.cursor_ref() == rows[1]
