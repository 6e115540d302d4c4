"""The app's CSS lives in two files, and names colours only through the theme's variables.

``app.tcss`` holds what the inbox's first frame needs, ``screens.tcss`` every other screen's, read once that
frame is out (parsing it before took ~12 ms of the frame's time). No widget carries its own CSS (each class's
DEFAULT_CSS was one parse more, ~2 ms each before the first frame); a theme switch recolours everything,
since nothing bypasses the variables.
"""

from __future__ import annotations

import importlib
import pkgutil
import re
from pathlib import Path

import pytest
from textual._color_constants import COLOR_NAME_TO_RGB
from textual.dom import DOMNode
from textual.screen import Screen

import sambat_tui.ui
from sambat_tui.ui.screens.inbox import InboxScreen
from sambat_tui.ui.screens.loading import LoadingScreen
from sambat_tui.ui.stylesheets import APP_CSS, SCREENS_CSS
from tests.ui.harness import running

_COLOUR_PROPERTIES = re.compile(
    r"(?:^|[;{\s])((?:[a-z-]*color|background|border[a-z-]*|outline[a-z-]*|tint)\s*:\s*([^;}]*))"
)


def _ui_classes() -> list[type[DOMNode]]:
    found: list[type[DOMNode]] = []
    for module in pkgutil.walk_packages(sambat_tui.ui.__path__, "sambat_tui.ui."):
        loaded = importlib.import_module(module.name)
        for value in vars(loaded).values():
            if isinstance(value, type) and issubclass(value, DOMNode) and value.__module__ == module.name:
                found.append(value)
    return found


def test_no_widget_or_screen_carries_its_own_css() -> None:
    classes = _ui_classes()
    assert len(classes) > 20  # the walk found the app's widgets and screens
    carrying = [c.__qualname__ for c in classes if "DEFAULT_CSS" in vars(c) or "CSS" in vars(c)]
    assert not carrying, f"CSS belongs in {APP_CSS.name} or {SCREENS_CSS.name}: {carrying}"


def test_every_screen_but_the_inbox_names_the_screens_stylesheet() -> None:
    # Named, it is read by Textual when such a screen opens before the app has read it after the first frame.
    screens = [c for c in _ui_classes() if issubclass(c, Screen)]
    assert len(screens) > 10
    first = (InboxScreen, LoadingScreen)
    wrong = [
        c.__qualname__
        for c in screens
        if (c.CSS_PATH is None) != issubclass(c, first) or c.CSS_PATH not in (None, SCREENS_CSS)
    ]
    assert not wrong, f"CSS_PATH should be stylesheets.SCREENS_CSS (None for the first screen): {wrong}"


async def test_the_screens_stylesheet_is_read_after_the_first_frame_and_leaves_the_inbox_alone() -> None:
    async with running() as run:
        app = run.app
        assert app.stylesheet.has_source(str(SCREENS_CSS))  # read once the first frame was out
        nodes = list(app.screen.walk_children(with_self=True))
        before = [node.styles.css for node in nodes]
        # Nothing was styled again when the file was read: applying every rule now changes no inbox widget.
        app.stylesheet.update(app)
        assert [node.styles.css for node in nodes] == before
        assert len(nodes) > 5


@pytest.mark.parametrize("path", [APP_CSS, SCREENS_CSS], ids=lambda p: p.name)
def test_every_colour_in_the_stylesheets_is_a_theme_variable(path: Path) -> None:
    css = re.sub(r"/\*.*?\*/", "", path.read_text(encoding="utf-8"), flags=re.S)
    declarations = [m.group(1) for m in _COLOUR_PROPERTIES.finditer(css)]
    assert len(declarations) > 15  # the pattern does find the colour declarations
    named = set(COLOR_NAME_TO_RGB) - {"transparent"}
    wrong = []
    for declaration in declarations:
        value = declaration.split(":", 1)[1]
        words = set(re.findall(r"[a-z][a-z0-9_-]*", re.sub(r"\$[a-z0-9_-]+", "", value)))
        if re.search(r"#[0-9a-fA-F]{3,8}\b|\b(?:rgb|rgba|hsl|hsla)\(", value) or words & named:
            wrong.append(declaration.strip())
    assert not wrong, f"colours not from the theme: {wrong}"
