"""Keys typed ahead reach what the keys before them opened.

Over SSH on a weak link the terminal's keys arrive in clumps, a word or two at a time. Textual routes each key
as it arrives: a priority binding runs at once; any other key goes into the focused widget's queue, and the
app runs its binding only when it comes back up. The keys behind it are routed meanwhile, by the focus as it
is *then*. In a pty, with 1-3 ms between keys:

- after ``c`` (a note), the words meant for the composer went to the inbox list and ran as its keys (``S``
  sorted, ``t`` took a complaint);
- after ``enter`` in the search field, a second ``/`` and its words went into the closing field, or ran as
  the list's keys once it had closed.

So the app routes the terminal's keys one at a time. A key waits while the key before it is still on its way
(in a widget's queue, or back in the app's for its binding), and while the widgets it would go to have
messages to handle (a dialog still mounting, a submitted search moving the focus). Keys typed with pauses
between them, as at a local keyboard, never wait: all of that is done by the time the next one comes. No key
waits longer than ``HOLD_LIMIT``: a widget that is never idle makes keys late, never lost.
"""

from __future__ import annotations

import asyncio
from collections import deque
from time import monotonic
from typing import TYPE_CHECKING, Any

from textual import events
from textual.screen import Screen

if TYPE_CHECKING:
    from textual.app import App
    from textual.message import Message
    from textual.message_pump import MessagePump

    _AppBase = App[None]
else:
    _AppBase = object

HOLD_LIMIT = 1.0
"""Seconds a typed key waits at most for the widgets before it to settle."""


def busy(pump: MessagePump) -> bool:
    """Whether ``pump`` has messages waiting. (One being handled is not seen, but it is handled on this same
    loop: unless its handler waits on something, it is done before this runs.)"""
    return pump.message_queue_size > 0


def busy_up_to_screen(node: MessagePump | None) -> bool:
    """Whether ``node`` or a parent of it, up to its screen, has a message to handle: where a key given to
    ``node`` is handled, or bubbles on its way back to the app."""
    if node is None or not node.is_attached:
        return False  # removed (a dialog closed by that key): what its queue still holds is never handled
    while node is not None:
        if busy(node):
            return True
        if isinstance(node, Screen):
            return False
        node = node._parent
    return False


class KeysInOrder(_AppBase):
    """Mixed into the app, before ``App``: the terminal's keys are routed one at a time (module docstring)."""

    # Class defaults: Textual posts messages to the app while it is still being built.
    _held_since = 0.0
    _draining = False
    _on_its_way: events.Key | None = None
    _on_its_way_to: MessagePump | None = None
    _back_in_app = False

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self._held: deque[events.Event] = deque()
        super().__init__(*args, **kwargs)

    def post_message(self, message: Message) -> bool:
        # A key bubbling back up for its binding is posted to the app: until the app has run that binding,
        # the keys behind it wait. (Called from the driver's thread too: one comparison, no state read else.)
        if message is self._on_its_way:
            self._back_in_app = True
        return super().post_message(message)

    async def on_event(self, event: events.Event) -> None:
        typed = isinstance(event, (events.Key, events.Paste)) and not event.is_forwarded
        if typed and (self._held or not self.keys_settled()):
            if not self._held:
                self._held_since = monotonic()
            self._held.append(event)
            self._drain_later()
            return
        if typed:
            await self._route(event)
            return
        await super().on_event(event)
        if event is self._on_its_way:
            self._on_its_way = self._on_its_way_to = None  # back up, and its binding (if any) has run
            self._back_in_app = False

    def keys_settled(self) -> bool:
        """Whether a key typed now would be routed as if typed after a pause."""
        if self._on_its_way is not None:
            if self._back_in_app or busy_up_to_screen(self._on_its_way_to):
                return False
            self._on_its_way = self._on_its_way_to = None  # a widget took it, nothing is left to run
        return not busy_up_to_screen(self.focused or self.screen)

    async def _route(self, event: events.Event) -> None:
        target = self.focused or self.screen
        await super().on_event(event)
        if isinstance(event, events.Key) and event.is_forwarded:
            self._on_its_way, self._on_its_way_to = event, target

    def _drain_later(self) -> None:
        if not self._draining:
            self._draining = True
            self.call_later(self._drain)

    async def _drain(self) -> None:
        """Route the held keys that may go now; look again (behind what the app has queued) for the rest."""
        self._draining = False
        while self._held:
            if not self.keys_settled() and monotonic() - self._held_since < HOLD_LIMIT:
                if not self._back_in_app:
                    await asyncio.sleep(0)  # the widgets' tasks run; the app's queue waits for this
                self._drain_later()
                return
            await self._route(self._held.popleft())
            self._held_since = monotonic()
