"""The composer: a public response (tanggapan) or an internal note, with canned responses and the next status.

A public response always moves the complaint to "Sudah ditanggapi" (the respond action travels with it). A
note may come with a status change the user is allowed to make, or none. ``ctrl+s`` sends; ``escape``
cancels; an empty text is refused inline, not sent.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import OptionList, Select, Static, TextArea
from textual.widgets.option_list import Option

from sambat_tui.domain.model import Action, Status
from sambat_tui.domain.text_safety import one_line
from sambat_tui.ui.dialogs.send_cancel import SendOrCancel, send_cancel_row
from sambat_tui.ui.i18n import label, t
from sambat_tui.ui.keys import Scope, bindings
from sambat_tui.ui.ports import CannedResponse
from sambat_tui.ui.widgets.ordered_fields import ordered_text_area


@dataclass(frozen=True)
class Composed:
    body: str
    then: Action | None  # a status change to make after a note


class ComposeDialog(SendOrCancel[Composed]):
    BINDINGS = bindings(Scope.DIALOG)

    def __init__(
        self,
        *,
        public: bool,
        target: str,
        public_ref: str,
        templates: tuple[CannedResponse, ...] = (),
        next_actions: tuple[Action, ...] = (),
        body: str = "",
        title: str | None = None,
        error: str | None = None,
        then: Action | None = None,
    ) -> None:
        super().__init__(classes="dialog")
        self.public = public
        self._target = target
        self._ref = public_ref
        self._templates = templates
        self._next_actions = next_actions
        self._body = body
        self._title = title
        self._error = error
        self._then = then if then in next_actions else None

    def compose(self) -> ComposeResult:
        title = self._title or t(
            "compose.respond_title" if self.public else "compose.note_title", target=self._target
        )
        with Vertical(classes="dialog-box compose-box"):
            yield Static(Text(title), classes="dialog-title")
            hint = (
                t("compose.respond_hint", status=label(Status.RESPONDED))
                if self.public
                else t("compose.note_hint")
            )
            yield Static(
                Text(hint), classes="dialog-hint " + ("hint-public" if self.public else "hint-internal")
            )
            if self._templates:
                yield Static(Text(t("compose.templates")), classes="dialog-label")
                yield OptionList(
                    *[Option(Text(one_line(tpl.title, 60)), id=tpl.id) for tpl in self._templates],
                    id="templates",
                )
            area = ordered_text_area(self._body, id="body", soft_wrap=True, show_line_numbers=False)
            area.cursor_blink = False  # a blinking cursor repaints twice a second: bytes on a slow link
            yield area
            if not self.public and self._next_actions:
                options = [(t("compose.status_keep"), "")] + [(label(a), a.value) for a in self._next_actions]
                yield Static(Text(t("compose.status_after")), classes="dialog-label")
                chosen = self._then.value if self._then is not None else ""
                yield Select(options, value=chosen, allow_blank=False, id="then")
            yield Static(Text(self._error or ""), id="error", classes="dialog-error")
            yield send_cancel_row()

    def on_mount(self) -> None:
        area = self.query_one("#body", TextArea)
        self.set_focus(area)
        area.move_cursor(area.document.end)  # a text given back (to fix, to send again): go on where it ends

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        for template in self._templates:
            if template.id == event.option.id:
                area = self.query_one("#body", TextArea)
                area.load_text(template.render(self._ref))
                self.set_focus(area)

    def action_submit(self) -> None:
        body = self.query_one("#body", TextArea).text
        if not body.strip():
            self.query_one("#error", Static).update(Text(t("compose.empty")))
            self.set_focus(self.query_one("#body", TextArea))
            return
        then: Action | None = None
        selects = self.query("#then")
        if selects:
            value = self.query_one("#then", Select).value
            then = Action(value) if isinstance(value, str) and value else None
        self.dismiss(Composed(body, then))
