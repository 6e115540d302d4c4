"""Message catalogues of the UI: Indonesian (the default) and English.

A message is looked up by a stable key (``status.in_progress``, ``key.take``) and formatted with
``str.format`` fields. Both catalogues hold the same keys; a test keeps them in step. A key that is missing
from both (a message key a service sends that the UI does not know yet) shows as itself rather than failing.
"""

from __future__ import annotations

from collections.abc import Mapping

from sambat_tui.ui.i18n.lang_en import MESSAGES as _EN
from sambat_tui.ui.i18n.lang_id import MESSAGES as _ID

CATALOGUES: Mapping[str, Mapping[str, str]] = {"id": _ID, "en": _EN}
LANGUAGES: tuple[str, ...] = ("id", "en")
DEFAULT_LANGUAGE = "id"

_current: str = DEFAULT_LANGUAGE


class UnknownLanguage(ValueError):
    pass


def check_language(lang: str) -> str:
    """``lang`` normalised ("ID" -> "id"), or UnknownLanguage naming the ones there are."""
    normal = lang.strip().lower()
    if normal not in CATALOGUES:
        raise UnknownLanguage(f"unknown language {lang!r}; choose one of: {', '.join(LANGUAGES)}")
    return normal


def set_language(lang: str) -> None:
    global _current
    _current = check_language(lang)


def language() -> str:
    return _current


def has(key: str) -> bool:
    return key in CATALOGUES[_current]


def t(key: str, /, **fields: object) -> str:
    """The message ``key`` in the current language, its ``{fields}`` filled in."""
    template = CATALOGUES[_current].get(key)
    if template is None:
        return key
    return template.format(**fields) if fields else template
