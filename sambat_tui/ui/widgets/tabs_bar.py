"""The filter tabs over the inbox, each with its count: Baru 12 · Dikerjakan 40 · Jatuh tempo 5 ...

Built-in tabs are labelled from the catalogue; a saved filter from the config shows its own name, which is
the user's text and is drawn as plain text. The right end shows the sort order and the active search.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual.widget import Widget

from sambat_tui.domain.text_safety import one_line
from sambat_tui.ui.i18n import current, t

if TYPE_CHECKING:
    from sambat_tui.ui.ports import Tab

_SEPARATOR = " · "
"""Between the parts of the info at the right end (marks, search, sort); the sort alone is one part."""


def tab_label(tab: Tab) -> str:
    translator = current()
    return translator.t(tab.label_key) if translator.has(tab.label_key) else one_line(tab.label_key, 30)


class TabsBar(Widget):
    COMPONENT_CLASSES: ClassVar[set[str]] = {"tabs-bar--active", "tabs-bar--count", "tabs-bar--info"}

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.tabs: tuple[Tab, ...] = ()
        self.counts: dict[str, int] = {}
        self.active = 0
        self.info = ""

    def show(self, tabs: tuple[Tab, ...], counts: dict[str, int], active: int, info: str) -> None:
        if (tabs, counts, active, info) != (self.tabs, self.counts, self.active, self.info):
            self.tabs, self.counts, self.active, self.info = tabs, dict(counts), active, info
            self.refresh()

    def relabel(self) -> None:
        self.refresh()

    def render(self) -> Text:
        active_style = self.get_component_rich_style("tabs-bar--active", partial=True)
        count_style = self.get_component_rich_style("tabs-bar--count", partial=True)
        info_style = self.get_component_rich_style("tabs-bar--info", partial=True)
        pieces: list[Text] = []
        for index, tab in enumerate(self.tabs):
            piece = Text(no_wrap=True)
            count = self.counts.get(tab.id)
            piece.append(f" {tab_label(tab)} ")
            if count is not None:
                piece.append(f"{count} ", count_style)
            if index == self.active:
                piece.stylize(active_style)
            pieces.append(piece)
        width = self.size.width
        info = Text(one_line(self.info, 60), style=info_style, no_wrap=True) if self.info else Text()
        # Scroll the tabs so the active one is on screen when they do not all fit in 80 columns.
        start = 0
        while start < self.active and sum(p.cell_len + 1 for p in pieces[start:]) + info.cell_len > width:
            start += 1
        line = Text(no_wrap=True, overflow="ellipsis", end="")
        if start:
            line.append("‹")
        active_end = line.cell_len
        for index, piece in enumerate(pieces[start:], start):
            line.append_text(piece)
            if index == self.active:
                active_end = line.cell_len
            line.append("│" if piece is not pieces[-1] else "")
        room = width - line.cell_len - info.cell_len
        if info and room >= 1:
            line.append(" " * room)
            line.append_text(info)
        elif info and _SEPARATOR in self.info and width - info.cell_len - 2 >= active_end:
            # Marks or a search are in force (the sort alone is one part): the tabs after the active one
            # give way, because what a bulk key acts on must stay in sight (the first tab cannot scroll).
            line.truncate(width - info.cell_len - 2)
            line.append("› ")
            line.append_text(info)
        elif line.cell_len > width:
            line.truncate(width - 1)
            line.append("›")
        return line


def sort_info(sort_key: str, descending: bool, query: str, marked: int) -> str:
    parts = [t("list.sort", sort=t(f"sort.{sort_key}"), direction="↓" if descending else "↑")]
    if query:
        parts.insert(0, t("search.active", query=one_line(query, 30)))
    if marked:
        parts.insert(0, t("list.marked", n=marked))
    return _SEPARATOR.join(parts) + " "
