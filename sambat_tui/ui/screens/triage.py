"""Coordinator triage: the complaints routing left in ``received``, and those returned as *bukan wewenang*.

The list is ordered by the verification deadline. Below it, the highlighted complaint's explanation (why the
routing engine could not decide, or the returning agency's reason) and its best guesses; ``1``-``3`` verify
and dispose to a guess in one step, ``a`` opens the reassign / dispose dialog, ``x`` archives with a reason,
``v`` sets the visibility, ``u`` shows likely duplicates, ``enter`` opens the complaint.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import ComposeResult
from textual.widgets import DataTable, Static

from sambat_tui.domain.sla import SlaState
from sambat_tui.domain.text_safety import one_line
from sambat_tui.domain.transitions import Permission
from sambat_tui.ui import fmt
from sambat_tui.ui.flows import Target
from sambat_tui.ui.i18n import label, t
from sambat_tui.ui.keys import Scope, bindings
from sambat_tui.ui.screens.supervision_view import SupervisionView
from sambat_tui.ui.supervision import act_key_state

if TYPE_CHECKING:
    from sambat_tui.services.exports import Table
    from sambat_tui.services.supervision import TriageItem

GUESSES_SHOWN = 3
_PERMISSIONS = {
    "guess": Permission.DISPOSE,
    "reassign": Permission.REASSIGN,
    "archive": Permission.ARCHIVE,
    "visibility": Permission.SET_VISIBILITY,
}
_SLA_STYLE = {SlaState.OVERDUE: "alert", SlaState.DUE_SOON: "warn", SlaState.OK: "ok"}


class TriageScreen(SupervisionView):
    SCOPE = Scope.TRIAGE
    BINDINGS = bindings(Scope.TRIAGE)
    VIEW = "triage"

    def body(self) -> ComposeResult:
        yield DataTable(id="triage-list", cursor_type="row")
        yield Static("", id="triage-detail")

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one("#triage-list", DataTable).focus()

    def reload(self, keep_id: str | None = None) -> None:
        self.items: tuple[TriageItem, ...] = self.port.triage()
        now = self.port.now()
        self.set_title(t("triage.title", n=len(self.items)))
        table: DataTable[object] = self.query_one("#triage-list", DataTable)
        keep = table.cursor_row
        table.clear(columns=True)
        for key in ("ref", "age", "sla", "status", "guess", "title"):
            table.add_column(t(f"triage.col.{key}"), key=key)
        for item in self.items:
            style = self.style(_SLA_STYLE[item.sla_state]) if item.sla_state else ""
            sla = Text(fmt.sla_days(item.sla_days_left), style=style)
            best = item.guesses[0] if item.guesses else None
            guess = one_line(best.agency_label, 24) if best is not None else t("triage.no_guess")
            table.add_row(
                Text(one_line(item.public_ref, 24)),
                Text(fmt.age(item.created_at, now)),
                sla,
                Text(label(item.status)),
                Text(guess, style="" if best else self.style("dim")),
                Text(one_line(item.title, 80)),
                key=item.complaint_id,
            )
        if self.items:
            index = next((i for i, x in enumerate(self.items) if x.complaint_id == keep_id), None)
            table.move_cursor(row=index if index is not None else min(keep, len(self.items) - 1))
        self._show_detail()
        self.refresh_bindings()

    @property
    def current(self) -> TriageItem | None:
        if not getattr(self, "items", ()):
            return None
        table = self.query_one("#triage-list", DataTable)
        return self.items[min(max(table.cursor_row, 0), len(self.items) - 1)]

    def _show_detail(self) -> None:
        item = self.current
        detail = self.query_one("#triage-detail", Static)
        if item is None:
            detail.update(Text(t("triage.empty"), style=self.style("dim")))
            return
        text = Text()
        text.append(one_line(item.public_ref, 24) + "  ", "bold")
        text.append(one_line(item.title, 200))
        text.append("\n")
        if item.returned_by:
            text.append(
                t("triage.returned_by", agency=one_line(item.returned_by, 40)) + " ", self.style("warn")
            )
        text.append(one_line(item.explanation, 400) or t("triage.no_explanation"), self.style("dim"))
        if not item.guesses:
            text.append("\n" + t("triage.no_guess"), self.style("dim"))
        for n, guess in enumerate(item.guesses[:GUESSES_SHOWN], start=1):
            place = one_line(guess.agency_label, 40)
            if guess.desk_label:
                place += " / " + one_line(guess.desk_label, 50)
            text.append(f"\n [{n}] ", "bold")
            text.append(place)
            words = ", ".join(one_line(w, 30) for w in guess.matched[:6])
            text.append(
                f"  {t('triage.score', score=f'{guess.score:.2f}')}" + (f" · {words}" if words else ""),
                self.style("dim"),
            )
        detail.update(text)

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        event.stop()
        self._show_detail()
        self.refresh_bindings()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_open()

    def table(self) -> Table:
        from sambat_tui.services.exports import triage_table

        return triage_table(self.items)

    # -- keys ---------------------------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in _PERMISSIONS:
            state = act_key_state(self.ctx, _PERMISSIONS[action])
            if state is not True:
                return state
            item = self.current
            if item is None:
                return None
            if action == "guess":
                index = parameters[0] if parameters and isinstance(parameters[0], int) else 0
                return True if index < len(item.guesses[:GUESSES_SHOWN]) else None
            return True
        return True

    def _targets(self) -> list[Target]:
        item = self.current
        return [Target(item.complaint_id, item.public_ref, item.status)] if item else []

    def _after(self) -> None:
        """Reread the queue; the cursor stays at the same place, now the next complaint (fast triage)."""
        self.reload()

    def action_open(self) -> None:
        item = self.current
        if item is None:
            return
        from sambat_tui.ui.screens.complaint import ComplaintScreen

        self.app.push_screen(ComplaintScreen(self.ctx, self.flows, item.complaint_id))

    def action_guess(self, index: int) -> None:
        item = self.current
        if item is None or not 0 <= index < len(item.guesses[:GUESSES_SHOWN]):
            self.notify(t("triage.no_guess"), severity="warning")
            return
        self.acting.dispose_to_guess(item, item.guesses[index], self._after)

    def action_reassign(self) -> None:
        self.acting.reassign(self._targets(), self._after)

    def action_archive(self) -> None:
        self.acting.archive(self._targets(), self._after)

    def action_visibility(self) -> None:
        self.acting.visibility(self._targets(), self._after)

    def action_duplicates(self) -> None:
        item = self.current
        if item is None:
            return
        from sambat_tui.ui.screens.duplicates import DuplicatesScreen

        self.app.push_screen(DuplicatesScreen(self.ctx, self.flows, self.port, item.complaint_id))
