"""What the supervisor's screens share: a title line, the status and key bars, going back, exporting the
view to CSV, reading again after a sync, and the styles their tables colour cells with."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from rich.style import Style
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import DataTable, Static

from sambat_tui.domain.text_safety import one_line
from sambat_tui.ui.flows import Context, Flows
from sambat_tui.ui.i18n import t
from sambat_tui.ui.keys import Scope, bindings
from sambat_tui.ui.messages import DataChanged
from sambat_tui.ui.supervision import SupervisionPort, SupervisorFlows
from sambat_tui.ui.widgets.key_bar import KeyBar
from sambat_tui.ui.widgets.status_bar import StatusBar
from sambat_tui.ui.stylesheets import SCREENS_CSS

if TYPE_CHECKING:
    from sambat_tui.services.exports import Table


class SupervisionView(Screen[None]):
    """A supervisor's view: subclasses give ``VIEW`` (the export name), ``body`` and ``reload``."""
    CSS_PATH = SCREENS_CSS

    SCOPE: ClassVar[Scope] = Scope.SUPERVISOR
    BINDINGS = bindings(Scope.SUPERVISOR)
    VIEW: ClassVar[str] = ""

    COMPONENT_CLASSES: ClassVar[set[str]] = {"view--alert", "view--warn", "view--ok", "view--dim"}

    def __init__(self, ctx: Context, flows: Flows, port: SupervisionPort) -> None:
        super().__init__(id=f"{self.VIEW}-view")
        self.ctx = ctx
        self.flows = flows
        self.port = port

    @property
    def acting(self) -> SupervisorFlows:
        return SupervisorFlows(self.app, self.ctx, self.flows)

    def compose(self) -> ComposeResult:
        yield Static("", id="view-title", classes="view-title")
        with Vertical(id="view-body"):
            yield from self.body()
        yield StatusBar(id="status-bar")
        yield KeyBar(id="key-bar")

    def body(self) -> ComposeResult:
        raise NotImplementedError

    def on_mount(self) -> None:
        self.reload()

    def reload(self) -> None:
        raise NotImplementedError

    def table(self) -> Table:
        """The view as an export table (``services.exports``)."""
        raise NotImplementedError

    def set_title(self, text: str) -> None:
        self.query_one("#view-title", Static).update(Text(one_line(text, 300)))

    def style(self, name: str) -> Style:
        return self.get_component_rich_style(f"view--{name}", partial=True)

    def count(self, value: int, kind: str, width: int = 0) -> Text:
        """A number cell right-aligned to ``width``, coloured when it is not zero (``alert`` for overdue,
        ``warn`` for due soon, ``ok`` for work done)."""
        style = self.style(kind) if value and kind else self.style("dim") if not value else ""
        return Text(str(value).rjust(width), style=style)

    def focused_table(self) -> DataTable[object] | None:
        focused: Widget | None = self.focused
        if isinstance(focused, DataTable):
            return focused
        tables = list(self.query(DataTable))
        return tables[0] if tables else None

    # -- keys ---------------------------------------------------------------------------------------------

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_cursor_down(self) -> None:
        table = self.focused_table()
        if table is not None:
            table.action_cursor_down()

    def action_cursor_up(self) -> None:
        table = self.focused_table()
        if table is not None:
            table.action_cursor_up()

    def action_export(self) -> None:
        try:
            path = self.port.export(self.VIEW, self.table())
        except (OSError, RuntimeError) as error:
            self.notify(t("export.failed", error=one_line(str(error), 200)), severity="error")
            return
        self.notify(t("export.done", path=one_line(str(path), 200)))

    def on_data_changed(self, message: DataChanged) -> None:
        self.reload()

    def relabel(self) -> None:
        self.reload()
        for widget in self.query("StatusBar, KeyBar"):
            widget.refresh()
