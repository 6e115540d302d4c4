"""One complaint in full: fields, SLA clocks, description, timeline (public vs internal), reporter.

Scrolling keeps its own goal: Textual's ``scroll_down`` aims at ``scroll_target_y + 1`` and moves only
after the next refresh, so every key of a burst typed before that refresh (``enter`` then 30 ``j``, over
SSH one packet) aimed at the same line, and before the body's first layout any goal was clamped to the top.
The goal adds up the keys and is applied once the body has its height. The scroll area leaves every key to
the screen (its own arrow and page keys would go Textual's way).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.style import Style
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Static

from sambat_tui.domain.sla import SlaState
from sambat_tui.domain.text_safety import one_line
from sambat_tui.ui.flows import Context, Flows, Target, key_state, target_of
from sambat_tui.ui.i18n import t
from sambat_tui.ui.keys import MUTATING_ACTIONS, Scope, bindings
from sambat_tui.ui.messages import DataChanged
from sambat_tui.ui.supervision import view_key_state
from sambat_tui.ui.widgets import complaint_view as view
from sambat_tui.ui.widgets.key_bar import KeyBar
from sambat_tui.ui.widgets.status_bar import StatusBar
from sambat_tui.ui.stylesheets import SCREENS_CSS

if TYPE_CHECKING:
    from sambat_tui.ui.ports import ComplaintDetail

TIMELINE_LIMIT = 300  # newest entries shown; a complaint with thousands of updates still opens at once
_SLA_CLASSES = {SlaState.OK: "sla-ok", SlaState.DUE_SOON: "sla-due-soon", SlaState.OVERDUE: "sla-overdue"}
_LABEL = Style(bold=True)


class ComplaintBody(VerticalScroll, inherit_bindings=False):
    """The scrolling body, without the container's keys: the screen's bindings (remappable) scroll it."""


class ComplaintScreen(Screen[None]):
    CSS_PATH = SCREENS_CSS
    SCOPE = Scope.COMPLAINT
    BINDINGS = bindings(Scope.COMPLAINT)

    def __init__(self, ctx: Context, flows: Flows, complaint_id: str) -> None:
        super().__init__(id="complaint")
        self.ctx = ctx
        self.flows = flows
        self.complaint_id = complaint_id
        self.detail: ComplaintDetail | None = ctx.session.complaints.get(complaint_id)
        self._scroll_goal: float | None = None  # lines from the top the keys asked for, not yet applied

    def compose(self) -> ComposeResult:
        # The content with the body, not mounted after it: the first layout knows its height.
        with ComplaintBody(id="complaint-body"):
            yield from self._widgets()
        yield StatusBar(id="status-bar")
        yield KeyBar(id="key-bar")

    def on_mount(self) -> None:
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
        if action == "duplicates":
            return view_key_state(self.ctx, action)  # supervisors and the coordinator; hidden for others
        return True

    def action_back(self) -> None:
        self.app.pop_screen()

    def _aim_at(self, goal: float) -> None:
        """Aim the body at ``goal`` lines from the top (clamped once its height is known)."""
        pending = self._scroll_goal is not None
        self._scroll_goal = max(0.0, goal)
        if not pending:
            self.call_after_refresh(self._apply_aim)

    def _aim_by(self, lines: int) -> None:
        body = self.query_one("#complaint-body", VerticalScroll)
        start = self._scroll_goal if self._scroll_goal is not None else body.scroll_target_y
        self._aim_at(start + lines)

    def _apply_aim(self) -> None:
        body = self.query_one("#complaint-body", VerticalScroll)
        goal, self._scroll_goal = self._scroll_goal, None
        if goal is not None:
            body.scroll_to(y=min(goal, body.max_scroll_y), animate=False, immediate=True)

    def action_scroll_down(self) -> None:
        self._aim_by(1)

    def action_scroll_up(self) -> None:
        self._aim_by(-1)

    def action_page_down(self) -> None:
        self._aim_by(self.query_one("#complaint-body", VerticalScroll).scrollable_content_region.height)

    def action_page_up(self) -> None:
        self._aim_by(-self.query_one("#complaint-body", VerticalScroll).scrollable_content_region.height)

    def action_scroll_home(self) -> None:
        self._aim_at(0)

    def action_scroll_end(self) -> None:
        self._aim_at(float("inf"))

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
