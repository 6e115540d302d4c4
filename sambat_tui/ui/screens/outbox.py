"""The outbox: every change not yet acknowledged by the server, with what became of it.

Pending and sending changes wait for the next sync; a failed one shows the error and a conflict the server's
reason. ``R`` retries, ``e`` edits a response or note and retries it, ``d`` discards after a confirm.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, ClassVar

from rich.style import Style
from rich.text import Text
from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from sambat_tui.domain.text_safety import one_line
from sambat_tui.ui import fmt
from sambat_tui.ui.dialogs.compose import Composed, ComposeDialog
from sambat_tui.ui.dialogs.confirm import ConfirmDialog
from sambat_tui.ui.flows import Context, tell_disk_full
from sambat_tui.ui.i18n import t
from sambat_tui.ui.keys import MUTATING_ACTIONS, Scope, bindings
from sambat_tui.ui.messages import DataChanged
from sambat_tui.ui.widgets.key_bar import KeyBar
from sambat_tui.ui.wire_words import outbox_what as what
from sambat_tui.ui.widgets.status_bar import StatusBar
from sambat_tui.ui.stylesheets import SCREENS_CSS

if TYPE_CHECKING:
    from sambat_tui.ui.ports import OutboxEntry

_MARKS = {"pending": "⇡", "sending": "↑", "failed": "✗", "conflict": "!"}


class OutboxScreen(Screen[None]):
    CSS_PATH = SCREENS_CSS
    SCOPE = Scope.OUTBOX
    BINDINGS = bindings(Scope.OUTBOX)

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "outbox--pending",
        "outbox--failed",
        "outbox--conflict",
        "outbox--dim",
    }

    def __init__(self, ctx: Context) -> None:
        super().__init__(id="outbox")
        self.ctx = ctx
        self.entries: tuple[OutboxEntry, ...] = ()

    def compose(self) -> ComposeResult:
        yield Static("", id="outbox-title")
        yield OptionList(id="outbox-list")
        yield StatusBar(id="status-bar")
        yield KeyBar(id="key-bar")

    def on_mount(self) -> None:
        self.reload()
        self.query_one("#outbox-list", OptionList).focus()

    def _style(self, name: str) -> Style:
        return self.get_component_rich_style(f"outbox--{name}", partial=True)

    def reload(self) -> None:
        listing = self.query_one("#outbox-list", OptionList)
        keep = listing.highlighted
        self.entries = self.ctx.session.outbox.entries()
        counts = self.ctx.session.outbox.counts()
        title = Text(t("outbox.title") + "  ", Style(bold=True))
        title.append(
            t("outbox.summary", pending=counts.pending, failed=counts.failed, conflicts=counts.conflicts)
        )
        self.query_one("#outbox-title", Static).update(title)
        listing.clear_options()
        if not self.entries:
            listing.add_option(Option(Text(t("outbox.empty")), disabled=True))
        else:
            listing.add_options([Option(self._prompt(e), id=e.mutation_id) for e in self.entries])
            listing.highlighted = min(keep or 0, len(self.entries) - 1)
        self.refresh_bindings()

    def _prompt(self, entry: OutboxEntry) -> Text:
        state_style = (
            self._style(entry.state) if entry.state in ("failed", "conflict") else self._style("pending")
        )
        text = Text(no_wrap=False)
        text.append(f"{_MARKS.get(entry.state, '?')} ", state_style)
        text.append(one_line(entry.public_ref, 30), Style(bold=True))
        text.append("  ")
        text.append(
            t(f"outbox.state.{entry.state}") if entry.state in _MARKS else one_line(entry.state, 20),
            state_style,
        )
        text.append("  " + what(entry))
        dim = self._style("dim")
        text.append(f"\n   {fmt.when(entry.created_at)}", dim)
        if entry.attempts:
            text.append(" · " + t("outbox.attempts", n=entry.attempts), dim)
        if entry.server_reason:
            text.append("\n   " + t("outbox.reason", reason=one_line(entry.server_reason, 300)), state_style)
        if entry.last_error and entry.last_error != entry.server_reason:
            text.append("\n   " + t("outbox.error", error=one_line(entry.last_error, 300)), dim)
        return text

    def on_data_changed(self, message: DataChanged) -> None:
        self.reload()

    def relabel(self) -> None:
        self.reload()
        for widget in self.query("StatusBar, KeyBar"):
            widget.refresh()

    @property
    def selected(self) -> OutboxEntry | None:
        index = self.query_one("#outbox-list", OptionList).highlighted
        if index is None or not self.entries or index >= len(self.entries):
            return None
        return self.entries[index]

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action not in MUTATING_ACTIONS:
            return True
        if self.ctx.read_only:
            return False
        entry = self.selected
        if entry is None:
            return None
        if action == "retry":
            return True if entry.state in ("failed", "conflict") else None
        if action == "edit":
            return True if entry.op == "update" else None
        return True

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        self.refresh_bindings()

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_cursor_down(self) -> None:
        self.query_one("#outbox-list", OptionList).action_cursor_down()

    def action_cursor_up(self) -> None:
        self.query_one("#outbox-list", OptionList).action_cursor_up()

    def _changed(self) -> None:
        self.reload()
        for name in ("refresh_bar", "push_soon"):  # a retried change goes out soon, as a new one does
            call = getattr(self.app, name, None)
            if callable(call):
                call()

    def _attempt(
        self, act: Callable[[], None], done_message: str, on_full: Callable[[], None] | None = None
    ) -> bool:
        """Run one outbox act; a refusal (being sent, gone, a bad text, a full disk) is shown, not raised.
        ``on_full``: what to do when the disk was full (nothing was written), e.g. give a text back."""
        from sambat_tui.services.actions import StoreFull, TextRefused
        from sambat_tui.services.outbox import OutboxActionRefused

        try:
            act()
        except StoreFull:
            tell_disk_full(self.app)
            if on_full is not None:
                on_full()
            return False
        except (OutboxActionRefused, TextRefused, KeyError) as refused:
            self.notify(one_line(str(refused).strip("'"), 200), severity="warning")
            self._changed()
            return False
        self.notify(done_message)
        self._changed()
        return True

    def action_retry(self) -> None:
        entry = self.selected
        if entry is None:
            return
        self._attempt(partial(self.ctx.session.outbox.retry, entry.mutation_id), t("notify.retry_queued"))

    def action_edit(self) -> None:
        entry = self.selected
        if entry is None or entry.op != "update":
            self.notify(t("outbox.not_editable"), severity="warning")
            return

        def edited(result: Composed | None) -> None:
            if result is None:
                return
            self._attempt(
                partial(self.ctx.session.outbox.edit, entry.mutation_id, result.body),
                t("notify.retry_queued"),
                on_full=partial(open_dialog, result.body, t("notify.disk_full")),  # the text given back
            )

        def open_dialog(body: str, error: str | None = None) -> None:
            dialog = ComposeDialog(
                public=False,
                target=one_line(entry.public_ref, 40),
                public_ref=entry.public_ref,
                body=body,
                title=t("outbox.edit_title", ref=one_line(entry.public_ref, 40)),
                error=error,
            )
            self.app.push_screen(dialog, edited)

        # The whole text as queued (the outbox line shows it cut), not a copy found again elsewhere.
        open_dialog(entry.details.get("text", ""))

    def action_discard(self) -> None:
        entry = self.selected
        if entry is None:
            return

        def answered(yes: bool | None) -> None:
            if yes:
                self._attempt(
                    partial(self.ctx.session.outbox.discard, entry.mutation_id), t("notify.discarded")
                )

        body = t("discard.body", summary=what(entry, 80), ref=one_line(entry.public_ref, 40))
        self.app.push_screen(
            ConfirmDialog(t("discard.title"), body, yes=t("discard.confirm"), danger=True), answered
        )
