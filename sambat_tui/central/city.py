"""A city's own data: the reference tables, holidays, SLA, routing rules and Open311 attributes it edits.

``--city-dir DIR`` (or ``SAMBAT_CITY_DIR``) names a directory; each of ``CITY_FILES`` that DIR holds replaces
the shipped default of ``domain/data``, and a file it does not hold stays the shipped one. Everything is read
and checked at once, before a command opens the database, so a mistake stops the start with the file (and
the line, where there is one) named, and nothing is half-loaded. ``sambat-central city init DIR`` copies the
shipped files there to edit.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any, TypeVar

from sambat_tui.central.context import Settings
from sambat_tui.central.open311.services import ATTRIBUTES_FILE, AttributeCatalogue, AttributesFileError
from sambat_tui.domain.calendar import WorkingCalendar
from sambat_tui.domain.holidays import DEFAULT_FILE as HOLIDAYS_FILE
from sambat_tui.domain.holidays import HolidayFileError
from sambat_tui.domain.reference import (
    REFERENCE_FILES,
    Reference,
    ReferenceFileError,
    load_reference,
)
from sambat_tui.domain.routing import Router
from sambat_tui.domain.routing_rules import DEFAULT_RULES_FILE, RoutingRulesError
from sambat_tui.domain.sla import DEFAULT_FILE as SLA_FILE
from sambat_tui.domain.sla import SlaPolicy, SlaPolicyError

ENV_VAR = "SAMBAT_CITY_DIR"
CITY_FILES: tuple[str, ...] = (*REFERENCE_FILES, HOLIDAYS_FILE, SLA_FILE, DEFAULT_RULES_FILE, ATTRIBUTES_FILE)
_T = TypeVar("_T")
DATABASE_TABLES = frozenset({"agencies.csv", "desks.csv", "categories.csv"})
"""The tables the database keeps a copy of (and sends down the change feed)."""


class CityDataError(Exception):
    """The city directory or one of its files cannot be used; the message says which and where."""


@dataclass(frozen=True)
class City:
    directory: Path | None
    reference: Reference
    calendar: WorkingCalendar
    policy: SlaPolicy
    router: Router
    attributes: AttributeCatalogue

    @property
    def overridden(self) -> tuple[str, ...]:
        """The city files the directory holds (the others are the shipped defaults)."""
        return tuple(name for name in CITY_FILES if _own(self.directory, name) is not None)

    @property
    def ignored(self) -> tuple[str, ...]:
        """Data-looking files in the directory that are not city files: most likely a misspelt name."""
        if self.directory is None:
            return ()
        return tuple(
            sorted(
                p.name
                for p in self.directory.iterdir()
                if p.is_file() and p.suffix in (".csv", ".toml") and p.name not in CITY_FILES
            )
        )

    def settings(self, data_dir: Path, **options: Any) -> Settings:
        """The server settings with this city's data; ``options`` are the other ``Settings`` fields."""
        return Settings(
            data_dir=data_dir,
            reference=self.reference,
            router=self.router,
            calendar=self.calendar,
            policy=self.policy,
            attributes=self.attributes,
            reference_from_files=bool(DATABASE_TABLES & set(self.overridden)),
            **options,
        )


def city_dir_from(option: Path | None, environ: Mapping[str, str] = os.environ) -> Path | None:
    """The city directory: the command-line option, else ``SAMBAT_CITY_DIR`` (unset or empty: none)."""
    if option is not None:
        return option
    value = environ.get(ENV_VAR, "").strip()
    return Path(value) if value else None


def _own(directory: Path | None, name: str) -> Path | None:
    if directory is None:
        return None
    path = directory / name
    return path if path.is_file() else None


_RULE_LINE = r'^\s*id\s*=\s*["\']{}["\']'


def _rule_line(path: Path, rule_id: str) -> int | None:
    """The line where a rule's ``id = "..."`` stands, to point the city at it."""
    pattern = re.compile(_RULE_LINE.format(re.escape(rule_id)))
    lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    return next((n for n, line in enumerate(lines, 1) if pattern.match(line)), None)


def _routing_message(error: RoutingRulesError, path: Path | None) -> str:
    line = _rule_line(path, error.rule_id) if path is not None and error.rule_id is not None else None
    if line is None:
        return str(error)
    return f"{error.source}, line {line}: {str(error).removeprefix(f'{error.source}: ')}"


def _read(directory: Path | None, name: str, load: Callable[[Path | None], _T]) -> _T:
    """``load`` the city's copy of ``name`` (None: the shipped one), its read failures named."""
    path = _own(directory, name)
    try:
        return load(path)
    except UnicodeDecodeError as error:
        raise CityDataError(f"{path or name}: not UTF-8 text ({error.reason})") from None
    except OSError as error:
        raise CityDataError(f"{path or name}: cannot be read ({error.strerror})") from None


def load_city(directory: Path | None) -> City:
    """Read and check every city file (``directory`` None: all shipped); raises ``CityDataError``."""
    if directory is not None and not directory.is_dir():
        raise CityDataError(f"city directory {directory} does not exist (create it with `city init`)")
    rules_path = _own(directory, DEFAULT_RULES_FILE)
    try:
        reference = load_reference(directory)
        calendar = _read(directory, HOLIDAYS_FILE, WorkingCalendar.load)
        policy = _read(directory, SLA_FILE, SlaPolicy.load)
        router = _read(directory, DEFAULT_RULES_FILE, lambda path: Router.load(path, reference))
        attributes = _read(directory, ATTRIBUTES_FILE, AttributeCatalogue.load)
    except RoutingRulesError as error:
        raise CityDataError(_routing_message(error, rules_path)) from None
    except (ReferenceFileError, HolidayFileError, SlaPolicyError, AttributesFileError) as error:
        raise CityDataError(str(error)) from None
    unknown = sorted(set(attributes.by_category) - {c.code for c in reference.categories})
    if unknown:
        where = _own(directory, ATTRIBUTES_FILE) or ATTRIBUTES_FILE
        raise CityDataError(
            f"{where}: attributes for unknown category code(s) {', '.join(unknown)} (not in categories.csv)"
        )
    return City(directory, reference, calendar, policy, router, attributes)


def init_city(directory: Path, *, force: bool = False) -> list[Path]:
    """Copy the shipped city files into ``directory`` (made if missing); returns the files written.

    Refuses (``CityDataError``, nothing written) when one of them is there already, unless ``force``.
    """
    if directory.exists() and not directory.is_dir():
        raise CityDataError(f"{directory} exists and is not a directory")
    targets = [directory / name for name in CITY_FILES]
    present = [p for p in targets if p.exists()]
    if present and not force:
        names = ", ".join(p.name for p in present)
        raise CityDataError(f"{directory} already holds {names}; pass --force to overwrite them")
    directory.mkdir(parents=True, exist_ok=True)
    shipped = resources.files("sambat_tui.domain").joinpath("data")
    for target in targets:
        with resources.as_file(shipped.joinpath(target.name)) as source:
            shutil.copyfile(source, target)
    return targets
