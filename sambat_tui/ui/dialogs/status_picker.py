"""Pick the next status: only the transitions this user may make from where the complaints are now."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from sambat_tui.domain.model import Action
from sambat_tui.domain.transitions import TRANSITIONS
from sambat_tui.ui.dialogs.hint import DialogHint
from sambat_tui.ui.flows import offered
from sambat_tui.ui.i18n import label, t
from sambat_tui.ui.keys import Scope, bindings
from sambat_tui.ui.stylesheets import SCREENS_CSS


class StatusPicker(ModalScreen[Action | None]):
    CSS_PATH = SCREENS_CSS
    BINDINGS = bindings(Scope.DIALOG)

    def __init__(self, target: str, allowed: frozenset[Action]) -> None:
        super().__init__(classes="dialog")
        self._target = target
        self.actions = offered(allowed)

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-box"):
            yield Static(Text(t("status.title", target=self._target)), classes="dialog-title")
            if not self.actions:
                yield Static(Text(t("status.none_allowed")), classes="dialog-body")
                return
            options: list[Option] = []
            for action in self.actions:
                rule = TRANSITIONS[action]
                prompt = Text(label(action))
                if rule.target is not None:
                    prompt.append(f"  → {label(rule.target)}", "dim")
                if rule.reason_required:
                    prompt.append("  " + t("status.reason_required"), "italic")
                options.append(Option(prompt, id=action.value))
            yield OptionList(*options, id="actions")
            yield DialogHint(classes="dialog-hint-keys")

    def on_mount(self) -> None:
        if self.actions:
            self.query_one("#actions", OptionList).focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(Action(event.option.id) if event.option.id else None)

    def action_submit(self) -> None:
        if not self.actions:
            self.dismiss(None)
            return
        options = self.query_one("#actions", OptionList)
        index = options.highlighted
        self.dismiss(self.actions[index] if index is not None else None)

    def action_cancel(self) -> None:
        self.dismiss(None)
