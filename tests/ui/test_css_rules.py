"""The app's CSS lives in ``app.tcss`` alone, and names colours only through the theme's variables.

One file to read and to review; one parse at start-up (each widget class's own DEFAULT_CSS was one parse
more, ~2 ms each before the first frame); and a theme switch recolours everything, since nothing bypasses
the variables.
"""

from __future__ import annotations

import importlib
import pkgutil
import re
from pathlib import Path

from textual._color_constants import COLOR_NAME_TO_RGB
from textual.dom import DOMNode

import sambat_tui.ui

APP_TCSS = Path(sambat_tui.ui.__file__).parent / "app.tcss"
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
    assert not carrying, f"CSS belongs in {APP_TCSS.name}: {carrying}"


def test_every_colour_in_the_stylesheet_is_a_theme_variable() -> None:
    css = re.sub(r"/\*.*?\*/", "", APP_TCSS.read_text(encoding="utf-8"), flags=re.S)
    declarations = [m.group(1) for m in _COLOUR_PROPERTIES.finditer(css)]
    assert len(declarations) > 30  # the pattern does find the colour declarations
    named = set(COLOR_NAME_TO_RGB) - {"transparent"}
    wrong = []
    for declaration in declarations:
        value = declaration.split(":", 1)[1]
        words = set(re.findall(r"[a-z][a-z0-9_-]*", re.sub(r"\$[a-z0-9_-]+", "", value)))
        if re.search(r"#[0-9a-fA-F]{3,8}\b|\b(?:rgb|rgba|hsl|hsla)\(", value) or words & named:
            wrong.append(declaration.strip())
    assert not wrong, f"colours not from the theme: {wrong}"
