"""Keys that arrive together (one SSH packet) are applied in the order they were typed, in every text field.

``Running.burst`` sends them as the terminal driver does, without waiting between keys.
"""

from __future__ import annotations

from textual.widgets import Input, TextArea

from tests.ui.harness import running


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
