"""What every dialog that sends something shares: the closing row (key hint, Send, Cancel) and its buttons."""

from __future__ import annotations

from typing import TypeVar

from textual.containers import Horizontal
from textual.screen import ModalScreen
from textual.widgets import Button

from sambat_tui.ui.dialogs.hint import DialogHint
from sambat_tui.ui.i18n import t
from sambat_tui.ui.stylesheets import SCREENS_CSS

_Answer = TypeVar("_Answer")


def send_cancel_row() -> Horizontal:
    return Horizontal(
        DialogHint(classes="dialog-hint-keys"),
        Button(t("compose.send"), id="send", variant="primary"),
        Button(t("confirm.cancel"), id="cancel"),
        classes="dialog-buttons",
    )


class SendOrCancel(ModalScreen[_Answer | None]):
    """A dialog answering with ``_Answer`` on Send (``action_submit``) and with None on Cancel."""

    CSS_PATH = SCREENS_CSS

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "send":
            self.action_submit()
        else:
            self.action_cancel()

    def action_submit(self) -> None:
        raise NotImplementedError

    def action_cancel(self) -> None:
        self.dismiss(None)
