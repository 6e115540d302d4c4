"""A dialog that picks one entry of a list and asks why: dispose / reassign, and a complaint's visibility.

The keys, the buttons and the required reason behave the same in both; each dialog says what its list holds
and what it answers with.
"""

from __future__ import annotations

from typing import ClassVar, TypeVar

from rich.text import Text
from textual.binding import BindingType
from textual.widgets import Input, OptionList, Static

from sambat_tui.ui.dialogs.send_cancel import SendOrCancel
from sambat_tui.ui.i18n import t
from sambat_tui.ui.keys import Scope, bindings

_Answer = TypeVar("_Answer")


class PickWithReason(SendOrCancel[_Answer]):
    BINDINGS: ClassVar[list[BindingType]] = [*bindings(Scope.DIALOG), *bindings(Scope.PICKER)]
    LIST_ID: ClassVar[str]
    """The id of the dialog's OptionList."""

    def picker(self) -> OptionList:
        return self.query_one(f"#{self.LIST_ID}", OptionList)

    def reason(self) -> str | None:
        """The reason typed; None, with the error shown and the field focused, while there is none."""
        field = self.query_one("#reason", Input)
        reason = field.value.strip()
        if not reason:
            self.query_one("#error", Static).update(Text(t("dispose.reason_required")))
            self.set_focus(field)
            return None
        return reason

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.query_one("#reason", Input).focus()

    def action_pick_down(self) -> None:
        self.picker().action_cursor_down()

    def action_pick_up(self) -> None:
        self.picker().action_cursor_up()
