"""Shown instead of the inbox when the data cannot be opened: why, and the keys to quit."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Static

from sambat_tui.ui.i18n import t
from sambat_tui.ui.widgets.key_bar import KeyBar
from sambat_tui.ui.widgets.status_bar import StatusBar


class LoadingScreen(Screen[None]):
    def __init__(self, message: str | None = None, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._message = message

    def compose(self) -> ComposeResult:
        yield Static(Text(self._message or t("app.loading")), id="loading-message")
        yield StatusBar(id="status-bar")
        yield KeyBar(id="key-bar")

    def show_error(self, message: str) -> None:
        self.query_one("#loading-message", Static).update(Text(message))
