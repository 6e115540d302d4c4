"""One complaint in full: fields, SLA clocks, description, timeline (public vs internal), reporter."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.style import Style
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Static

from sambat_tui.domain.model import Status
from sambat_tui.domain.sla import SlaState
from sambat_tui.domain.text_safety import one_line
from sambat_tui.ui.flows import Context, Flows, Target, key_state, target_of
from sambat_tui.ui.i18n import t
from sambat_tui.ui.keys import MUTATING_ACTIONS, Scope, bindings
from sambat_tui.ui.messages import DataChanged
from sambat_tui.ui.widgets import complaint_view as view
from sambat_tui.ui.widgets.key_bar import KeyBar
from sambat_tui.ui.widgets.status_bar import StatusBar

if TYPE_CHECKING:
    from sambat_tui.ui.ports import ComplaintDetail

TIMELINE_LIMIT = 300  # newest entries shown; a complaint with thousands of updates still opens at once
_SLA_CLASSES = {SlaState.OK: "sla-ok", SlaState.DUE_SOON: "sla-due-soon", SlaState.OVERDUE: "sla-overdue"}
_LABEL = Style(bold=True)


class ComplaintScreen(Screen[None]):
    SCOPE = Scope.COMPLAINT
    BINDINGS = bindings(Scope.COMPLAINT)

    def __init__(self, ctx: Context, flows: Flows, complaint_id: str) -> None:
        super().__init__(id="complaint")
        self.ctx = ctx
        self.flows = flows
        self.complaint_id = complaint_id
        self.detail: ComplaintDetail | None = ctx.session.complaints.get(complaint_id)

    def compose(self) -> ComposeResult:
        yield VerticalScroll(id="complaint-body")
        yield StatusBar(id="status-bar")
        yield KeyBar(id="key-bar")

    def on_mount(self) -> None:
        self._fill()
        self.query_one("#complaint-body").focus()

    def _fill(self) -> None:
        body = self.query_one("#complaint-body", VerticalScroll)
        body.remove_children()
        body.mount_all(list(self._widgets()))

    def _widgets(self) -> list[Static]:
        detail = self.detail
        if detail is None:
            return [Static(Text(t("complaint.not_found", ref=one_line(self.complaint_id, 60))))]
        now = self.ctx.now()
        widgets = [Static(view.header(detail), classes="complaint-title")]
        notes = Text()
        if detail.pending:
            notes.append("⇡ " + t("complaint.pending", n=detail.pending) + "  ")
        if detail.conflicts:
            notes.append("! " + t("complaint.conflicts", n=detail.conflicts))
        if notes:
            widgets.append(Static(notes, classes="complaint-sync"))
        widgets.append(Static(view.fields_text(view.field_rows(detail), _LABEL), classes="complaint-fields"))
        widgets.append(Static(Text(t("section.sla")), classes="section-title"))
        for name, due, words, state in view.sla_clocks(detail, now):
            line = Text.assemble((name.ljust(16), _LABEL), due, "  ", words)
            kind = _SLA_CLASSES[state] if state is not None else ""
            widgets.append(Static(line, classes=f"sla-line {kind}"))
        widgets.append(Static(Text(t("field.description")), classes="section-title"))
        widgets.append(Static(view.description_text(detail), classes="complaint-description"))
        widgets.append(Static(Text(t("section.timeline")), classes="section-title"))
        entries = detail.timeline[-TIMELINE_LIMIT:]
        if not entries:
            widgets.append(Static(Text(t("timeline.empty"))))
        for entry in entries:
            kind = "timeline-public" if entry.public else "timeline-internal"
            widgets.append(Static(view.entry_heading(entry), classes=f"timeline-heading {kind}"))
            body = view.entry_body(entry)
            if body is not None:
                widgets.append(Static(body, classes=f"timeline-body {kind}"))
        widgets.append(Static(Text(t("section.reporter")), classes="section-title"))
        widgets.append(Static(view.reporter_text(detail, _LABEL), classes="complaint-reporter"))
        return widgets

    def reload(self) -> None:
        self.detail = self.ctx.session.complaints.get(self.complaint_id)
        self._fill()
        self.refresh_bindings()

    def on_data_changed(self, message: DataChanged) -> None:
        self.reload()

    def relabel(self) -> None:
        self._fill()
        for widget in self.query("StatusBar, KeyBar"):
            widget.refresh()

    def _target(self) -> list[Target]:
        detail = self.detail
        target = target_of(detail.data, self.complaint_id) if detail is not None else None
        return [target] if target is not None else []

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in MUTATING_ACTIONS:
            return key_state(self.ctx, action, [x.status for x in self._target()])
        return True

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_scroll_down(self) -> None:
        self.query_one("#complaint-body", VerticalScroll).scroll_down(animate=False)

    def action_scroll_up(self) -> None:
        self.query_one("#complaint-body", VerticalScroll).scroll_up(animate=False)

    def action_copy_ref(self) -> None:
        targets = self._target()
        if targets:
            self.app.copy_to_clipboard(targets[0].public_ref)
            self.notify(t("notify.copied", ref=one_line(targets[0].public_ref, 40)))

    def action_take(self) -> None:
        self.flows.take(self._target(), self.reload)

    def action_status(self) -> None:
        self.flows.status(self._target(), self.reload)

    def action_respond(self) -> None:
        self.flows.respond(self._target(), self.reload)

    def action_note(self) -> None:
        self.flows.note(self._target(), self.reload)

    def action_return(self) -> None:
        self.flows.return_(self._target(), self.reload)

    def action_reassign(self) -> None:
        from sambat_tui.ui.supervision import SupervisorFlows

        SupervisorFlows(self.app, self.ctx, self.flows).reassign(self._target(), self.reload)

    def action_duplicates(self) -> None:
        from sambat_tui.ui.supervision import open_duplicates

        open_duplicates(self.app, self.ctx, self.flows, self.complaint_id)
