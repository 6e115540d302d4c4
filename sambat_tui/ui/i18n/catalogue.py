"""Message catalogues: one TOML file per language, read with the standard library and checked on load.

A translator edits ``id.toml`` or ``en.toml`` next to this module: sections group the keys (``[status]``
holds ``status.received`` ...), comments give context, and ``{name}`` marks a value filled in at run time,
which must be kept as it is. A message that depends on a count is a small table of plural forms picked by
the parameter ``n``::

    conflicts = { one = "{n} conflict", other = "{n} conflicts" }

A table of plural forms always has ``other``; Indonesian needs only the plain form, English uses ``one`` and
``other``.

Loading refuses what would break at run time: an empty message, a value that is neither text nor plural
forms, a malformed ``{``, and placeholders other than plain names (``{n.__class__}`` or ``{0}`` could read
more than the caller meant to show). :func:`check_catalogues` compares languages: the same keys, the same
placeholders.
"""

from __future__ import annotations

import string
import tomllib
from collections.abc import Iterator, Mapping
from pathlib import Path
from types import MappingProxyType
from typing import NamedTuple

from sambat_tui.domain.package_data import package_text

__all__ = [
    "PLURAL_FORMS",
    "Catalogue",
    "CatalogueError",
    "Message",
    "check_catalogues",
    "load_catalogue",
    "parse_catalogue",
]

PLURAL_FORMS: frozenset[str] = frozenset({"zero", "one", "two", "few", "many", "other"})
_FORMATTER = string.Formatter()


class CatalogueError(ValueError):
    """A catalogue file that cannot be used; the message names the file and the key."""


class Message(NamedTuple):
    """One message: either a single template or plural forms keyed by CLDR category (``other`` always)."""

    forms: Mapping[str, str]
    plural: bool
    placeholders: frozenset[str]

    def template(self, form: str = "other") -> str:
        return self.forms.get(form, self.forms["other"])


class Catalogue(NamedTuple):
    lang: str
    messages: Mapping[str, Message]
    source: str

    def __contains__(self, key: object) -> bool:
        return key in self.messages

    def keys(self) -> Iterator[str]:
        return iter(self.messages)


def _placeholders(template: str, where: str) -> frozenset[str]:
    names: set[str] = set()
    try:
        parsed = list(_FORMATTER.parse(template))
    except ValueError as error:
        raise CatalogueError(
            f"{where}: malformed braces in {template!r} ({error}); write {{{{ for a brace"
        ) from None
    for _literal, field, spec, conversion in parsed:
        if field is None:
            continue
        if not field.isidentifier():
            raise CatalogueError(
                f"{where}: placeholder {{{field}}} must be a plain name such as {{n}} (no index or attribute)"
            )
        if conversion is not None or (spec and "{" in spec):
            raise CatalogueError(
                f"{where}: placeholder {{{field}}} may not use !conversions or nested fields"
            )
        names.add(field)
    return frozenset(names)


def _is_plural(value: object) -> bool:
    # A table of CLDR forms including "other" is one message; any other table is a section, so a section
    # may still hold a key such as "many" ("targets.many").
    return isinstance(value, dict) and "other" in value and set(value) <= PLURAL_FORMS


def _message(value: object, where: str) -> Message:
    if isinstance(value, str):
        if not value.strip():
            raise CatalogueError(f"{where}: the message is empty")
        return Message(MappingProxyType({"other": value}), False, _placeholders(value, where))
    if isinstance(value, dict) and _is_plural(value):
        forms: dict[str, str] = {}
        names: set[str] = set()
        for form, text in value.items():
            if not isinstance(text, str) or not text.strip():
                raise CatalogueError(f"{where}.{form}: a plural form must be non-empty text")
            forms[form] = text
            names |= _placeholders(text, f"{where}.{form}")
        return Message(MappingProxyType(forms), True, frozenset(names))
    raise CatalogueError(f"{where}: expected text or plural forms, got {type(value).__name__}")


def _flatten(table: Mapping[str, object], prefix: str, source: str, out: dict[str, Message]) -> None:
    for name, value in table.items():
        key = f"{prefix}{name}"
        if isinstance(value, dict) and not _is_plural(value):
            _flatten(value, f"{key}.", source, out)
        else:
            out[key] = _message(value, f"{source}: {key}")


def parse_catalogue(text: str, lang: str, source: str = "<text>") -> Catalogue:
    """A catalogue from TOML text; ``source`` names it in errors."""
    try:
        table = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise CatalogueError(f"{source}: not valid TOML: {error}") from None
    messages: dict[str, Message] = {}
    _flatten(table, "", source, messages)
    return Catalogue(lang=lang, messages=MappingProxyType(messages), source=source)


def load_catalogue(lang: str, directory: Path | None = None) -> Catalogue:
    """Read ``<lang>.toml`` from ``directory``, by default the catalogues shipped next to this module."""
    name = f"{lang}.toml"
    if directory is not None:
        path = directory / name
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise CatalogueError(f"no catalogue for language {lang!r} ({path})") from None
        return parse_catalogue(text, lang, str(path))
    try:
        text = package_text(__package__, name)
    except FileNotFoundError:
        raise CatalogueError(f"no catalogue for language {lang!r} in {__package__}") from None
    return parse_catalogue(text, lang, name)


def check_catalogues(catalogues: Mapping[str, Catalogue]) -> list[str]:
    """Every way the languages disagree: a key only some have, or different placeholders for one key."""
    problems: list[str] = []
    every_key = sorted({key for catalogue in catalogues.values() for key in catalogue.messages})
    langs = sorted(catalogues)
    for key in every_key:
        missing = [lang for lang in langs if key not in catalogues[lang]]
        if missing:
            problems.append(f"{key}: missing in {', '.join(missing)}")
            continue
        fields = {lang: catalogues[lang].messages[key].placeholders for lang in langs}
        if len(set(fields.values())) > 1:
            shown = "; ".join(f"{lang} {{{', '.join(sorted(names))}}}" for lang, names in fields.items())
            problems.append(f"{key}: placeholders differ: {shown}")
    return problems
