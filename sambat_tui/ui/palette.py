"""Command palette (``ctrl+p``): jump to a reference, a filter tab, a theme, a language."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from rich.align import Align
from rich.text import Text
from textual.command import CommandList, CommandPalette, DiscoveryHit, Hit, Hits, Provider
from textual.widgets.option_list import Option

from sambat_tui.ui.i18n import t
from sambat_tui.ui.stylesheets import SCREENS_CSS

# MLG-2026-000123; the city prefix is letters, the number may be typed without its leading zeros.
REFERENCE = re.compile(r"[A-Za-z]{2,6}-\d{4}-\d{1,9}")


@dataclass(frozen=True)
class PaletteCommand:
    title: str
    help: str
    run: Callable[[], object]


@runtime_checkable
class PaletteHost(Protocol):
    def palette_commands(self) -> list[PaletteCommand]: ...
    def open_reference(self, ref: str) -> None: ...


def normal_reference(text: str) -> str | None:
    """``mlg-2026-123`` -> ``MLG-2026-000123``; None when the text is not a reference."""
    text = text.strip()
    if not REFERENCE.fullmatch(text):
        return None
    prefix, year, number = text.split("-")
    return f"{prefix.upper()}-{year}-{int(number):06d}"


class SambatCommands(Provider):
    def _host(self) -> PaletteHost | None:
        app = self.app
        return app if isinstance(app, PaletteHost) else None

    async def search(self, query: str) -> Hits:
        host = self._host()
        if host is None:
            return
        ref = normal_reference(query)
        if ref is not None:
            title = t("palette.open_ref", ref=ref)
            yield Hit(
                1.0, title, lambda: host.open_reference(ref), text=title, help=t("palette.open_ref_help")
            )
        matcher = self.matcher(query)
        for command in host.palette_commands():
            score = matcher.match(command.title)
            if score > 0:
                yield Hit(
                    score,
                    matcher.highlight(command.title),
                    command.run,
                    text=command.title,
                    help=command.help,
                )

    async def discover(self) -> Hits:
        host = self._host()
        if host is None:
            return
        for command in host.palette_commands():
            yield DiscoveryHit(command.title, command.run, text=command.title, help=command.help)


class SambatPalette(CommandPalette):
    """Textual's palette, with its own words in the user's language (Textual writes them in English)."""

    CSS_PATH = SCREENS_CSS  # the rule of every screen after the first (ui/stylesheets.py)

    def __init__(self) -> None:
        super().__init__(id="--command-palette", placeholder=t("palette.placeholder"))

    def _start_no_matches_countdown(self, search_value: str) -> None:
        # Textual's own steps (textual 8.2, command.py), for its hard-coded "No matches found" alone.
        self._stop_no_matches_countdown()

        def show_no_matches() -> None:
            if search_value:
                self.query_one(CommandList).add_option(
                    Option(
                        Align.center(Text(t("palette.no_matches"), style="not bold")),
                        disabled=True,
                        id=self._NO_MATCHES,
                    )
                )
                self._list_visible = True
            else:
                self._list_visible = False

        self._no_matches_timer = self.set_timer(self._NO_MATCHES_COUNTDOWN, show_no_matches)
