"""Workload: per desk and per person, open items, due soon, overdue and taken today; ``enter`` opens the inbox
filtered to that desk or person (its open complaints).

The four counts stay on screen at 80 columns: when the names would not fit beside one-line headings, a long
heading takes two lines ("Segera / jatuh tempo"); the name column gets what is left, a long name cut in the
middle as the dashboard's bar labels are ("UPT Pemeliharaa…ng dan Lowokwaru)"), so names that share a long
start still differ.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.cells import cell_len
from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.widgets import DataTable, Static

from sambat_tui.domain.text_safety import one_line
from sambat_tui.ui import fmt
from sambat_tui.ui.i18n import t
from sambat_tui.ui.screens.supervision_view import SupervisionView
from sambat_tui.ui.widgets.bar_chart import fit_label

if TYPE_CHECKING:
    from sambat_tui.services.exports import Table
    from sambat_tui.services.supervision import LoadRow, Workload

ALL_TAB = "semua"
COUNTS = ("open", "due_soon", "overdue", "taken_today")
NAME_WIDTH = (12, 50)
"""The fewest and the most cells the name column takes; between them, what the screen leaves it."""
_CELL_PADDING = 2  # a DataTable cell's padding, one each side
_SCROLLBAR = 2  # kept free for the table's scroll bar when its rows overflow


def two_lines(heading: str, width: int = 10) -> Text:
    """A heading longer than ``width`` broken at the space nearest its middle: "Segera\njatuh tempo"."""
    spaces = [i for i, char in enumerate(heading) if char == " "]
    if cell_len(heading) <= width or not spaces:
        return Text(heading)
    middle = len(heading) / 2
    cut = min(spaces, key=lambda i: abs(i - middle))
    return Text(heading[:cut] + "\n" + heading[cut + 1 :])


def _width(text: Text) -> int:
    return max(cell_len(line) for line in text.plain.split("\n"))


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
        self._fill_tables()

    def _fill_tables(self) -> None:
        self._filled_width = self.app.size.width
        self._fill("desks", self.data.desks, t("field.desk"))
        self._fill("people", self.data.people, t("workload.person"))

    def on_resize(self, event: events.Resize) -> None:
        # The name column takes what a new width leaves; after the resize is laid out (the tables' columns
        # made again while the table handles its own resize kept the old widths).
        if hasattr(self, "data") and self.app.size.width != self._filled_width:
            self.call_after_refresh(self._fill_tables)

    @staticmethod
    def _shown_name(row: LoadRow) -> str:
        if row.id is None:
            return t("workload.nobody" if row.kind == "person" else "workload.no_desk")
        return one_line(row.label, 200)

    def _room(self, headings: dict[str, Text]) -> int:
        """The cells the screen leaves the name column beside these count headings."""
        counts = sum(_width(heading) + _CELL_PADDING for heading in headings.values())
        return self.app.size.width - counts - _CELL_PADDING - _SCROLLBAR

    def _fill(self, name: str, rows: tuple[LoadRow, ...], first: str) -> None:
        table: DataTable[object] = self.query_one(f"#{name}", DataTable)
        keep = table.cursor_row
        table.clear(columns=True)
        names = [self._shown_name(row) for row in rows]
        wanted = min(NAME_WIDTH[1], max((cell_len(n) for n in names), default=0))
        headings = {key: Text(t(f"workload.{key}")) for key in COUNTS}
        if self._room(headings) < wanted:
            headings = {key: two_lines(heading.plain) for key, heading in headings.items()}
        table.header_height = max(len(heading.plain.split("\n")) for heading in headings.values())
        widths = {key: _width(heading) for key, heading in headings.items()}
        name_width = max(NAME_WIDTH[0], min(NAME_WIDTH[1], self._room(headings)))
        table.add_column(first, key="name")
        for key, heading in headings.items():
            table.add_column(heading, key=key)
        for row, shown in zip(rows, names, strict=True):
            label = Text(fit_label(shown, name_width).rstrip())
            if row.id is None:
                label.stylize(self.style("dim"))
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
