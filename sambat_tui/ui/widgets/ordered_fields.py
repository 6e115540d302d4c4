"""Text fields that apply a burst of keys in the order it was typed.

Textual's ``Input`` and ``TextArea`` insert a printable key in their own key handler, but run their editing
keys (backspace, ``ctrl+u``, arrows, ``enter``) as bindings, which the app resolves only once the key has
come back up to it. Keys that arrive together (over SSH on a slow link they do, a whole word at a time)
are all handed to the field first, so ``ab⌫c`` became ``ab`` — the ``c`` went in before the backspace ran —
and ``ctrl+u`` followed by a new search wiped the new words too. Upstream: Textualize/textual#6605 (open;
a fix is proposed in #6631). Until it lands, these fields run their own bindings as the key reaches them.
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING, Any

from textual import events
from textual.widget import Widget
from textual.widgets import Input

from sambat_tui.ui.keys import Scope, bindings

if TYPE_CHECKING:
    from textual.widgets import TextArea


async def _run_own_binding(field: Widget, event: events.Key) -> bool:
    """Run ``field``'s own (non-priority) binding for the key now; whether one ran."""
    if event.is_printable:
        return False
    for namespace, own in field.screen._modal_binding_chain:
        if namespace is not field:
            continue
        for binding in own.key_to_bindings.get(event.key, ()):
            if not binding.priority and await field.app.run_action(binding.action, field):
                event.stop()
                event.prevent_default()  # neither the field's own handler nor the app runs it again
                return True
        break
    return False


class OrderedInput(Input):
    """An ``Input`` whose editing keys keep their place among the typed characters."""

    async def _on_key(self, event: events.Key) -> None:
        await _run_own_binding(self, event)


class SearchField(OrderedInput):
    """The inbox's search field: ``enter`` searches, ``esc`` closes it, both shown in the key bar."""

    BINDINGS = bindings(Scope.SEARCH)


@cache
def _text_area_class() -> type[TextArea]:
    from textual.widgets import TextArea

    class OrderedTextArea(TextArea):
        """A ``TextArea`` whose editing keys keep their place among the typed characters."""

        async def _on_key(self, event: events.Key) -> None:
            await _run_own_binding(self, event)

    return OrderedTextArea


def ordered_text_area(text: str, **options: Any) -> TextArea:
    """An ``OrderedTextArea``. Made through a function so that ``TextArea`` (with its document machinery,
    ~16 ms) loads with the first composer, not with the inbox, which imports this module before its first
    frame for its search field."""
    return _text_area_class()(text, **options)
