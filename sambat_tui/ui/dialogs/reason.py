"""Ask for the reason an action requires: return as "bukan wewenang", archive.

The reason is required; an empty one is refused inline and the dialog stays open.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Input, Static

from sambat_tui.ui.dialogs.send_cancel import SendOrCancel, send_cancel_row
from sambat_tui.ui.i18n import t
from sambat_tui.ui.keys import Scope, bindings
from sambat_tui.ui.widgets.ordered_fields import OrderedInput


class ReasonDialog(SendOrCancel[str]):
    BINDINGS = bindings(Scope.DIALOG)

    def __init__(
        self,
        title: str,
        prompt: str,
        *,
        reason: str = "",
        error: str | None = None,
        required_message: str | None = None,
    ) -> None:
        super().__init__(classes="dialog")
        self._title = title
        self._prompt = prompt
        self._reason = reason
        self._error = error
        self._required = required_message or t("return.required")

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-box"):
            yield Static(Text(self._title), classes="dialog-title")
            yield Static(Text(self._prompt), classes="dialog-label")
            reason = OrderedInput(self._reason, id="reason")
            reason.cursor_blink = False  # a blinking cursor repaints twice a second: bytes on a slow link
            yield reason
            yield Static(Text(self._error or ""), id="error", classes="dialog-error")
            yield send_cancel_row()

    def on_mount(self) -> None:
        self.query_one("#reason", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_submit()

    def action_submit(self) -> None:
        reason = self.query_one("#reason", Input).value.strip()
        if not reason:
            self.query_one("#error", Static).update(Text(self._required))
            return
        self.dismiss(reason)
