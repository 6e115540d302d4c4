"""Set a complaint's visibility (coordinator): public, *anonim* (reporter hidden) or *rahasia* (the whole
report hidden from the public), with a required reason."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, OptionList, Static
from textual.widgets.option_list import Option

from sambat_tui.domain.model import Visibility
from sambat_tui.ui.dialogs.hint import DialogHint
from sambat_tui.ui.i18n import label, t
from sambat_tui.ui.keys import Scope, bindings

_ORDER = (Visibility.PUBLIC, Visibility.ANONIM, Visibility.RAHASIA)


@dataclass(frozen=True)
class VisibilityPicked:
    visibility: Visibility
    reason: str


class VisibilityDialog(ModalScreen[VisibilityPicked | None]):
    BINDINGS: ClassVar[list[BindingType]] = [*bindings(Scope.DIALOG), *bindings(Scope.PICKER)]

    DEFAULT_CSS = """
    VisibilityDialog #visibilities { height: auto; max-height: 9; border: round $primary; }
    """

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
            reason = Input(self._chosen.reason if self._chosen else "", id="reason")
            reason.cursor_blink = False  # a blinking cursor repaints twice a second: bytes on a slow link
            yield reason
            yield Static(Text(self._error or ""), id="error", classes="dialog-error")
            with Horizontal(classes="dialog-buttons"):
                yield DialogHint(classes="dialog-hint-keys")
                yield Button(t("compose.send"), id="send", variant="primary")
                yield Button(t("confirm.cancel"), id="cancel")

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

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.query_one("#reason", Input).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "send":
            self.action_submit()
        else:
            self.action_cancel()

    def action_pick_down(self) -> None:
        self.query_one("#visibilities", OptionList).action_cursor_down()

    def action_pick_up(self) -> None:
        self.query_one("#visibilities", OptionList).action_cursor_up()

    def action_submit(self) -> None:
        reason = self.query_one("#reason", Input).value.strip()
        if not reason:
            self.query_one("#error", Static).update(Text(t("dispose.reason_required")))
            return
        self.dismiss(VisibilityPicked(self.picked, reason))

    def action_cancel(self) -> None:
        self.dismiss(None)
