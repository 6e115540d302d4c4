"""Starting the app on the in-memory session for Pilot tests."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

from textual.pilot import Pilot

from sambat_tui.domain.model import Role
from sambat_tui.ui.app import SambatApp
from sambat_tui.ui.ports import AppOptions
from sambat_tui.ui.screens.inbox import InboxScreen
from tests.ui.fakes import NOW, FakeSession, make_records

_CHARACTERS = {"enter": "\r", "backspace": "\x7f", "ctrl+u": "\x15", "escape": "\x1b"}
"""What the terminal sends for the named keys the tests type."""


@dataclass
class Running:
    app: SambatApp
    pilot: Pilot[None]
    session: FakeSession

    @property
    def inbox(self) -> InboxScreen:
        for screen in self.app.screen_stack:
            if isinstance(screen, InboxScreen):
                return screen
        raise AssertionError("no inbox screen")

    async def press(self, *keys: str) -> None:
        await self.pilot.press(*keys)
        await self.pilot.pause()

    async def type(self, text: str) -> None:
        from textual.keys import _character_to_key

        await self.press(*(_character_to_key(c) for c in text))

    async def burst(self, *keys: str) -> None:
        """Send keys as the terminal driver does when they arrive together (one SSH packet): no wait between
        them, unlike ``press``, which waits for the app to go idle after each key and so hides races."""
        for key in keys:
            self.burst_one(key)
        await self.settled()

    async def settled(self) -> None:
        """Wait until the app has routed every key it holds (ui/keys_in_order.py) and the widgets are idle."""
        for _ in range(200):
            await self.pilot.pause()
            if not self.app._held and self.app.keys_settled():
                break
        await self.pilot.pause()

    def burst_one(self, key: str) -> None:
        """Hand one key to the app as the terminal driver does, without waiting for it to be handled."""
        from textual import events
        from textual.keys import _character_to_key

        driver = self.app._driver
        assert driver is not None
        name = _character_to_key(key) if len(key) == 1 else key
        char = key if len(key) == 1 else _CHARACTERS.get(key)
        event = events.Key(name, char)
        event.set_sender(self.app)
        driver.send_message(event)

    async def trickle(self, gap: float, *keys: str) -> None:
        """Send keys ``gap`` seconds apart, as a slow link delivers a word typed ahead: each one arrives while
        the keys before it may still be on their way through the app. A gap of 0 is ``burst``."""
        if not gap:
            await self.burst(*keys)
            return
        for key in keys:
            self.burst_one(key)
            await asyncio.sleep(gap)
        await self.settled()

    def cursor_ref(self) -> str | None:
        row = self.inbox.listing.current
        return row.public_ref if row else None


@asynccontextmanager
async def running(
    session: FakeSession | None = None,
    *,
    size: tuple[int, int] = (120, 36),
    role: Role = Role.OPERATOR,
    records: int = 120,
    **options: object,
) -> AsyncIterator[Running]:
    session = session or FakeSession(make_records(records), role=role)
    settings = {"sync_interval_seconds": 0, **options}
    app = SambatApp(lambda: session, AppOptions(**settings), now=lambda: NOW)  # type: ignore[arg-type]
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        yield Running(app, pilot, session)


def record_drawn_rows(listing: Any) -> list[str]:
    """The ids of the rows ``listing`` draws from now on (each call of its row drawing)."""
    drawn: list[str] = []
    row_strip = listing._row_strip

    def counted(row: Any, *args: Any) -> Any:
        drawn.append(row.id)
        return row_strip(row, *args)

    listing._row_strip = counted
    return drawn
