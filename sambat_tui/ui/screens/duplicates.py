"""Likely duplicates of one complaint, computed from the local cache: the same category, close in place
and time, similar words. ``l`` links this complaint as a duplicate of the highlighted one (it then follows
that one's status), ``L`` the other way round; both ask for the reason. ``enter`` opens the highlighted one.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import ComposeResult
from textual.widgets import DataTable, Static

from sambat_tui.domain.model import Status
from sambat_tui.domain.text_safety import one_line
from sambat_tui.domain.transitions import Permission
from sambat_tui.ui.flows import Context, Flows, Target, target_of
from sambat_tui.ui.i18n import t
from sambat_tui.ui.keys import MUTATING_ACTIONS, Scope, bindings
from sambat_tui.ui.screens.supervision_view import SupervisionView
from sambat_tui.ui.supervision import SupervisionPort, act_key_state

if TYPE_CHECKING:
    from sambat_tui.services.exports import Table
    from sambat_tui.services.supervision import DuplicateSuggestion


class DuplicatesScreen(SupervisionView):
    SCOPE = Scope.DUPLICATES
    BINDINGS = bindings(Scope.DUPLICATES)
    VIEW = "duplicates"

    def __init__(self, ctx: Context, flows: Flows, port: SupervisionPort, complaint_id: str) -> None:
        super().__init__(ctx, flows, port)
        self.complaint_id = complaint_id

    def body(self) -> ComposeResult:
        yield Static("", id="duplicates-subject", classes="view-heading")
        yield DataTable(id="duplicates", cursor_type="row")
        yield Static("", id="duplicates-empty", classes="view-empty")

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one("#duplicates", DataTable).focus()

    def _subject(self) -> Target | None:
        detail = self.ctx.session.complaints.get(self.complaint_id)
        return target_of(detail.data, self.complaint_id) if detail is not None else None

    def reload(self) -> None:
        detail = self.ctx.session.complaints.get(self.complaint_id)
        self.rows: tuple[DuplicateSuggestion, ...] = self.port.duplicates(self.complaint_id)
        ref = one_line(str(detail.data.get("public_ref", "")), 24) if detail else self.complaint_id
        self.set_title(t("duplicates.title", ref=ref, n=len(self.rows)))
        subject = Text(ref + "  ", "bold")
        if detail is not None:
            subject.append(one_line(str(detail.data.get("title", "")), 200))
        self.query_one("#duplicates-subject", Static).update(subject)
        table: DataTable[object] = self.query_one("#duplicates", DataTable)
        table.clear(columns=True)
        for key in ("ref", "score", "place", "days", "shared", "title"):
            table.add_column(t(f"duplicates.col.{key}"), key=key)
        for row in self.rows:
            if row.metres is not None:
                place = t("duplicates.metres", m=round(row.metres))
            else:
                place = t("duplicates.same_kelurahan") if row.same_kelurahan else "–"
            table.add_row(
                Text(one_line(row.public_ref, 24)),
                Text(f"{round(100 * row.score)}%", style=self.style("warn"), justify="right"),
                Text(place),
                Text(f"{row.days_apart:.1f}", justify="right"),
                Text(one_line(" ".join(row.shared), 40), style=self.style("dim")),
                Text(one_line(row.title, 80)),
                key=row.complaint_id,
            )
        empty = self.query_one("#duplicates-empty", Static)
        empty.display = not self.rows
        empty.update(Text(t("duplicates.none")))
        self.refresh_bindings()

    def table(self) -> Table:
        from sambat_tui.services.exports import duplicates_table

        return duplicates_table(self.rows)

    @property
    def current(self) -> DuplicateSuggestion | None:
        if not getattr(self, "rows", ()):
            return None
        table = self.query_one("#duplicates", DataTable)
        return self.rows[min(max(table.cursor_row, 0), len(self.rows) - 1)]

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in MUTATING_ACTIONS:
            state = act_key_state(self.ctx, Permission.LINK_DUPLICATE)
            return state if state is not True or self.current is not None else None
        return True

    def _other(self) -> Target | None:
        row = self.current
        if row is None:
            return None
        try:
            status = Status(row.status)
        except ValueError:
            return None
        return Target(row.complaint_id, row.public_ref, status)

    def action_open(self) -> None:
        row = self.current
        if row is None:
            return
        from sambat_tui.ui.screens.complaint import ComplaintScreen

        self.app.push_screen(ComplaintScreen(self.ctx, self.flows, row.complaint_id))

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_open()

    def action_link_duplicate(self) -> None:
        """This complaint is a duplicate of the highlighted one."""
        subject, other = self._subject(), self._other()
        if subject is None or other is None:
            self.notify(t("notify.no_row"), severity="warning")
            return
        self.acting.link(subject, other, self.reload)

    def action_link_original(self) -> None:
        """The highlighted complaint is a duplicate of this one."""
        subject, other = self._subject(), self._other()
        if subject is None or other is None:
            self.notify(t("notify.no_row"), severity="warning")
            return
        self.acting.link(other, subject, self.reload)
