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

The shipped catalogues are kept parsed in ``__pycache__`` beside them, as Python keeps byte-code, and under
the same rule (not written when ``sys.dont_write_bytecode``): reading a 15 KB TOML file with ``tomllib`` and
checking its 400 messages was ~9 ms of every start of the app, reading the kept form is ~0.5 ms. The kept
form names the size and CRC-32 of the text it came from, and any other text is parsed again.
"""

from __future__ import annotations

import contextlib
import marshal
import os
import string
import sys
import tomllib
import zlib
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
KEPT_DIR = Path(__file__).with_name("__pycache__")
"""Where the parsed shipped catalogues are kept."""
_KEPT_FORMAT = 1


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
    return _shipped(text, lang, name)


def _shipped(text: str, lang: str, source: str) -> Catalogue:
    """A shipped catalogue: its kept parsed form if that came from this very text, else parsed (and kept)."""
    data = text.encode("utf-8")
    stamp = (_KEPT_FORMAT, len(data), zlib.crc32(data))
    kept = KEPT_DIR / f"{lang}.toml.catalogue"
    try:
        kept_stamp, entries = marshal.loads(kept.read_bytes())
        if kept_stamp == stamp:
            messages = {
                key: Message(MappingProxyType(forms), plural, placeholders)
                for key, (forms, plural, placeholders) in entries.items()
            }
            return Catalogue(lang=lang, messages=MappingProxyType(messages), source=source)
    except (OSError, EOFError, ValueError, TypeError, AttributeError):
        pass  # none kept yet, or unreadable: parsed again, and kept anew
    catalogue = parse_catalogue(text, lang, source)
    if not sys.dont_write_bytecode:
        entries = {k: (dict(m.forms), m.plural, m.placeholders) for k, m in catalogue.messages.items()}
        part = kept.with_name(f"{kept.name}.{os.getpid()}.part")
        try:
            KEPT_DIR.mkdir(exist_ok=True)
            part.write_bytes(marshal.dumps((stamp, entries)))
            part.replace(kept)  # whole or not at all, for another process reading it meanwhile
        except OSError:  # a read-only install (or a full disk) parses at each start, as Python compiles
            with contextlib.suppress(OSError):
                part.unlink(missing_ok=True)
    return catalogue


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
