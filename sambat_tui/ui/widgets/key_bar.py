"""One line of the keys the screen offers now, translated; dimmed when a role or state cannot use them.

One widget drawing one line (Textual's line API), never laid out again after it is placed: when the cursor
moves to a row where "take" is not allowed, only that key's cells are redrawn (``refresh`` of its region),
not the whole line, so on a slow link the bar costs bytes only where it changed. When the set of keys
changes (the search field takes the focus and its own keys hide the list's, a remap, a role the first sync
brings) the line is drawn again in the same frame. An earlier bar made of one small widget per key paid a
layout for each such change, and Textual laid the labels whose width changed out once more in the next
frame: one more frame on the wire at the end of every search, ~30 ms after the first.

A bar too narrow for every key shows whole labels only, in order, and always the help key (``?``, which
lists them all): at 80 columns the help and quit keys were cut off the end of the line.

Under a dialog (another screen on top of the bar's) every key is drawn dimmed: none of them works there, and
the dialog says its own keys.
"""

from __future__ import annotations

from typing import ClassVar, NamedTuple

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from textual.geometry import Region
from textual.screen import Screen
from textual.strip import Strip
from textual.widget import Widget

from sambat_tui.ui.i18n import language, t
from sambat_tui.ui.keys import key_display

HELP_LABEL = "key.help"
"""The label always shown: from the help screen every other key can be found."""

GAP = 2
"""Cells after each label."""


class Placed(NamedTuple):
    """A label on the line: its key as displayed, the i18n key of its description, its cells."""

    key: str
    description: str
    x: int
    width: int  # without the gap


class KeyBar(Widget):
    COMPONENT_CLASSES: ClassVar[set[str]] = {"key-bar--key", "key-bar--disabled"}

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._wanted_keys: tuple[tuple[str, str], ...] = ()  # (key, description) the screen offers
        self._enabled: dict[tuple[str, str], bool] = {}
        self._placed: tuple[Placed, ...] = ()  # what fits the width, in order
        self._placed_for: tuple[int, str] = (-1, "")  # (width, language) the placing was made for
        self._styles: tuple[Style, Style, Style, Style] | None = None  # (bar, key, disabled, blank)
        self._covered = False  # drawn for a dialog on top: every key dimmed

    def on_mount(self) -> None:
        # At once, not as a message: the bar changes in the frame of the key that changed it.
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed, immediate=True)
        self.app.screen_change_signal.subscribe(self, self._screen_changed)
        self._bindings_changed(self.screen)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)
        self.app.screen_change_signal.unsubscribe(self)

    @property
    def covered(self) -> bool:
        """Whether another screen (a dialog) is on top of this bar's: then none of its keys works."""
        return self.is_attached and self.app.screen is not self.screen

    def _screen_changed(self, _screen: Screen[object]) -> None:
        if self._covered != self.covered:
            self._covered = not self._covered
            self.refresh()

    def shown(self) -> list[tuple[str, str, bool]]:
        """(key as displayed, i18n key of the description, enabled) for each key the bar shows."""
        return [(p.key, p.description, self._enabled[(p.key, p.description)]) for p in self._place()]

    def update_now(self) -> None:
        """Take the screen's key states at once (its first rows are loaded: paint them in the first frame)."""
        self._bindings_changed(self.screen)

    @staticmethod
    def _wanted(screen: Screen[object]) -> list[tuple[str, str, bool]]:
        seen: set[str] = set()
        wanted: list[tuple[str, str, bool]] = []
        for key, active in screen.active_bindings.items():
            binding = active.binding
            if not binding.show:
                continue
            ident = binding.id or binding.action
            if ident in seen:
                continue
            seen.add(ident)
            wanted.append((key_display(key), binding.description, active.enabled))
        return wanted

    def _bindings_changed(self, screen: Screen[object]) -> None:
        if screen is not self.screen:
            return
        wanted = self._wanted(screen)
        keys = tuple((key, description) for key, description, _ in wanted)
        enabled = {(key, description): on for key, description, on in wanted}
        if keys != self._wanted_keys:
            self._wanted_keys, self._enabled = keys, enabled
            self._placed_for = (-1, "")
            self.refresh()
            return
        for placed in self._place():
            ident = (placed.key, placed.description)
            if enabled[ident] != self._enabled[ident]:
                self.refresh(Region(placed.x, 0, placed.width, 1))  # this label's cells only
        self._enabled = enabled

    def relabel(self) -> None:
        self._placed_for = (-1, "")
        self.refresh()

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._styles = None  # the theme or the CSS changed: read again at the next paint

    def _place(self) -> tuple[Placed, ...]:
        """The labels that fit whole, in order, keeping room for the help key wherever it stands."""
        width = self.size.width
        if self._placed_for == (width, language()):
            return self._placed
        widths = [cell_len(key) + 1 + cell_len(t(description)) for key, description in self._wanted_keys]
        pairs = list(zip(self._wanted_keys, widths, strict=True))
        reserved = sum(w + GAP for (_, description), w in pairs if description == HELP_LABEL)
        placed: list[Placed] = []
        x = 0
        full = False
        for (key, description), label_width in pairs:
            if description == HELP_LABEL:
                show = True
                reserved -= label_width + GAP
            else:
                show = not full and x + label_width + GAP + reserved <= width
                full = not show
            if show:
                placed.append(Placed(key, description, x, label_width))
                x += label_width + GAP
        self._placed, self._placed_for = tuple(placed), (width, language())
        return self._placed

    def render_line(self, y: int) -> Strip:
        if self._styles is None:
            # Once until the styles change: each read walks the widget's ancestors.
            bar = self.rich_style
            self._styles = (
                bar,
                bar + self.get_component_rich_style("key-bar--key", partial=True),
                bar + self.get_component_rich_style("key-bar--disabled"),
                Style(bgcolor=bar.bgcolor),  # the gaps and the rest of the line: no text, no colour of it
            )
        bar, key_style, disabled, blank = self._styles
        width = self.size.width
        segments: list[Segment] = []
        used = 0
        gap = Segment(" " * GAP, blank)
        for placed in self._place():
            label = " " + t(placed.description)
            if self._enabled[(placed.key, placed.description)] and not self._covered:
                segments += [Segment(placed.key, key_style), Segment(label, bar), gap]
            else:
                segments += [Segment(placed.key + label, disabled), gap]
            used += placed.width + GAP
        if used < width:
            segments.append(Segment(" " * (width - used), blank))
        return Strip(segments, max(width, used)).crop(0, width)
