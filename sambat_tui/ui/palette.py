"""Command palette (``ctrl+p``): jump to a reference, a filter tab, a theme, a language."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from textual.command import DiscoveryHit, Hit, Hits, Provider

from sambat_tui.ui.i18n import t

# MLG-2026-000123; the city prefix is letters, the number may be typed without its leading zeros.
REFERENCE = re.compile(r"[A-Za-z]{2,6}-\d{4}-\d{1,9}")


@dataclass(frozen=True)
class PaletteCommand:
    title: str
    help: str
    run: Callable[[], None]


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
