"""Reference data shipped with the project: agencies, desks, categories, Malang's kelurahan.

The files under ``domain/data`` are the defaults; a city points ``load_reference`` at its own copies.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from sambat_tui.domain.model import AgencyKind, SlaClass


@dataclass(frozen=True, slots=True)
class Agency:
    id: str
    name: str
    short_name: str
    kind: AgencyKind
    active: bool = True


@dataclass(frozen=True, slots=True)
class Desk:
    id: str
    agency_id: str
    name: str


@dataclass(frozen=True, slots=True)
class Category:
    code: str
    name: str
    group: str
    default_agency_id: str | None
    default_desk_id: str | None
    sla_class: SlaClass


@dataclass(frozen=True, slots=True)
class Kelurahan:
    kecamatan: str
    name: str
    lat: float
    lon: float


@dataclass(frozen=True, slots=True)
class Reference:
    agencies: tuple[Agency, ...]
    desks: tuple[Desk, ...]
    categories: tuple[Category, ...]
    kelurahan: tuple[Kelurahan, ...]

    def agency(self, agency_id: str) -> Agency | None:
        return next((a for a in self.agencies if a.id == agency_id), None)

    def desk(self, desk_id: str) -> Desk | None:
        return next((d for d in self.desks if d.id == desk_id), None)

    def category(self, code: str) -> Category | None:
        return next((c for c in self.categories if c.code == code), None)

    def desks_of(self, agency_id: str) -> tuple[Desk, ...]:
        return tuple(d for d in self.desks if d.agency_id == agency_id)


def _rows(name: str, directory: Path | None) -> Iterator[dict[str, str]]:
    if directory is not None:
        text = (directory / name).read_text(encoding="utf-8")
    else:
        text = resources.files("sambat_tui.domain").joinpath("data", name).read_text(encoding="utf-8")
    yield from csv.DictReader(io.StringIO(text))


def load_reference(directory: Path | None = None) -> Reference:
    """Read the four reference tables; ``directory`` overrides the shipped defaults."""
    agencies = tuple(
        Agency(id=r["id"], name=r["name"], short_name=r["short_name"], kind=AgencyKind(r["kind"]))
        for r in _rows("agencies.csv", directory)
    )
    desks = tuple(
        Desk(id=r["id"], agency_id=r["agency_id"], name=r["name"]) for r in _rows("desks.csv", directory)
    )
    categories = tuple(
        Category(
            code=r["code"],
            name=r["name"],
            group=r["group"],
            # "external" in the table means "referred outside the city": routing picks the body.
            default_agency_id=None if r["agency"] == "external" else r["agency"],
            default_desk_id=r["desk"] or None,
            sla_class=SlaClass(r["sla_class"]),
        )
        for r in _rows("categories.csv", directory)
    )
    kelurahan = tuple(
        Kelurahan(kecamatan=r["kecamatan"], name=r["kelurahan"], lat=float(r["lat"]), lon=float(r["lon"]))
        for r in _rows("kelurahan.csv", directory)
    )
    return Reference(agencies=agencies, desks=desks, categories=categories, kelurahan=kelurahan)
