"""The UI's messages in Indonesian (the default) and English; see ``translator`` and ``catalogue``."""

from __future__ import annotations

from sambat_tui.ui.i18n.translator import (
    DEFAULT_LANGUAGE,
    LANGUAGES,
    MessageError,
    Translator,
    UnknownLanguage,
    current,
    label,
    language,
    normalise_language,
    set_language,
    t,
)

__all__ = [
    "DEFAULT_LANGUAGE",
    "LANGUAGES",
    "MessageError",
    "Translator",
    "UnknownLanguage",
    "current",
    "label",
    "language",
    "normalise_language",
    "set_language",
    "t",
]
