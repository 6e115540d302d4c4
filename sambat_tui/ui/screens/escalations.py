"""Escalations and overdue: what the periodic SLA job escalated, oldest first, while the complaint is still
open; below it the overdue complaints, the longest overdue first (the inbox's ``overdue`` filter, paged by
the store). ``enter`` opens the highlighted complaint of either list; ``tab`` moves between them."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import ComposeResult
from textual.widgets import DataTable, Static

from sambat_tui.domain.text_safety import one_line
from sambat_tui.ui import fmt
from sambat_tui.ui.i18n import label, t
from sambat_tui.ui.screens.supervision_view import SupervisionView

if TYPE_CHECKING:
    from sambat_tui.services.exports import Table
    from sambat_tui.services.supervision import EscalationRow
    from sambat_tui.ui.ports import InboxRow

OVERDUE_TAB = "semua"
OVERDUE_QUERY = "overdue"
OVERDUE_SHOWN = 200
DEADLINE_FIELDS = {
    "sla.verify": "field.sla_verify",
    "sla.response": "field.sla_response",
    "sla.resolve": "field.sla_resolve",
}
"""The job's rule id of an escalation -> the deadline's name, as the complaint screen's SLA clocks call it."""


def deadline_label(rule_id: str | None) -> str:
    key = DEADLINE_FIELDS.get(rule_id or "")
    return t(key) if key is not None else one_line(rule_id or "-", 20)


class EscalationsScreen(SupervisionView):
    VIEW = "escalations"

    def body(self) -> ComposeResult:
        yield DataTable(id="escalations", cursor_type="row")
        yield Static("", id="escalations-empty", classes="view-empty")
        yield Static("", id="overdue-heading", classes="view-heading")
        yield DataTable(id="overdue", cursor_type="row")

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one("#escalations", DataTable).focus()

    def reload(self) -> None:
        self.rows: tuple[EscalationRow, ...] = self.port.escalations()
        now = self.port.now()
        self.set_title(t("escalations.title", n=len(self.rows)))
        table: DataTable[object] = self.query_one("#escalations", DataTable)
        keep = table.cursor_row
        table.clear(columns=True)
        # Which deadline comes right after the reference: the job escalates the first response and the
        # resolve deadline of one complaint at the same minute, and the two rows must differ on 80 columns.
        for key in ("escalated", "ref", "deadline", "level", "status", "desk", "assignee", "reason", "title"):
            table.add_column(t(f"escalations.col.{key}"), key=key)
        for row in self.rows:
            table.add_row(
                Text(
                    f"{fmt.when(row.escalated_at)} ({fmt.age(row.escalated_at, now)})",
                    style=self.style("alert"),
                ),
                Text(one_line(row.public_ref, 24)),
                Text(deadline_label(row.rule_id)),
                Text(str(row.level), justify="right"),
                Text(label(row.status)),
                Text(one_line(row.desk_id or "-", 30)),
                Text(one_line(row.assignee_id or "-", 30)),
                Text(one_line(row.reason, 60)),
                Text(one_line(row.title, 60)),
                # No key of our own: the job escalates two deadlines of one complaint in one run, at the same
                # instant, so complaint and time do not name a row (DataTable raised DuplicateKey on them).
            )
        if self.rows:
            table.move_cursor(row=min(keep, len(self.rows) - 1))
        empty = self.query_one("#escalations-empty", Static)
        empty.display = not self.rows
        self._fill_overdue()
        empty.update(Text(t("escalations.empty")))

    def _fill_overdue(self) -> None:
        from sambat_tui.ui.ports import Sort

        page = self.ctx.session.inbox.first(OVERDUE_TAB, OVERDUE_QUERY, Sort.DUE, False, OVERDUE_SHOWN)
        self.overdue: tuple[InboxRow, ...] = page.rows
        more = "+" if page.has_after else ""
        heading = t("escalations.overdue", n=f"{len(self.overdue)}{more}")
        self.query_one("#overdue-heading", Static).update(Text(heading))
        table: DataTable[object] = self.query_one("#overdue", DataTable)
        keep = table.cursor_row
        table.clear(columns=True)
        for key in ("sla", "ref", "status", "desk", "assignee", "title"):
            table.add_column(t(f"escalations.overdue_col.{key}"), key=key)
        for row in self.overdue:
            table.add_row(
                Text(fmt.sla_days(row.sla_days_left), style=self.style("alert")),
                Text(one_line(row.public_ref, 24)),
                Text(label(row.status)),
                Text(one_line(row.desk_id or "-", 30)),
                Text(one_line(row.assignee_id or "-", 30)),
                Text(one_line(row.title, 60)),
                key=row.id,
            )
        if self.overdue:
            table.move_cursor(row=min(keep, len(self.overdue) - 1))

    def table(self) -> Table:
        from sambat_tui.services.exports import escalations_table

        return escalations_table(self.rows)

    def action_open(self) -> None:
        table = self.focused_table()
        if table is None or table.row_count == 0:
            return
        index = max(table.cursor_row, 0)
        if table.id == "overdue":
            complaint_id = self.overdue[min(index, len(self.overdue) - 1)].id
        else:
            complaint_id = self.rows[min(index, len(self.rows) - 1)].complaint_id
        from sambat_tui.ui.screens.complaint import ComplaintScreen

        self.app.push_screen(ComplaintScreen(self.ctx, self.flows, complaint_id))

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_open()
