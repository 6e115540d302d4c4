"""The line under a dialog that says how to send and how to cancel, with the keys as the user mapped them."""

from __future__ import annotations

from rich.text import Text
from textual.screen import Screen
from textual.widgets import Static

from sambat_tui.ui.i18n import t
from sambat_tui.ui.keys import key_display


class DialogHint(Static):
    def on_mount(self) -> None:
        self.update(self.text_for(self.screen))

    @staticmethod
    def text_for(screen: Screen[object]) -> Text:
        keys: dict[str, str] = {}
        for key, active in screen.active_bindings.items():
            ident = active.binding.id
            if ident in ("submit", "cancel") and ident not in keys:
                keys[ident] = key_display(key)
        parts = [f"{keys[i]} {t(f'key.{i}')}" for i in ("submit", "cancel") if i in keys]
        return Text(" · ".join(parts), style="dim")
