"""Looking messages up: a :class:`Translator` per language, and the app's current one.

``t("bar.pending", n=3)`` gives "3 menunggu kirim" in Indonesian (the default) and "3 pending" in English;
``label(Status.ON_HOLD)`` gives the label of any vocabulary value of ``domain.model``.

A missing key or a missing parameter is a bug. Under pytest (``PYTEST_CURRENT_TEST`` is set) or with
``SAMBAT_I18N_STRICT=1`` it raises :class:`MessageError`, so a test that draws the screen fails. For a user
the app keeps working: the message falls back to Indonesian, the source language, then to the key itself in
``⟦ ⟧``, and an unfilled ``{name}`` stays visible; each such miss is logged once.

Every text parameter passes through :func:`~sambat_tui.domain.text_safety.neutralise`: a complaint title
put into a confirmation cannot carry an escape sequence to the terminal. Markup is still the widget's job.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterator, Mapping
from decimal import Decimal
from enum import StrEnum
from functools import cache

from sambat_tui.domain.model import (
    Action,
    Channel,
    Classification,
    DispositionKind,
    Priority,
    Role,
    Status,
    UpdateKind,
    Visibility,
)
from sambat_tui.domain.sla import SlaState
from sambat_tui.domain.text_safety import neutralise
from sambat_tui.ui.i18n.catalogue import Catalogue, Message, load_catalogue

__all__ = [
    "DEFAULT_LANGUAGE",
    "ENUM_SECTIONS",
    "LANGUAGES",
    "MessageError",
    "Translator",
    "UnknownLanguage",
    "current",
    "label",
    "language",
    "normalise_language",
    "set_language",
    "shipped_catalogues",
    "t",
]

LANGUAGES: tuple[str, ...] = ("id", "en")
DEFAULT_LANGUAGE = "id"
STRICT_ENV = "SAMBAT_I18N_STRICT"

# The catalogue section that labels each vocabulary type: ``label(Status.CLOSED)`` is ``status.closed``.
ENUM_SECTIONS: Mapping[type[StrEnum], str] = {
    Status: "status",
    Action: "action",
    Role: "role",
    Visibility: "visibility",
    Channel: "channel",
    Classification: "classification",
    Priority: "priority",
    UpdateKind: "update",
    DispositionKind: "disposition",
    SlaState: "sla",
}

# Plural category of a count, per language (CLDR cardinal rules for integers).
_PLURAL_RULES: Mapping[str, Callable[[int], str]] = {
    "id": lambda n: "other",
    "en": lambda n: "one" if n == 1 else "other",
}
# Old and regional spellings people put in LANG or the config.
_ALIASES = {"in": "id", "ind": "id", "indonesian": "id", "bahasa": "id", "eng": "en", "english": "en"}

_log = logging.getLogger(__name__)


class UnknownLanguage(ValueError):
    pass


class MessageError(LookupError):
    """A message key or parameter the code asked for and the catalogue does not have: a bug."""


def normalise_language(tag: str) -> str:
    """``"en_US.UTF-8"``, ``"id-ID"``, ``"in"`` or ``"EN"`` -> a language code of :data:`LANGUAGES`."""
    base = tag.strip().split(".")[0].split("@")[0].replace("-", "_").split("_")[0].lower()
    base = _ALIASES.get(base, base)
    if base not in LANGUAGES:
        raise UnknownLanguage(f"unknown language {tag!r}; choose one of: {', '.join(LANGUAGES)}")
    return base


class _ShippedCatalogues(Mapping[str, Catalogue]):
    """Every language of :data:`LANGUAGES`, each catalogue read the first time it is asked for.

    The app shows one language: reading the other one too (TOML, every placeholder checked) was a tenth of
    what our code adds to the time to the first frame. The other is read when the language changes, when a
    message is missing from the current one (the fallback), or when a test goes through all of them.
    """

    def __init__(self) -> None:
        self._read: dict[str, Catalogue] = {}

    def __getitem__(self, lang: str) -> Catalogue:
        found = self._read.get(lang)
        if found is None:
            if lang not in LANGUAGES:
                raise KeyError(lang)
            # Two threads may both read it the first time; either copy is the same catalogue.
            found = self._read[lang] = load_catalogue(lang)
        return found

    def __contains__(self, lang: object) -> bool:
        return lang in LANGUAGES

    def __iter__(self) -> Iterator[str]:
        return iter(LANGUAGES)

    def __len__(self) -> int:
        return len(LANGUAGES)

    def loaded(self) -> tuple[str, ...]:
        """The languages read so far."""
        return tuple(lang for lang in LANGUAGES if lang in self._read)


@cache
def shipped_catalogues() -> _ShippedCatalogues:
    """The catalogues that ship with the app, each read once, when first asked for."""
    return _ShippedCatalogues()


def _strict_now() -> bool:
    # Read at each miss, not at import: a translator made at import time still fails inside a test.
    return os.environ.get(STRICT_ENV) == "1" or "PYTEST_CURRENT_TEST" in os.environ


class _KeepMissing(dict[str, object]):
    def __missing__(self, name: str) -> str:
        return "{" + name + "}"


def _safe(value: object) -> object:
    # Numbers keep their format specs; anything else is shown as text, neutralised.
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        return value
    return neutralise(value if isinstance(value, str) else str(value))


class Translator:
    """Messages of one language. ``strict=None`` decides at each miss: strict under pytest or the env flag."""

    def __init__(
        self,
        lang: str = DEFAULT_LANGUAGE,
        *,
        catalogues: Mapping[str, Catalogue] | None = None,
        strict: bool | None = None,
    ) -> None:
        self._catalogues = shipped_catalogues() if catalogues is None else catalogues
        if DEFAULT_LANGUAGE not in self._catalogues:
            raise UnknownLanguage(f"the catalogues must include the source language {DEFAULT_LANGUAGE!r}")
        code = lang if lang in self._catalogues else normalise_language(lang)
        if code not in self._catalogues:
            raise UnknownLanguage(f"no catalogue for language {lang!r}")
        self.lang = code
        self._catalogue = self._catalogues[code]
        self._strict = strict
        self._reported: set[str] = set()

    @property
    def strict(self) -> bool:
        return _strict_now() if self._strict is None else self._strict

    def has(self, key: str) -> bool:
        return key in self._catalogue

    def t(self, key: str, /, **params: object) -> str:
        """The message ``key`` with its ``{placeholders}`` filled from ``params``."""
        message = self._catalogue.messages.get(key)
        if message is None:
            self._miss(f"no message {key!r} in the {self.lang!r} catalogue")
            message = self._catalogues[DEFAULT_LANGUAGE].messages.get(key)
            if message is None:
                return f"⟦{key}⟧"
        template = self._pick_form(key, message, params)
        missing = message.placeholders - params.keys()
        unknown = params.keys() - message.placeholders - ({"n"} if message.plural else set())
        if missing or unknown:
            self._miss(
                f"message {key!r} takes {sorted(message.placeholders)}, "
                f"got {sorted(params)} (missing {sorted(missing)}, unknown {sorted(unknown)})"
            )
        return template.format_map(_KeepMissing({name: _safe(value) for name, value in params.items()}))

    def label(self, value: StrEnum) -> str:
        """The label of a vocabulary value: ``label(Status.ON_HOLD)`` -> "Ditunda"."""
        section = ENUM_SECTIONS.get(type(value))
        if section is None:
            known = ", ".join(sorted(kind.__name__ for kind in ENUM_SECTIONS))
            raise TypeError(f"no labels for {type(value).__name__}; labelled types: {known}")
        return self.t(f"{section}.{value.value}")

    def _pick_form(self, key: str, message: Message, params: Mapping[str, object]) -> str:
        if not message.plural:
            return message.template()
        count = params.get("n")
        if isinstance(count, bool) or not isinstance(count, int):
            self._miss(f"plural message {key!r} needs an int parameter n, got {count!r}")
            return message.template()
        rule = _PLURAL_RULES.get(self.lang, _PLURAL_RULES[DEFAULT_LANGUAGE])
        return message.template(rule(count))

    def _miss(self, problem: str) -> None:
        if self.strict:
            raise MessageError(problem)
        if problem not in self._reported:
            self._reported.add(problem)
            _log.error("i18n: %s", problem)


_current: Translator | None = None


def current() -> Translator:
    """The translator of the app's language (Indonesian until :func:`set_language` says otherwise)."""
    global _current
    if _current is None:
        _current = Translator(DEFAULT_LANGUAGE)
    return _current


def set_language(lang: str) -> Translator:
    """Switch the app's language; ``lang`` may be a locale such as ``en_US.UTF-8``."""
    global _current
    _current = Translator(lang)
    return _current


def language() -> str:
    return current().lang


def t(key: str, /, **params: object) -> str:
    """:meth:`Translator.t` of the current language."""
    return current().t(key, **params)


def label(value: StrEnum) -> str:
    """:meth:`Translator.label` of the current language."""
    return current().label(value)
