"""Horizontal bar rows a supervisor reads at a glance: a label, a bar, the number.

Built as one Rich ``Text`` per render, with at most four style runs per row (label, bar, alert part, value)
so a redraw costs few escape sequences on a slow link. Colours come from the theme through the component
classes below; a row's ``alert`` part (overdue items, missed deadlines) is drawn in the error colour at the
start of its bar. Labels come from the server's directory and are neutralised to one line.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from rich.cells import cell_len, set_cell_size
from rich.text import Text
from textual.geometry import Size
from textual.widget import Widget

from sambat_tui.domain.text_safety import one_line

FULL = "█"
EIGHTHS = " ▏▎▍▌▋▊▉"
TRACK = "░"


def fit_label(label: str, width: int) -> str:
    """``label`` as exactly ``width`` cells: padded when it fits, else cut in the middle (``UPT Pemel…
    Lowokwaru)``). Names in one chart often share a long start ("UPT Pemeliharaan Wilayah Selatan ...",
    "... Utara ..."), so a cut end would draw two rows with the same label at 80 columns."""
    if width <= 0:
        return ""
    if cell_len(label) <= width:
        return set_cell_size(label, width)
    head = set_cell_size(label, (width - 1) // 2)
    room, tail = width - 1 - cell_len(head), ""
    for char in reversed(label):
        if cell_len(char + tail) > room:
            break
        tail = char + tail
    return set_cell_size(head + "…" + tail, width)


@dataclass(frozen=True)
class BarRow:
    label: str
    value: float
    text: str
    """Written after the bar: the number as a person reads it (``41 (5)``, ``82%``)."""
    alert: float = 0.0
    """The part of ``value`` drawn in the alert colour (at most ``value``)."""


def bar_cells(value: float, top: float, width: int) -> tuple[str, int]:
    """The bar for ``value`` on a scale where ``top`` fills ``width`` cells, in eighths of a cell; and how
    many cells it takes."""
    if width <= 0 or top <= 0 or value <= 0:
        return "", 0
    eighths = round(8 * width * min(value, top) / top)
    whole, rest = divmod(eighths, 8)
    bar = FULL * whole + (EIGHTHS[rest] if rest else "")
    return bar, len(bar)


class BarChart(Widget):
    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "bar-chart--bar",
        "bar-chart--alert",
        "bar-chart--track",
        "bar-chart--label",
        "bar-chart--value",
    }

    def __init__(
        self,
        rows: tuple[BarRow, ...] = (),
        *,
        top: float | None = None,
        track: bool = False,
        empty: str = "",
        label_width: int = 26,
        id: str | None = None,
    ) -> None:
        super().__init__(id=id)
        self.rows = rows
        self.top = top
        """The value that fills a bar; default the largest row's."""
        self.track = track
        """Draw the unfilled rest of each bar (for shares of a whole, e.g. percentages)."""
        self.empty = empty
        self.label_width = label_width

    def show(self, rows: tuple[BarRow, ...], *, top: float | None = None, empty: str | None = None) -> None:
        self.rows, self.top = rows, top
        if empty is not None:
            self.empty = empty
        self.refresh(layout=True)

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return max(1, len(self.rows))

    def render(self) -> Text:
        if not self.rows:
            return Text(self.empty, style=self.get_component_rich_style("bar-chart--value", partial=True))
        style = {
            name: self.get_component_rich_style(f"bar-chart--{name}", partial=True)
            for name in ("bar", "alert", "track", "label", "value")
        }
        top = self.top if self.top is not None else max(r.value for r in self.rows)
        label_width = min(self.label_width, max(8, self.size.width // 3))
        value_width = max(cell_len(r.text) for r in self.rows) + 1
        bar_width = max(4, self.size.width - label_width - value_width - 2)
        text = Text(no_wrap=True, overflow="crop", end="")
        for index, row in enumerate(self.rows):
            if index:
                text.append("\n")
            text.append(fit_label(one_line(row.label, 200), label_width) + " ", style["label"])
            whole_bar, whole_cells = bar_cells(row.value, top, bar_width)
            # The alert part in whole cells, so the two colours meet without a half-empty cell between them.
            alert_cells = (
                min(whole_cells, round(bar_width * min(row.alert, row.value) / top)) if top > 0 else 0
            )
            if row.alert > 0 and alert_cells == 0 and whole_cells:
                alert_cells = 1
            if alert_cells:
                text.append(FULL * alert_cells, style["alert"])
            if whole_bar[alert_cells:]:
                text.append(whole_bar[alert_cells:], style["bar"])
            used = whole_cells
            filler = TRACK if self.track else " "
            text.append(filler * (bar_width - used), style["track"] if self.track else None)
            text.append(" " + row.text.rjust(value_width - 1), style["value"])
        return text
