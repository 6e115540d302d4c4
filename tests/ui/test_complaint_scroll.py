"""Keys typed right after opening a complaint scroll it: the 30 ``j`` and the ``G`` a person (or a slow
link) sends in one burst after ``enter`` are all applied, not clamped to a body not yet laid out nor merged
into one line by Textual's deferred scroll."""

from __future__ import annotations

from textual import events
from textual.containers import VerticalScroll
from textual.keys import _character_to_key

from sambat_tui.ui.screens.complaint import ComplaintScreen
from tests.ui.fakes import FakeSession, make_records
from tests.ui.harness import Running, running


def _long_session() -> FakeSession:
    session = FakeSession(make_records(20))
    for record in session.records:
        record.description = "\n".join(f"baris {n} dari uraian yang panjang" for n in range(200))
    return session


async def _burst(r: Running, *keys: str) -> None:
    """The keys as a terminal sends them, all at once (Pilot's ``press`` waits for idle after each)."""
    driver = r.app._driver
    assert driver is not None
    for key in keys:
        event = events.Key(_character_to_key(key) if len(key) == 1 else key, key if len(key) == 1 else None)
        event.set_sender(r.app)
        driver.send_message(event)
    for _ in range(3):
        await r.pilot.pause()


def _body(r: Running) -> VerticalScroll:
    assert isinstance(r.app.screen, ComplaintScreen)
    return r.app.screen.query_one("#complaint-body", VerticalScroll)


async def test_thirty_j_sent_with_enter_scroll_thirty_lines_and_g_goes_to_the_end() -> None:
    async with running(_long_session(), size=(80, 24)) as r:
        await _burst(r, "enter", *"j" * 30)
        body = _body(r)
        assert body.max_scroll_y > 60 and body.scroll_y == 30
        await _burst(r, "G")
        assert body.scroll_y == body.max_scroll_y
        await _burst(r, *"k" * 5, "g")
        assert body.scroll_y == 0
        await _burst(r, *"j" * 3, *"k" * 5)  # never above the top
        assert body.scroll_y == 0


async def test_arrow_and_page_keys_add_up_as_well() -> None:
    async with running(_long_session(), size=(80, 24)) as r:
        await _burst(r, "enter", *["down"] * 12, "up", "up")
        body = _body(r)
        assert body.scroll_y == 10
        page = body.scrollable_content_region.height
        await _burst(r, "pagedown", "pagedown", "pageup")
        assert body.scroll_y == 10 + page
        await _burst(r, "end")
        assert body.scroll_y == body.max_scroll_y
        await _burst(r, "home")
        assert body.scroll_y == 0


async def test_keys_pressed_one_by_one_still_scroll_one_line_each() -> None:
    async with running(_long_session(), size=(80, 24)) as r:
        await r.press("enter", "j", "j", "j", "k")
        assert _body(r).scroll_y == 2
        await r.press("end", "k")
        assert _body(r).scroll_y == _body(r).max_scroll_y - 1
