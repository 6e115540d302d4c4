"""One line of the keys the screen offers now, translated; dimmed when a role or state cannot use them.

Textual's ``Footer`` mounts a widget per key and recomposes on every binding change; this draws one line
and repaints only when its text changes, which matters on a slow link.
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.screen import Screen
from textual.widget import Widget

from sambat_tui.ui.i18n import t
from sambat_tui.ui.keys import key_display


class KeyBar(Widget):
    DEFAULT_CSS = """
    KeyBar { height: 1; }
    """

    COMPONENT_CLASSES: ClassVar[set[str]] = {"key-bar--key", "key-bar--disabled"}

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._shown: tuple[tuple[str, str, bool], ...] = ()

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)
        self._bindings_changed(self.screen)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def _bindings_changed(self, screen: Screen[object]) -> None:
        if screen is not self.screen:
            return
        seen: set[str] = set()
        shown: list[tuple[str, str, bool]] = []
        for key, active in screen.active_bindings.items():
            binding = active.binding
            if not binding.show:
                continue
            ident = binding.id or binding.action
            if ident in seen:
                continue
            seen.add(ident)
            shown.append((key_display(key), binding.description, active.enabled))
        if tuple(shown) != self._shown:
            self._shown = tuple(shown)
            self.refresh()

    def relabel(self) -> None:
        self.refresh()

    def render(self) -> Text:
        key_style = self.get_component_rich_style("key-bar--key", partial=True)
        off_style = self.get_component_rich_style("key-bar--disabled", partial=True)
        text = Text(no_wrap=True, overflow="ellipsis", end="")
        # Two style runs per key (the key, then its label with the gap after it): each run costs an escape
        # sequence on the wire, and this line is redrawn whenever a key becomes available or not.
        for index, (key, description, enabled) in enumerate(self._shown):
            gap = "  " if index + 1 < len(self._shown) else ""
            if enabled:
                text.append(key, key_style)
                text.append(f" {t(description)}{gap}")
            else:
                text.append(f"{key} {t(description)}{gap}", off_style)
        return text
