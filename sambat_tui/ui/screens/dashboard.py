"""Dashboard: the figures a supervisor reads at a glance, over the last twelve weeks.

- first-response SLA compliance per week (a sparkline for the trend, then one bar per week, missed part in
  the alert colour);
- the backlog by category and by kecamatan (overdue part in the alert colour);
- median working days to the first response and to close, per desk.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Sparkline, Static

from sambat_tui.ui import fmt
from sambat_tui.ui.i18n import t
from sambat_tui.ui.screens.supervision_view import SupervisionView
from sambat_tui.ui.widgets.bar_chart import BarChart, BarRow

if TYPE_CHECKING:
    from sambat_tui.services.exports import Table
    from sambat_tui.services.supervision import BacklogRow, Dashboard

WEEKS = 12


def _days(value: float | None) -> str:
    return "–" if value is None else f"{value:g}"


def sla_rows(board: Dashboard) -> tuple[BarRow, ...]:
    rows = []
    for week in board.weeks:
        total = week.met + week.missed
        share = week.compliance
        text = "–" if share is None else f"{round(100 * share)}% {week.met}/{total}"
        # The bar is the whole week's deadlines; the missed ones are the alert part.
        rows.append(
            BarRow(str(week.week), 100.0 if total else 0.0, text, 100.0 * week.missed / total if total else 0)
        )
    return tuple(rows)


def backlog_rows(rows: tuple[BacklogRow, ...]) -> tuple[BarRow, ...]:
    return tuple(
        BarRow(
            r.label,
            float(r.open),
            t("dashboard.open_overdue", open=r.open, overdue=r.overdue),
            float(r.overdue),
        )
        for r in rows
    )


class DashboardScreen(SupervisionView):
    VIEW = "dashboard"

    def body(self) -> ComposeResult:
        with VerticalScroll(id="dashboard-body"):
            yield Static("", id="sla-heading", classes="dashboard-heading")
            yield Sparkline([], id="sla-trend")
            yield BarChart(id="sla", top=100.0, track=True)
            yield Static("", id="category-heading", classes="dashboard-heading")
            yield BarChart(id="by-category")
            yield Static("", id="kecamatan-heading", classes="dashboard-heading")
            yield BarChart(id="by-kecamatan")
            yield Static("", id="median-heading", classes="dashboard-heading")
            yield Static("", id="median-note", classes="dashboard-note")
            yield BarChart(id="median-first")
            yield Static("", id="median-close-heading", classes="dashboard-note")
            yield BarChart(id="median-close")

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one("#dashboard-body", VerticalScroll).focus()

    def reload(self) -> None:
        board = self.port.dashboard(WEEKS)
        self.board: Dashboard = board
        first, last = board.weeks[0].week, board.weeks[-1].week
        self.set_title(
            t(
                "dashboard.title",
                first=str(first),
                last=str(last),
                backlog=board.backlog,
                overdue=board.overdue,
                at=fmt.when(board.at),
            )
        )
        none = t("dashboard.none")
        self.query_one("#sla-heading", Static).update(Text(t("dashboard.sla")))
        trend = [100.0 * w.compliance if w.compliance is not None else 0.0 for w in board.weeks]
        self.query_one("#sla-trend", Sparkline).data = trend
        self.query_one("#sla", BarChart).show(sla_rows(board), top=100.0, empty=none)
        self.query_one("#category-heading", Static).update(Text(t("dashboard.by_category")))
        self.query_one("#by-category", BarChart).show(backlog_rows(board.by_category), empty=none)
        self.query_one("#kecamatan-heading", Static).update(Text(t("dashboard.by_kecamatan")))
        self.query_one("#by-kecamatan", BarChart).show(backlog_rows(board.by_kecamatan), empty=none)
        self.query_one("#median-heading", Static).update(Text(t("dashboard.medians")))
        self.query_one("#median-note", Static).update(Text(t("dashboard.median_first")))
        first_rows = tuple(
            BarRow(
                d.label,
                d.first_response_days or 0.0,
                f"{_days(d.first_response_days)} (n={d.first_responses})",
            )
            for d in board.desks
            if d.first_response_days is not None
        )
        close_rows = tuple(
            BarRow(d.label, d.close_days or 0.0, f"{_days(d.close_days)} (n={d.closes})")
            for d in board.desks
            if d.close_days is not None
        )
        self.query_one("#median-first", BarChart).show(first_rows, empty=none)
        self.query_one("#median-close-heading", Static).update(Text(t("dashboard.median_close")))
        self.query_one("#median-close", BarChart).show(close_rows, empty=none)

    def table(self) -> Table:
        from sambat_tui.services.exports import dashboard_table

        return dashboard_table(self.board)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return action != "open"  # nothing to open on a chart
