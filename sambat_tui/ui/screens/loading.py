"""What shows in the first frame, before the data is open: the app's name and a status line."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Static

from sambat_tui.ui.i18n import t
from sambat_tui.ui.widgets.key_bar import KeyBar
from sambat_tui.ui.widgets.status_bar import StatusBar


class LoadingScreen(Screen[None]):
    def compose(self) -> ComposeResult:
        yield Static(Text(t("app.loading")), id="loading-message")
        yield StatusBar(id="status-bar")
        yield KeyBar(id="key-bar")

    def show_error(self, message: str) -> None:
        self.query_one("#loading-message", Static).update(Text(message))
