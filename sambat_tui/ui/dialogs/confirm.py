"""Yes or no before anything that cannot be undone (discard a queued change, quit with unsent work)."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from sambat_tui.ui.i18n import t
from sambat_tui.ui.stylesheets import SCREENS_CSS


class ConfirmDialog(ModalScreen[bool]):
    """Answers True for yes. ``y``/``n`` answer at once; ``escape`` is no; the safe button has the focus."""

    CSS_PATH = SCREENS_CSS

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y", "answer(True)", "confirm.yes", show=False, id="confirm_yes"),
        Binding("n,escape", "answer(False)", "confirm.no", show=False, id="confirm_no"),
    ]

    def __init__(self, title: str, body: str, *, yes: str | None = None, danger: bool = False) -> None:
        super().__init__(classes="dialog")
        self._title = title
        self._body = body
        self._yes = yes
        self._danger = danger

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-box"):
            yield Static(Text(self._title), classes="dialog-title")
            yield Static(Text(self._body), classes="dialog-body")
            with Horizontal(classes="dialog-buttons"):
                yield Button(
                    self._yes or t("confirm.yes"), id="yes", variant="error" if self._danger else "primary"
                )
                yield Button(t("confirm.no"), id="no")

    def on_mount(self) -> None:
        self.query_one("#no", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(event.button.id == "yes")

    def action_answer(self, answer: bool) -> None:
        self.dismiss(answer)
