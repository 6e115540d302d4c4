"""One line of the keys the screen offers now, translated; dimmed when a role or state cannot use them.

Each key is its own small widget, so when the cursor moves to a row where "take" is not allowed, only that
key's few cells are redrawn, not the whole line: on a slow link the bar costs bytes only where it changed.
The labels are made with the bar (``compose``), so the screen's first frame already holds them. When the set
of keys changes (the search field takes the focus and its own keys hide some, a remap, a role the first sync
brings) the labels take their new keys in place and the ones left over are hidden: removing and mounting
widgets cost two full frames and ~0.1 s each time (a new layout; Textual resets the focus when widgets go).

A bar too narrow for every key shows whole labels only, in order, and always the help key (``?``, which
lists them all): at 80 columns the help and quit keys were cut off the end of the line.
"""

from __future__ import annotations

from typing import ClassVar

from rich.cells import cell_len
from rich.text import Text
from textual.app import ComposeResult
from textual.geometry import Size
from textual.screen import Screen
from textual.widget import Widget

from sambat_tui.ui.i18n import t
from sambat_tui.ui.keys import key_display

HELP_LABEL = "key.help"
"""The label always shown: from the help screen every other key can be found."""


class KeyLabel(Widget):
    DEFAULT_CSS = """
    KeyLabel { width: auto; height: 1; padding: 0 2 0 0; }
    """

    COMPONENT_CLASSES: ClassVar[set[str]] = {"key-label--key"}

    def __init__(self, key: str, description: str, enabled: bool) -> None:
        super().__init__(classes="" if enabled else "-disabled")
        self.key = key
        self.description = description
        self.enabled = enabled

    def set_enabled(self, enabled: bool) -> None:
        if enabled != self.enabled:
            self.enabled = enabled
            self.set_class(not enabled, "-disabled")  # restyles and repaints this label only

    def show(self, key: str, description: str, enabled: bool) -> None:
        """Take another key; laid out again only when its width changes."""
        if not self.display:
            self.display = True
        if (key, description) != (self.key, self.description):
            width = cell_len(self.key) + cell_len(self._label())
            self.key, self.description = key, description
            self.refresh(layout=cell_len(key) + cell_len(self._label()) != width)
        self.set_enabled(enabled)

    def _label(self) -> str:
        return t(self.description)

    def get_content_width(self, container: Size, viewport: Size) -> int:
        return cell_len(self.key) + 1 + cell_len(self._label())

    def render(self) -> Text:
        # Two style runs at most: each run costs an escape sequence on the wire.
        if not self.enabled:
            return Text(f"{self.key} {self._label()}", no_wrap=True, end="")
        text = Text(no_wrap=True, end="")
        text.append(self.key, self.get_component_rich_style("key-label--key", partial=True))
        text.append(" " + self._label())
        return text


class KeyBar(Widget):
    DEFAULT_CSS = """
    KeyBar { height: 1; layout: horizontal; overflow: hidden; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._layout: tuple[tuple[str, str], ...] = ()  # (key, description) of the labels shown
        self._labels: list[KeyLabel] = []  # the labels shown, in order
        self._pool: list[KeyLabel] = []  # every label mounted; those past the shown ones are hidden

    def compose(self) -> ComposeResult:
        wanted = self._wanted(self.screen)
        self._layout = tuple((key, description) for key, description, _ in wanted)
        self._labels = [KeyLabel(key, description, enabled) for key, description, enabled in wanted]
        self._pool = list(self._labels)
        yield from self._labels

    def on_mount(self) -> None:
        # At once, not as a message: the labels change in the frame of the key that changed them.
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed, immediate=True)
        self._bindings_changed(self.screen)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def shown(self) -> list[tuple[str, str, bool]]:
        """(key as displayed, i18n key of the description, enabled) for each key the bar shows."""
        return [(label.key, label.description, label.enabled) for label in self._labels if label.display]

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
        layout = tuple((key, description) for key, description, _ in wanted)
        if layout == self._layout:
            for label, (_, _, enabled) in zip(self._labels, wanted, strict=True):
                label.set_enabled(enabled)
            return
        self._layout = layout
        for index, (key, description, enabled) in enumerate(wanted):
            if index < len(self._pool):
                self._pool[index].show(key, description, enabled)
            else:
                label = KeyLabel(key, description, enabled)
                self._pool.append(label)
                self.mount(label)
        for label in self._pool[len(wanted) :]:
            label.display = False
        self._labels = self._pool[: len(wanted)]
        self._fit()

    def on_resize(self) -> None:
        self._fit()

    def _fit(self) -> None:
        """Show the labels that fit whole, in order, keeping room for the help key wherever it stands."""
        width = self.size.width
        if not width:
            return
        # Content and gutter (the padding the CSS gives a label), as the layout will place them.
        widths = [
            label.get_content_width(Size(0, 0), Size(0, 0)) + label.styles.gutter.width
            for label in self._labels
        ]
        reserved = sum(
            w for label, w in zip(self._labels, widths, strict=True) if label.description == HELP_LABEL
        )
        used = 0
        full = False
        for label, label_width in zip(self._labels, widths, strict=True):
            if label.description == HELP_LABEL:
                show = True
                reserved -= label_width
            else:
                show = not full and used + label_width + reserved <= width
                full = not show
            if show:
                used += label_width
            if label.display != show:
                label.display = show

    def relabel(self) -> None:
        for label in self._labels:
            label.refresh(layout=True)
