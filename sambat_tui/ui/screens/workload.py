"""Workload: per desk and per person, open items, due soon, overdue and taken today; ``enter`` opens the inbox
filtered to that desk or person (its open complaints)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import ComposeResult
from textual.widgets import DataTable, Static

from sambat_tui.domain.text_safety import one_line
from sambat_tui.ui import fmt
from sambat_tui.ui.i18n import t
from sambat_tui.ui.screens.supervision_view import SupervisionView

if TYPE_CHECKING:
    from sambat_tui.services.exports import Table
    from sambat_tui.services.supervision import LoadRow, Workload

ALL_TAB = "semua"


def open_filtered_inbox(app: object, query: str) -> bool:
    """Back to the inbox, "Semua" tab, filtered by ``query``; False when there is no inbox to go to."""
    stack = getattr(app, "screen_stack", [])
    inbox = next((s for s in stack if getattr(s, "id", None) == "inbox"), None)
    show_tab = getattr(app, "show_tab", None)
    if inbox is None or show_tab is None or not hasattr(inbox, "query_text"):
        return False
    inbox.query_text = query
    show_tab(ALL_TAB)
    return True


class WorkloadScreen(SupervisionView):
    VIEW = "workload"

    def body(self) -> ComposeResult:
        yield Static(Text(t("workload.desks")), classes="view-heading", id="desks-heading")
        yield DataTable(id="desks", cursor_type="row", zebra_stripes=False)
        yield Static(Text(t("workload.people")), classes="view-heading", id="people-heading")
        yield DataTable(id="people", cursor_type="row", zebra_stripes=False)

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one("#desks", DataTable).focus()

    def reload(self) -> None:
        self.data: Workload = self.port.workload()
        self.set_title(t("workload.title", at=fmt.when(self.data.at)))
        self._fill("desks", self.data.desks, t("field.desk"))
        self._fill("people", self.data.people, t("workload.person"))

    def _fill(self, name: str, rows: tuple[LoadRow, ...], first: str) -> None:
        table: DataTable[object] = self.query_one(f"#{name}", DataTable)
        keep = table.cursor_row
        table.clear(columns=True)
        table.add_column(first, key="name")
        widths = {}
        for key in ("open", "due_soon", "overdue", "taken_today"):
            heading = t(f"workload.{key}")
            widths[key] = len(heading)
            table.add_column(heading, key=key)
        for row in rows:
            label = Text(one_line(row.label, 50))
            if row.id is None:
                none = "workload.nobody" if row.kind == "person" else "workload.no_desk"
                label = Text(t(none), style=self.style("dim"))
            table.add_row(
                label,
                self.count(row.open, "", widths["open"]),
                self.count(row.due_soon, "warn", widths["due_soon"]),
                self.count(row.overdue, "alert", widths["overdue"]),
                self.count(row.taken_today, "ok", widths["taken_today"]),
                key=f"{row.kind}:{row.id}",
            )
        if rows:
            table.move_cursor(row=min(keep, len(rows) - 1))

    def table(self) -> Table:
        from sambat_tui.services.exports import workload_table

        return workload_table(self.data)

    def _current(self) -> LoadRow | None:
        table = self.focused_table()
        if table is None or table.row_count == 0:
            return None
        rows = self.data.desks if table.id == "desks" else self.data.people
        index = table.cursor_row
        return rows[index] if 0 <= index < len(rows) else None

    def action_open(self) -> None:
        row = self._current()
        if row is None or row.query is None:
            self.notify(t("workload.no_filter"), severity="warning")
            return
        if not open_filtered_inbox(self.app, row.query):
            self.notify(t("workload.no_filter"), severity="warning")

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_open()
