"""Escalations: what the periodic SLA job escalated, oldest first, while the complaint is still open;
``enter`` opens the complaint."""

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


class EscalationsScreen(SupervisionView):
    VIEW = "escalations"

    def body(self) -> ComposeResult:
        yield DataTable(id="escalations", cursor_type="row")
        yield Static("", id="escalations-empty", classes="view-empty")

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
        for key in ("escalated", "ref", "level", "status", "desk", "assignee", "reason", "title"):
            table.add_column(t(f"escalations.col.{key}"), key=key)
        for row in self.rows:
            table.add_row(
                Text(
                    f"{fmt.when(row.escalated_at)} ({fmt.age(row.escalated_at, now)})",
                    style=self.style("alert"),
                ),
                Text(one_line(row.public_ref, 24)),
                Text(str(row.level), justify="right"),
                Text(label(row.status)),
                Text(one_line(row.desk_id or "-", 30)),
                Text(one_line(row.assignee_id or "-", 30)),
                Text(one_line(row.reason, 60)),
                Text(one_line(row.title, 60)),
                key=f"{row.complaint_id}:{row.escalated_at.isoformat()}",
            )
        if self.rows:
            table.move_cursor(row=min(keep, len(self.rows) - 1))
        empty = self.query_one("#escalations-empty", Static)
        empty.display = not self.rows
        empty.update(Text(t("escalations.empty")))

    def table(self) -> Table:
        from sambat_tui.services.exports import escalations_table

        return escalations_table(self.rows)

    def action_open(self) -> None:
        table = self.query_one("#escalations", DataTable)
        if not self.rows:
            return
        row = self.rows[min(table.cursor_row, len(self.rows) - 1)]
        from sambat_tui.ui.screens.complaint import ComplaintScreen

        self.app.push_screen(ComplaintScreen(self.ctx, self.flows, row.complaint_id))

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_open()
