"""Help: the keys, generated from the one key table (with the user's remaps), the focused screen's first."""

from __future__ import annotations

from collections.abc import Mapping
from typing import ClassVar

from rich.cells import set_cell_size
from rich.style import Style
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from sambat_tui.ui.i18n import t
from sambat_tui.ui.keys import KEYS, Scope, effective_keys, keys_display

_KEY_WIDTH = 14


def help_text(
    first: Scope, keymap: Mapping[str, str], state: Mapping[str, bool | None], read_only: bool
) -> Text:
    """The key table as text: one block per scope, ``first`` on top, the app's keys next, dialogs last.

    ``state`` holds ``check_action``'s answer per action of the screen below: False (removed, e.g. in
    read-only mode) leaves the key out, None marks it as not available now.
    """
    order = [first, Scope.APP, *[s for s in Scope if s not in (first, Scope.APP, Scope.DIALOG)], Scope.DIALOG]
    text = Text()
    seen_tab_n = False
    for scope in order:
        specs = [s for s in KEYS if s.scope is scope and not (read_only and s.mutating)]
        if not specs:
            continue
        if text:
            text.append("\n\n")
        text.append(t(f"help.scope.{scope.value}"), Style(bold=True, underline=True))
        for spec in specs:
            if spec.description == "tab_n":
                if seen_tab_n:
                    continue
                seen_tab_n = True
                keys = "1…9"
            else:
                keys = keys_display(effective_keys(spec, keymap))
            text.append("\n  ")
            text.append(set_cell_size(keys, _KEY_WIDTH), Style(bold=True))
            text.append(t(spec.label_key))
            if scope is first and state.get(spec.action, True) is None:
                text.append("  " + t("help.disabled"), Style(dim=True, italic=True))
    return text


class HelpScreen(ModalScreen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,question_mark,f1", "close", "key.back", id="help_close"),
        Binding("j,down", "scroll(1)", "key.scroll_down", show=False, id="help_down"),
        Binding("k,up", "scroll(-1)", "key.scroll_up", show=False, id="help_up"),
    ]

    def __init__(self, text: Text) -> None:
        super().__init__(classes="dialog")
        self._text = text

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog-box help-box", id="help-scroll"):
            yield Static(Text(t("help.title")), classes="dialog-title")
            yield Static(self._text, id="help-keys")

    def action_close(self) -> None:
        self.dismiss(None)

    def action_scroll(self, lines: int) -> None:
        scroll = self.query_one("#help-scroll", VerticalScroll)
        scroll.scroll_relative(y=lines, animate=False)


def scope_of(screen: object) -> Scope:
    """The key scope of a screen (its ``SCOPE``), the app's for any other."""
    scope = getattr(screen, "SCOPE", Scope.APP)
    return scope if isinstance(scope, Scope) else Scope.APP
