"""Help: the keys, generated from the one key table (with the user's remaps), the focused screen's first.

Help agrees with the key bar and with what a key does: a key whose ``check_action`` answers False (hidden:
read-only mode, a role the key is not for) is not listed, and neither are the views a role cannot open; a
key answering None (dimmed: the role may not, or not on this complaint now) is listed dimmed with a short
reason. Pressing either does nothing, as Textual intends for both.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from typing import TYPE_CHECKING, Any, ClassVar

from rich.cells import set_cell_size
from rich.style import Style
from rich.text import Text
from textual.actions import parse
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from sambat_tui.domain.model import Action, Role, Status
from sambat_tui.domain.transitions import Permission, allowed_actions, has_permission
from sambat_tui.ui.flows import offered
from sambat_tui.ui.i18n import t
from sambat_tui.ui.keys import KEYS, Scope, effective_keys, keys_display
from sambat_tui.ui.stylesheets import SCREENS_CSS

if TYPE_CHECKING:
    from textual.app import App
    from textual.dom import DOMNode
    from textual.screen import Screen

    from sambat_tui.ui.flows import Context

_KEY_WIDTH = 14

KeyStates = Mapping[tuple[Scope, str], bool | None]
"""``check_action``'s answer per (scope, action) of the keys help shows with their state."""


def _may_act(roles: frozenset[Role], action: Action) -> bool:
    return any(action in allowed_actions(status, roles) for status in Status)


def _may_change_status(roles: frozenset[Role]) -> bool:
    return any(offered(allowed_actions(status, roles)) for status in Status)


def _permitted(permission: Permission) -> Callable[[frozenset[Role]], bool]:
    return lambda roles: has_permission(roles, permission)


_ROLE_GATES: dict[str, Callable[[frozenset[Role]], bool]] = {
    "take": lambda roles: _may_act(roles, Action.TAKE),
    "respond": lambda roles: _may_act(roles, Action.RESPOND),
    "return": lambda roles: _may_act(roles, Action.RETURN),
    "status": _may_change_status,
    "note": _permitted(Permission.POST_UPDATE),
    "reassign": _permitted(Permission.REASSIGN),
    "guess": _permitted(Permission.DISPOSE),
    "archive": _permitted(Permission.ARCHIVE),
    "visibility": _permitted(Permission.SET_VISIBILITY),
    "link_duplicate": _permitted(Permission.LINK_DUPLICATE),
    "link_original": _permitted(Permission.LINK_DUPLICATE),
}
"""Whether a role may ever use a key (in some status): a dimmed key it may not is "not for your role"."""


def dim_reason(ctx: Context | None, action: str) -> str:
    """The i18n key of why a dimmed key cannot be used: the role is not known before the first sync; the
    role may never do it; otherwise not here and now (this complaint's status, no row, a job running)."""
    if ctx is None or ctx.identity is None:
        return "help.why_identity"
    gate = _ROLE_GATES.get(action)
    if gate is not None and not gate(ctx.roles):
        return "help.why_role"
    return "help.disabled"


def role_state(ctx: Context | None, action: str) -> bool | None:
    """A key of a screen not shown, as that screen would answer for this role on any complaint: hidden
    (False) or dimmed (None) when the role may never use it (reassign is hidden from desk roles)."""
    if ctx is None or ctx.identity is None:
        return True
    if action == "reassign" and not has_permission(ctx.roles, Permission.REASSIGN):
        return False
    gate = _ROLE_GATES.get(action)
    return None if gate is not None and not gate(ctx.roles) else True


def key_states(
    app: App[Any], screen: Screen[Any], first: Scope, ctx: Context | None
) -> dict[tuple[Scope, str], bool | None]:
    """What ``check_action`` answers now for each key of ``first`` (the screen's) and of the app, each asked
    of the node its binding lives on, as Textual asks it for the key bar and before running a key; for the
    keys of other screens, what the role allows (``role_state``)."""
    states: dict[tuple[Scope, str], bool | None] = {}
    for spec in KEYS:
        node: DOMNode | None = app if spec.scope is Scope.APP else screen if spec.scope is first else None
        if node is None:
            states[(spec.scope, spec.action)] = role_state(ctx, spec.action)
        else:
            _, name, parameters = parse(spec.action)
            states[(spec.scope, spec.action)] = node.check_action(name, parameters)
    return states


def help_text(
    first: Scope,
    keymap: Mapping[str, str],
    state: KeyStates,
    read_only: bool,
    *,
    hidden_scopes: Collection[Scope] = (),
    reason: Callable[[str], str] = lambda action: "help.disabled",
) -> Text:
    """The key table as text: one block per scope, ``first`` on top, the app's keys next, dialogs last.

    ``state`` holds ``check_action``'s answer per key of the screen below and of the app: False (hidden:
    read-only mode, a key not for this role) leaves the key out, None lists it dimmed with ``reason``'s
    message for its action. ``hidden_scopes`` are the blocks of views this role cannot open.
    """
    order = [first, Scope.APP, *[s for s in Scope if s not in (first, Scope.APP, Scope.DIALOG)], Scope.DIALOG]
    text = Text()
    seen_tab_n = False
    for scope in order:
        if scope in hidden_scopes and scope is not first:
            continue
        specs = [
            s
            for s in KEYS
            if s.scope is scope
            and not (read_only and s.mutating)
            and state.get((s.scope, s.action), True) is not False
        ]
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
            dimmed = state.get((spec.scope, spec.action), True) is None
            text.append("\n  ")
            text.append(set_cell_size(keys, _KEY_WIDTH), Style(bold=not dimmed, dim=dimmed))
            text.append(t(spec.label_key), Style(dim=True) if dimmed else None)
            if dimmed:
                text.append("  " + t(reason(spec.action)), Style(dim=True, italic=True))
    return text


class HelpScreen(ModalScreen[None]):
    CSS_PATH = SCREENS_CSS
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,question_mark,f1", "close", "key.back", id="help_close"),
        Binding("j,down", "scroll(1)", "key.scroll_down", show=False, id="help_down"),
        Binding("k,up", "scroll(-1)", "key.scroll_up", show=False, id="help_up"),
    ]

    def __init__(self, text: Text) -> None:
        super().__init__(classes="dialog")
        self._text = text

    @property
    def keys_text(self) -> Text:
        """The key table shown (``help_text``)."""
        return self._text

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
