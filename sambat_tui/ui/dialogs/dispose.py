"""Reassign within the agency or dispose (*disposisi*) to another: pick a desk, a person or an agency by
fuzzy search, and give the reason, which is required. Works on one complaint or on all marked ones.

Typing filters the list (``textual.fuzzy``, the command palette's matcher) over names, ids and the agency's
short name; up and down move the choice while the search box keeps the focus. Names come from the server's
directory: they are shown as plain text, never as markup.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.fuzzy import Matcher
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from sambat_tui.domain.text_safety import one_line
from sambat_tui.ui.dialogs.pick_reason import PickWithReason
from sambat_tui.ui.dialogs.send_cancel import send_cancel_row
from sambat_tui.ui.i18n import t
from sambat_tui.ui.supervision import Moved
from sambat_tui.ui.widgets.ordered_fields import OrderedInput

if TYPE_CHECKING:
    from sambat_tui.services.supervision import Target

MAX_SHOWN = 200
"""Options drawn at once; a city has a few hundred desks and people, a search narrows them."""
_KIND_ORDER = {"desk": 0, "person": 1, "agency": 2}


def ranked(targets: tuple[Target, ...], query: str) -> list[Target]:
    """The targets matching ``query`` best first; all of them (desks, people, agencies) for no query."""
    query = query.strip()
    if not query:
        return sorted(targets, key=lambda x: (_KIND_ORDER.get(x.kind, 3), x.label.casefold(), x.id))
    # Each word of the query matches on its own ("dlh kbrsh"), anywhere in the name, id or detail. A match
    # on the name or id ranks first: a person's detail lists the desks they sit at, and the head of an
    # agency sits at every desk, so "pju" must not put them above the PJU desk itself.
    matchers = [Matcher(word) for word in query.split()]
    scored = []
    for target in targets:
        scores = [m.match(target.search_text) for m in matchers]
        if all(score > 0 for score in scores):
            own = [m.match(f"{target.label} {target.id}") for m in matchers]
            by_name = sum(own) if all(score > 0 for score in own) else 0.0
            scored.append((by_name, sum(scores), target))
    scored.sort(key=lambda p: (-p[0], -p[1], _KIND_ORDER.get(p[2].kind, 3), p[2].label, p[2].id))
    return [x for _, _, x in scored]


class DisposeDialog(PickWithReason[Moved]):
    LIST_ID = "targets"

    def __init__(
        self, what: str, targets: tuple[Target, ...], *, chosen: Moved | None = None, error: str | None = None
    ) -> None:
        super().__init__(classes="dialog")
        self._what = what
        self._targets = targets
        self._chosen = chosen
        self._error = error
        self._shown: list[Target] = []

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-box"):
            yield Static(Text(t("dispose.title", target=self._what)), classes="dialog-title")
            search = OrderedInput(placeholder=t("dispose.search"), id="search")
            search.cursor_blink = False  # a blinking cursor repaints twice a second: bytes on a slow link
            yield search
            yield OptionList(id="targets")
            yield Static(Text(t("dispose.reason")), classes="dialog-label")
            reason = OrderedInput(self._chosen.reason if self._chosen else "", id="reason")
            reason.cursor_blink = False
            yield reason
            yield Static(Text(self._error or ""), id="error", classes="dialog-error")
            yield send_cancel_row()

    def on_mount(self) -> None:
        self._fill("")
        if self._chosen is not None:
            self._highlight(self._chosen.target)
        self.query_one("#search", Input).focus()

    def _fill(self, query: str) -> None:
        listing = self.query_one("#targets", OptionList)
        self._shown = ranked(self._targets, query)[:MAX_SHOWN]
        listing.clear_options()
        listing.add_options([Option(self._prompt(x)) for x in self._shown])
        if self._shown:
            listing.highlighted = 0
        elif self._targets:
            listing.add_option(Option(Text(t("dispose.no_match")), disabled=True))
        else:
            listing.add_option(Option(Text(t("dispose.no_targets")), disabled=True))

    @staticmethod
    def _prompt(target: Target) -> Text:
        # One line each (an option that wraps makes the list jump): the name and a short detail, bounded.
        text = Text(no_wrap=True, overflow="ellipsis")
        text.append(t(f"dispose.kind.{target.kind}").ljust(9), "bold")
        text.append(one_line(target.label, 42))
        if target.detail:
            text.append("  " + one_line(target.detail, 14), "dim")
        return text

    def _highlight(self, target: Target) -> None:
        for index, shown in enumerate(self._shown):
            if (shown.kind, shown.id) == (target.kind, target.id):
                self.query_one("#targets", OptionList).highlighted = index

    @property
    def picked(self) -> Target | None:
        index = self.query_one("#targets", OptionList).highlighted
        return self._shown[index] if index is not None and 0 <= index < len(self._shown) else None

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == "search":
            event.stop()
            self._fill(event.value)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if event.input.id == "search":
            self.query_one("#reason", Input).focus()
        else:
            self.action_submit()

    def action_submit(self) -> None:
        target = self.picked
        if target is None:
            self.query_one("#error", Static).update(Text(t("dispose.pick_first")))
            return
        reason = self.reason()
        if reason is not None:
            self.dismiss(Moved(target, reason))
