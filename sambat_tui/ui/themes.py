"""The two themes. Colours live here, as Textual theme variables; app.tcss only names variables.

Both keep the SLA colours ($success, $warning, $error) far apart in lightness as well as hue, so they stay
distinct on a 16-colour terminal and for colour-blind readers (the text says the state too).
"""

from __future__ import annotations

from textual.theme import Theme

SAMBAT_DARK = Theme(
    name="sambat-dark",
    primary="#4c9be8",
    secondary="#7fb3d5",
    accent="#f0b44c",
    warning="#e6a23c",
    error="#ef5f5f",
    success="#5cbf73",
    foreground="#e4e6e8",
    background="#15181b",
    surface="#1c2024",
    panel="#252a30",
    dark=True,
)

SAMBAT_LIGHT = Theme(
    name="sambat-light",
    primary="#1f5fa8",
    secondary="#3d6f99",
    accent="#a8620f",
    warning="#8f5a00",
    error="#b3261e",
    success="#1e7b34",
    foreground="#1b1d1f",
    background="#f6f6f4",
    surface="#ffffff",
    panel="#e8e9eb",
    dark=False,
)

THEMES: dict[str, Theme] = {"dark": SAMBAT_DARK, "light": SAMBAT_LIGHT}


def theme_name(choice: str) -> str:
    """The Textual theme for a config value: ``dark``/``light``, or a theme name Textual knows."""
    return THEMES[choice].name if choice in THEMES else choice
