"""Set a complaint's visibility (coordinator): public, *anonim* (reporter hidden) or *rahasia* (the whole
report hidden from the public), with a required reason."""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from sambat_tui.domain.model import Visibility
from sambat_tui.ui.dialogs.pick_reason import PickWithReason
from sambat_tui.ui.dialogs.send_cancel import send_cancel_row
from sambat_tui.ui.i18n import label, t
from sambat_tui.ui.widgets.ordered_fields import OrderedInput

_ORDER = (Visibility.PUBLIC, Visibility.ANONIM, Visibility.RAHASIA)


@dataclass(frozen=True)
class VisibilityPicked:
    visibility: Visibility
    reason: str


class VisibilityDialog(PickWithReason[VisibilityPicked]):
    LIST_ID = "visibilities"

    def __init__(
        self, what: str, *, chosen: VisibilityPicked | None = None, error: str | None = None
    ) -> None:
        super().__init__(classes="dialog")
        self._what = what
        self._chosen = chosen
        self._error = error

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-box"):
            yield Static(Text(t("visibility_dialog.title", target=self._what)), classes="dialog-title")
            options = []
            for value in _ORDER:
                prompt = Text(label(value).ljust(10), "bold")
                prompt.append(t(f"visibility_hint.{value.value}"))
                options.append(Option(prompt, id=value.value))
            yield OptionList(*options, id="visibilities")
            yield Static(Text(t("visibility_dialog.reason")), classes="dialog-label")
            reason = OrderedInput(self._chosen.reason if self._chosen else "", id="reason")
            reason.cursor_blink = False  # a blinking cursor repaints twice a second: bytes on a slow link
            yield reason
            yield Static(Text(self._error or ""), id="error", classes="dialog-error")
            yield send_cancel_row()

    def on_mount(self) -> None:
        listing = self.query_one("#visibilities", OptionList)
        listing.highlighted = _ORDER.index(self._chosen.visibility) if self._chosen else 1
        self.query_one("#reason", Input).focus()

    @property
    def picked(self) -> Visibility:
        index = self.query_one("#visibilities", OptionList).highlighted
        return _ORDER[index if index is not None else 0]

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_submit()

    def action_submit(self) -> None:
        reason = self.reason()
        if reason is not None:
            self.dismiss(VisibilityPicked(self.picked, reason))
