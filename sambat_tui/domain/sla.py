"""Service-level deadlines in working days, and the ok / due soon / overdue state of a clock.

All of the numbers are a city's configuration (``domain/data/sla.toml`` by default), not constants: every
deadline is counted from the complaint's intake, except the reply window, which starts at the response.
A complaint's verify and response deadlines never fall after its resolution deadline (``deadlines_for``).
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from datetime import datetime
from enum import StrEnum
from pathlib import Path
from types import MappingProxyType
from typing import Any, NamedTuple

from sambat_tui.domain.calendar import WorkingCalendar
from sambat_tui.domain.model import SlaClass
from sambat_tui.domain.package_data import package_text

DEFAULT_FILE = "sla.toml"

_DEFAULT_RESOLVE_DAYS: Mapping[SlaClass, int] = MappingProxyType(
    {
        SlaClass.RINGAN: 2,
        SlaClass.NORMATIF: 5,
        SlaClass.TANPA_PEMERIKSAAN: 14,
        SlaClass.PEMERIKSAAN_LAPANGAN: 60,
    }
)


class SlaPolicyError(ValueError):
    """An SLA policy (or the file it came from) has a bad value; the message names the key."""


def _check_days(key: str, value: object) -> int:
    # bool is an int in Python; "verify_days = true" in a city file is a mistake, not 1.
    if isinstance(value, bool) or not isinstance(value, int):
        raise SlaPolicyError(f"{key} must be a whole number of working days, got {value!r}")
    if value < 0:
        raise SlaPolicyError(f"{key} must be zero or more working days, got {value}")
    return value


@dataclass(frozen=True)
class SlaPolicy:
    verify_days: int = 3
    response_days: int = 5
    reply_window_days: int = 10
    resolve_days: Mapping[SlaClass, int] = field(default_factory=lambda: _DEFAULT_RESOLVE_DAYS, hash=False)
    due_soon_days: int = 1

    def __post_init__(self) -> None:
        for f in fields(self):
            if f.name != "resolve_days":
                _check_days(f.name, getattr(self, f.name))
        resolve: dict[SlaClass, int] = {}
        for key, days in self.resolve_days.items():
            try:
                sla_class = SlaClass(key)
            except ValueError:
                raise SlaPolicyError(f"resolve_days has an unknown class {key!r}; {_classes()}") from None
            resolve[sla_class] = _check_days(f"resolve_days.{sla_class}", days)
        missing = [c.value for c in SlaClass if c not in resolve]
        if missing:
            raise SlaPolicyError(f"resolve_days lacks {', '.join(missing)}; {_classes()}")
        # A frozen policy must not change under a caller who kept a reference to the dict it passed.
        object.__setattr__(self, "resolve_days", MappingProxyType(resolve))

    @classmethod
    def load(cls, path: Path | None = None) -> SlaPolicy:
        """Read a policy file (default: the shipped ``domain/data/sla.toml``); omitted keys keep defaults."""
        if path is None:
            source = DEFAULT_FILE
            text = package_text("sambat_tui.domain", "data", DEFAULT_FILE)
        else:
            source = str(path)
            text = path.read_text(encoding="utf-8-sig")
        try:
            return cls.from_mapping(tomllib.loads(text))
        except tomllib.TOMLDecodeError as exc:
            raise SlaPolicyError(f"{source}: not valid TOML: {exc}") from None
        except SlaPolicyError as exc:
            raise SlaPolicyError(f"{source}: {exc}") from None

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any]) -> SlaPolicy:
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(data) - known)
        if unknown:
            raise SlaPolicyError(f"unknown key(s) {', '.join(unknown)}; expected {', '.join(sorted(known))}")
        values = dict(data)
        if "resolve_days" in values:
            table = values["resolve_days"]
            if not isinstance(table, Mapping):
                raise SlaPolicyError("resolve_days must be a table: [resolve_days] with one line per class")
            values["resolve_days"] = {**_DEFAULT_RESOLVE_DAYS, **table}
        return cls(**values)


def _classes() -> str:
    return "classes are " + ", ".join(c.value for c in SlaClass)


class SlaDeadlines(NamedTuple):
    sla_class: SlaClass
    verify_due: datetime
    response_due: datetime
    resolve_due: datetime
    reply_due: datetime | None = None


def deadlines_for(
    created_at: datetime, sla_class: SlaClass, calendar: WorkingCalendar, policy: SlaPolicy
) -> SlaDeadlines:
    """The clocks of a new complaint; ``reply_due`` starts later, at the first public response.

    No step is due after the whole: a class resolved sooner than the general verify or follow-up deadline
    (``ringan``: 2 working days, against 3 and 5) brings those forward to its resolution deadline, since a
    complaint resolved by then was verified and followed up by then. Never the other way: a class's
    resolution target is never pushed back.
    """
    resolve_due = calendar.add_working_days(created_at, policy.resolve_days[sla_class])
    return SlaDeadlines(
        sla_class=sla_class,
        verify_due=min(calendar.add_working_days(created_at, policy.verify_days), resolve_due),
        response_due=min(calendar.add_working_days(created_at, policy.response_days), resolve_due),
        resolve_due=resolve_due,
        reply_due=None,
    )


def reply_due_after(responded_at: datetime, calendar: WorkingCalendar, policy: SlaPolicy) -> datetime:
    """Until when the reporter may reply to a response; after it the complaint closes by itself."""
    return calendar.add_working_days(responded_at, policy.reply_window_days)


class SlaState(StrEnum):
    OK = "ok"
    DUE_SOON = "due_soon"
    OVERDUE = "overdue"


def sla_state(due: datetime, now: datetime, calendar: WorkingCalendar, policy: SlaPolicy) -> SlaState:
    if calendar.is_overdue(due, now):
        return SlaState.OVERDUE
    if calendar.working_days_left(due, now) <= policy.due_soon_days:
        return SlaState.DUE_SOON
    return SlaState.OK
