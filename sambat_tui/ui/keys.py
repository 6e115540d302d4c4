"""The one key table of the app (UX.md, "Keys").

Every binding of every screen comes from ``KEYS``: the screens build their ``BINDINGS`` from it, the help
screen lists it, and the config's key map remaps it by binding id. A binding's description is the i18n key
``key.<description id>``; the key bar and the help screen translate it when they draw.

``mutating`` marks the bindings that change data. ``--read-only`` removes them (``check_action`` answers
False, so they neither run nor show), and a role that may not act sees them dimmed.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from enum import StrEnum
from typing import NamedTuple

from textual.binding import Binding, BindingType
from textual.keys import _character_to_key


class Scope(StrEnum):
    APP = "app"
    INBOX = "inbox"
    SEARCH = "search"  # the inbox's search field
    COMPLAINT = "complaint"
    OUTBOX = "outbox"
    DIALOG = "dialog"
    SUPERVISOR = "supervisor"  # workload, escalations, dashboard
    TRIAGE = "triage"
    DUPLICATES = "duplicates"
    PICKER = "picker"  # dialogs with a list to pick from while typing


class KeySpec(NamedTuple):
    id: str
    keys: str  # Textual key names, comma separated
    action: str
    scope: Scope
    description: str = ""  # i18n id under "key."; defaults to the binding id
    mutating: bool = False
    show: bool = True
    priority: bool = False

    @property
    def label_key(self) -> str:
        return f"key.{self.description or self.id}"


def _guess_keys() -> tuple[KeySpec, ...]:
    return tuple(
        KeySpec(f"guess_{n}", str(n), f"guess({n - 1})", Scope.TRIAGE, "guess_n", mutating=True, show=n == 1)
        for n in range(1, 4)
    )


def _tab_keys() -> tuple[KeySpec, ...]:
    return tuple(
        KeySpec(f"tab_{n}", str(n), f"tab({n - 1})", Scope.INBOX, "tab_n", show=False) for n in range(1, 10)
    )


KEYS: tuple[KeySpec, ...] = (
    KeySpec("help", "question_mark,f1", "help", Scope.APP),
    KeySpec("palette", "ctrl+p", "command_palette", Scope.APP, show=False),
    KeySpec("sync", "ctrl+r", "sync", Scope.APP),
    # ctrl+r in a read-only window beside the one that syncs: read the cache again (only one of the two shows)
    KeySpec("reload", "ctrl+r", "reload", Scope.APP),
    KeySpec("outbox", "o", "outbox", Scope.APP),
    KeySpec("quit", "q", "quit", Scope.APP),
    # the supervisor's and the coordinator's views (hidden for other roles)
    KeySpec("workload", "W", "workload", Scope.APP, show=False),
    KeySpec("escalations", "E", "escalations", Scope.APP, show=False),
    KeySpec("dashboard", "D", "dashboard", Scope.APP, show=False),
    KeySpec("triage", "V", "triage", Scope.APP, show=False),
    # inbox: moving
    KeySpec("move_down", "j,down", "cursor_down", Scope.INBOX, show=False),
    KeySpec("move_up", "k,up", "cursor_up", Scope.INBOX, show=False),
    KeySpec("first", "g,home", "first", Scope.INBOX, show=False),
    KeySpec("last", "G,end", "last", Scope.INBOX, show=False),
    KeySpec("half_down", "ctrl+d", "half_down", Scope.INBOX, show=False),
    KeySpec("half_up", "ctrl+u", "half_up", Scope.INBOX, show=False),
    KeySpec("page_down", "pagedown", "page_down", Scope.INBOX, show=False),
    KeySpec("page_up", "pageup", "page_up", Scope.INBOX, show=False),
    KeySpec("open", "enter", "open", Scope.INBOX),
    KeySpec("back", "escape", "back", Scope.INBOX, show=False),
    KeySpec("next_tab", "tab", "next_tab", Scope.INBOX, show=False),
    KeySpec("prev_tab", "shift+tab", "prev_tab", Scope.INBOX, show=False),
    *_tab_keys(),
    # Priority: run when the key arrives, not when it comes back from the list. Over SSH the words typed
    # after "/" arrive with it; they must find the search field focused already, not run as inbox keys.
    KeySpec("search", "slash", "search", Scope.INBOX, priority=True),
    KeySpec("mark", "space", "mark", Scope.INBOX, show=False),
    KeySpec("mark_all", "asterisk", "mark_all", Scope.INBOX, show=False),
    KeySpec("sort", "S", "sort", Scope.INBOX, show=False),
    KeySpec("preview", "p", "preview", Scope.INBOX, show=False),
    KeySpec("copy_ref", "y", "copy_ref", Scope.INBOX, show=False),
    KeySpec("export", "e", "export", Scope.INBOX, show=False),  # the view as CSV, all roles
    # inbox: acting (bulk on marks, else the cursor row)
    KeySpec("take", "t", "take", Scope.INBOX, mutating=True),
    KeySpec("status", "s", "status", Scope.INBOX, mutating=True),
    KeySpec("respond", "r", "respond", Scope.INBOX, mutating=True),
    KeySpec("note", "c", "note", Scope.INBOX, mutating=True),
    KeySpec("return", "b", "return", Scope.INBOX, mutating=True),
    KeySpec("reassign", "a", "reassign", Scope.INBOX, mutating=True),
    KeySpec("duplicates", "u", "duplicates", Scope.INBOX, show=False),
    # complaint
    KeySpec("back", "escape", "back", Scope.COMPLAINT),
    KeySpec("scroll_down", "j,down", "scroll_down", Scope.COMPLAINT, show=False),
    KeySpec("scroll_up", "k,up", "scroll_up", Scope.COMPLAINT, show=False),
    KeySpec("page_down", "pagedown", "page_down", Scope.COMPLAINT, show=False),
    KeySpec("page_up", "pageup", "page_up", Scope.COMPLAINT, show=False),
    KeySpec("first", "g,home", "scroll_home", Scope.COMPLAINT, show=False),
    KeySpec("last", "G,end", "scroll_end", Scope.COMPLAINT, show=False),
    KeySpec("take", "t", "take", Scope.COMPLAINT, mutating=True),
    KeySpec("status", "s", "status", Scope.COMPLAINT, mutating=True),
    KeySpec("respond", "r", "respond", Scope.COMPLAINT, mutating=True),
    KeySpec("note", "c", "note", Scope.COMPLAINT, mutating=True),
    KeySpec("return", "b", "return", Scope.COMPLAINT, mutating=True),
    KeySpec("reassign", "a", "reassign", Scope.COMPLAINT, mutating=True),
    KeySpec("duplicates", "u", "duplicates", Scope.COMPLAINT, show=False),
    KeySpec("copy_ref", "y", "copy_ref", Scope.COMPLAINT, show=False),
    # outbox
    KeySpec("back", "escape", "back", Scope.OUTBOX),
    KeySpec("move_down", "j,down", "cursor_down", Scope.OUTBOX, show=False),
    KeySpec("move_up", "k,up", "cursor_up", Scope.OUTBOX, show=False),
    KeySpec("retry", "R", "retry", Scope.OUTBOX, mutating=True),
    KeySpec("edit", "e", "edit", Scope.OUTBOX, mutating=True),
    KeySpec("discard", "d,delete", "discard", Scope.OUTBOX, mutating=True),
    # dialogs
    KeySpec("submit", "ctrl+s", "submit", Scope.DIALOG, priority=True),
    KeySpec("cancel", "escape", "cancel", Scope.DIALOG),
    # supervisor's views: workload, escalations, dashboard
    KeySpec("back", "escape", "back", Scope.SUPERVISOR),
    KeySpec("move_down", "j,down", "cursor_down", Scope.SUPERVISOR, show=False),
    KeySpec("move_up", "k,up", "cursor_up", Scope.SUPERVISOR, show=False),
    KeySpec("open", "enter", "open", Scope.SUPERVISOR),
    KeySpec("export", "e", "export", Scope.SUPERVISOR),
    # coordinator's triage
    KeySpec("back", "escape", "back", Scope.TRIAGE),
    KeySpec("move_down", "j,down", "cursor_down", Scope.TRIAGE, show=False),
    KeySpec("move_up", "k,up", "cursor_up", Scope.TRIAGE, show=False),
    KeySpec("open", "enter", "open", Scope.TRIAGE),
    *_guess_keys(),
    KeySpec("reassign", "a", "reassign", Scope.TRIAGE, mutating=True),
    KeySpec("archive", "x", "archive", Scope.TRIAGE, mutating=True),
    KeySpec("visibility", "v", "visibility", Scope.TRIAGE, mutating=True),
    KeySpec("duplicates", "u", "duplicates", Scope.TRIAGE, show=False),
    KeySpec("export", "e", "export", Scope.TRIAGE, show=False),
    # likely duplicates of one complaint
    KeySpec("back", "escape", "back", Scope.DUPLICATES),
    KeySpec("move_down", "j,down", "cursor_down", Scope.DUPLICATES, show=False),
    KeySpec("move_up", "k,up", "cursor_up", Scope.DUPLICATES, show=False),
    KeySpec("open", "enter", "open", Scope.DUPLICATES),
    KeySpec("link_duplicate", "l", "link_duplicate", Scope.DUPLICATES, mutating=True),
    KeySpec("link_original", "L", "link_original", Scope.DUPLICATES, mutating=True),
    KeySpec("export", "e", "export", Scope.DUPLICATES, show=False),
    # the inbox's search field: its own keys, so the key bar says what enter and esc do there
    KeySpec("search_run", "enter", "submit", Scope.SEARCH),
    KeySpec("search_close", "escape", "screen.close_search", Scope.SEARCH),
    # pickers: the list moves while the search box keeps the focus
    KeySpec("pick_down", "down", "pick_down", Scope.PICKER, show=False),
    KeySpec("pick_up", "up", "pick_up", Scope.PICKER, show=False),
)

MUTATING_ACTIONS: frozenset[str] = frozenset(spec.action for spec in KEYS if spec.mutating)
BINDING_IDS: frozenset[str] = frozenset(spec.id for spec in KEYS)


class KeymapError(ValueError):
    pass


def specs(scope: Scope) -> tuple[KeySpec, ...]:
    return tuple(spec for spec in KEYS if spec.scope is scope)


def bindings(scope: Scope) -> list[BindingType]:
    """The Textual bindings of one scope, each with its id so the keymap can remap it."""
    return [
        Binding(
            spec.keys,
            spec.action,
            spec.label_key,
            show=spec.show,
            priority=spec.priority,
            id=spec.id,
        )
        for spec in specs(scope)
    ]


def _normal_key(key: str) -> str:
    key = key.strip()
    if len(key) == 1:
        return _character_to_key(key)
    return key


def check_keymap(keymap: Mapping[str, str]) -> dict[str, str]:
    """The config's key map, checked: known binding ids, non-empty keys; single characters get key names.

    Raises KeymapError naming the bad entry, so a typo in the config file is reported, not ignored.
    """
    checked: dict[str, str] = {}
    for binding_id, keys in keymap.items():
        if binding_id not in BINDING_IDS:
            known = ", ".join(sorted(BINDING_IDS))
            raise KeymapError(f"unknown binding id {binding_id!r} in the key map; known ids: {known}")
        if not isinstance(keys, str) or not keys.strip():
            raise KeymapError(f"binding {binding_id!r}: keys must be a non-empty string like 'x' or 'ctrl+x'")
        parts = [_normal_key(k) for k in keys.split(",")]
        if any(not p for p in parts):
            raise KeymapError(f"binding {binding_id!r}: empty key in {keys!r}")
        checked[binding_id] = ",".join(parts)
    return checked


def effective_keys(spec: KeySpec, keymap: Mapping[str, str]) -> tuple[str, ...]:
    return tuple(keymap.get(spec.id, spec.keys).split(","))


_DISPLAY = {
    "question_mark": "?",
    "slash": "/",
    "asterisk": "*",
    "space": "space",
    "escape": "esc",
    "pagedown": "pgdn",
    "pageup": "pgup",
}


def key_display(key: str) -> str:
    """A key name as a person reads it: ``question_mark`` -> ``?``, ``ctrl+r`` -> ``^r``."""
    if key in _DISPLAY:
        return _DISPLAY[key]
    if key.startswith("ctrl+"):
        return "^" + key_display(key.removeprefix("ctrl+"))
    return key


def keys_display(keys: Iterable[str]) -> str:
    return "/".join(key_display(k) for k in keys)
