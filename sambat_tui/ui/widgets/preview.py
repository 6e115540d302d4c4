"""The preview pane beside the inbox list (``p``): the complaint under the cursor, short."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from rich.console import Group, RenderableType
from rich.style import Style
from rich.text import Text
from textual.widgets import Static

from sambat_tui.ui.i18n import t
from sambat_tui.ui.widgets import complaint_view as view

if TYPE_CHECKING:
    from sambat_tui.ui.ports import ComplaintDetail

PREVIEW_DESCRIPTION_LIMIT = 1_500


class Preview(Static):
    shown_ref: str | None = None

    def show(self, detail: ComplaintDetail | None, now: datetime) -> None:
        ref = detail.data.get("public_ref") if detail is not None else None
        self.shown_ref = ref if isinstance(ref, str) else None
        self.update(self._content(detail, now))

    def _content(self, detail: ComplaintDetail | None, now: datetime) -> RenderableType:
        if detail is None:
            return Text(t("notify.no_row"))
        label_style = Style(bold=True)
        parts: list[RenderableType] = [view.header(detail), Text("")]
        rows = view.field_rows(detail)[:5]
        parts.append(view.fields_text(rows, label_style))
        for name, due, words, _state in view.sla_clocks(detail, now)[2:3]:
            parts.append(Text.assemble((name, label_style), "  ", due, "  ", words))
        parts.append(Text(""))
        parts.append(view.description_text(detail, PREVIEW_DESCRIPTION_LIMIT))
        if detail.timeline:
            last = detail.timeline[-1]
            parts.append(Text(""))
            parts.append(view.entry_heading(last))
            body = view.entry_body(last)
            if body is not None:
                body.truncate(PREVIEW_DESCRIPTION_LIMIT)
                parts.append(body)
        return Group(*parts)
