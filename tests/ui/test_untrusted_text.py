"""Text from outside reaches the terminal plain, neutralised and bounded, wherever the UI draws it."""

from __future__ import annotations

import re

from rich.text import Text
from textual.widgets import Static

from sambat_tui.ui.screens.complaint import ComplaintScreen
from sambat_tui.ui.widgets.complaint_view import DESCRIPTION_LIMIT
from sambat_tui.ui.widgets.inbox_list import InboxList
from sambat_tui.ui.widgets.status_bar import StatusBar
from tests.ui.scenarios import BY_NAME, build

# What must never be drawn: C0 controls but newline, DEL, C1, and the bidi controls.
FORBIDDEN = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]")


def _plain(renderable: object) -> str:
    if isinstance(renderable, Text):
        return renderable.plain
    return str(renderable)


async def test_hostile_titles_in_the_list_are_plain_and_neutralised() -> None:
    scenario = BY_NAME["inbox_hostile"]
    app, _session = build(scenario)
    async with app.run_test(size=scenario.size) as pilot:
        await pilot.pause()
        listing = app.screen.query_one(InboxList)
        for _ in range(100):  # a loaded machine may need more than one pause before the first layout
            if listing.size.height > 2:
                break
            await pilot.pause(0.05)
        lines = ["".join(seg.text for seg in listing.render_line(y)) for y in range(listing.size.height)]
        drawn = "\n".join(lines)
        assert "␛[bold]teb" in drawn  # markup shown as text, not applied; the escape marked
        assert re.search(
            r"Jalanx{15,}… ", drawn
        )  # a 10,000-character title is cut to its column, and says so
        assert "PWNED" not in drawn and "cm0gLXJmIH4=" not in drawn
        assert not FORBIDDEN.search(drawn)
        assert all(len(line) <= scenario.size[0] for line in lines)
        assert app.is_running  # a [/bold] title did not raise MarkupError


async def test_the_complaint_screen_bounds_a_200_kb_description() -> None:
    scenario = BY_NAME["complaint_hostile"]
    app, session = build(scenario)
    description = session.records[0].description
    assert len(description) > 200_000
    async with app.run_test(size=scenario.size) as pilot:
        await pilot.pause()
        listing = app.screen.query_one(InboxList)
        assert listing.window is not None
        assert listing.window.move_to_id(session.records[0].id)
        await pilot.press("enter")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ComplaintScreen)
        texts = [_plain(w.visual) for w in screen.query(Static)]
        drawn = "\n".join(texts)
        assert "dipotong" in drawn  # says that the rest was left out
        assert len(drawn) < DESCRIPTION_LIMIT + 20_000
        assert "[red]Ani[/red]" in drawn and "PWNED" not in drawn
        assert not FORBIDDEN.search(drawn)


async def test_a_hostile_user_name_in_the_status_bar_is_neutralised() -> None:
    scenario = BY_NAME["inbox"]
    app, session = build(scenario)
    assert session.identity is not None
    session.identity = session.identity._replace(name="Budi\x1b]0;owned\x07[b]x[/b]")
    async with app.run_test(size=scenario.size) as pilot:
        await pilot.pause()
        bar = app.screen.query_one(StatusBar)
        drawn = _plain(bar.render())
        assert "[b]x[/b]" in drawn and "owned" not in drawn and not FORBIDDEN.search(drawn)
