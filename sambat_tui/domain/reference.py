"""Reference data shipped with the project: agencies, desks, categories, Malang's kelurahan.

The files under ``domain/data`` are the defaults; a city points ``load_reference`` at a directory holding its
own copies of some or all of them (a file it does not hold falls back to the shipped one).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple, TypeVar

from sambat_tui.domain.model import AgencyKind, SlaClass
from sambat_tui.domain.package_data import DataFileError, package_text


class Agency(NamedTuple):
    id: str
    name: str
    short_name: str
    kind: AgencyKind
    active: bool = True


class Desk(NamedTuple):
    id: str
    agency_id: str
    name: str


class Category(NamedTuple):
    code: str
    name: str
    group: str
    default_agency_id: str | None
    default_desk_id: str | None
    sla_class: SlaClass


class Kelurahan(NamedTuple):
    kecamatan: str
    name: str
    lat: float
    lon: float


class Reference(NamedTuple):
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


class ReferenceFileError(DataFileError):
    """A reference table a city edited is malformed; the message names the file and, when it can, the line."""


_COLUMNS: dict[str, tuple[str, ...]] = {
    "agencies.csv": ("id", "name", "short_name", "kind"),
    "desks.csv": ("id", "agency_id", "name"),
    "categories.csv": ("code", "name", "group", "agency", "desk", "sla_class"),
    "kelurahan.csv": ("kecamatan", "kelurahan", "lat", "lon"),
}
_OPTIONAL = frozenset({("categories.csv", "desk")})
"""Cells that may be empty: a category's desk (then the agency's only desk, or none for a referral)."""
REFERENCE_FILES: tuple[str, ...] = tuple(_COLUMNS)


def reference_file(name: str, directory: Path | None) -> Path | None:
    """The city's copy of a reference file when ``directory`` holds one, else None (the shipped default)."""
    if directory is None:
        return None
    path = directory / name
    return path if path.is_file() else None


class _Row:
    __slots__ = ("cells", "line", "source")

    def __init__(self, source: str, line: int, cells: dict[str, str]) -> None:
        self.source = source
        self.line = line
        self.cells = cells

    def fail(self, problem: str) -> ReferenceFileError:
        return ReferenceFileError(self.source, self.line, problem)

    def __getitem__(self, column: str) -> str:
        return self.cells[column]


def _rows(name: str, directory: Path | None) -> Iterator[_Row]:
    """The rows of a table, each checked for the expected columns and non-empty required cells."""
    path = reference_file(name, directory)
    if path is None:
        source = name
        text = package_text("sambat_tui.domain", "data", name)
    else:
        source = str(path)
        try:
            # utf-8-sig: a spreadsheet program often saves a byte-order mark first.
            text = path.read_text(encoding="utf-8-sig")
        except UnicodeDecodeError as error:
            raise ReferenceFileError(source, None, f"not UTF-8 text ({error.reason})") from None
        except OSError as error:
            raise ReferenceFileError(source, None, f"cannot be read ({error.strerror})") from None
    reader = csv.reader(io.StringIO(text))
    header = [cell.strip() for cell in next(reader, [])]
    expected = _COLUMNS[name]
    missing = [c for c in expected if c not in header]
    if missing:
        raise ReferenceFileError(
            source, 1, f"the header lacks {', '.join(missing)}; expected {','.join(expected)}"
        )
    for cells in reader:
        if not cells or all(not cell.strip() for cell in cells):
            continue
        if len(cells) != len(header):
            raise ReferenceFileError(
                source, reader.line_num, f"expected {len(header)} fields like the header, found {len(cells)}"
            )
        row = _Row(source, reader.line_num, dict(zip(header, (cell.strip() for cell in cells), strict=True)))
        empty = [c for c in expected if not row[c] and (name, c) not in _OPTIONAL]
        if empty:
            raise row.fail(f"{', '.join(empty)} must not be empty")
        yield row


_E = TypeVar("_E", AgencyKind, SlaClass)


def _enum(kind: type[_E], row: _Row, column: str) -> _E:
    try:
        return kind(row[column])
    except ValueError:
        allowed = ", ".join(k.value for k in kind)
        raise row.fail(f"unknown {column} {row[column]!r}; expected one of {allowed}") from None


def _coordinate(row: _Row, column: str, bound: float) -> float:
    try:
        value = float(row[column])
    except ValueError:
        raise row.fail(f"{column} {row[column]!r} is not a number") from None
    if not -bound <= value <= bound:
        raise row.fail(f"{column} {value} is outside -{bound:g}..{bound:g}")
    return value


def _unique(name: str, directory: Path | None, key: str) -> list[_Row]:
    """The rows of a table whose ``key`` column is unique; a table without rows is an error too."""
    first: dict[str, int] = {}
    kept: list[_Row] = []
    for row in _rows(name, directory):
        if row[key] in first:
            raise row.fail(f"{key} {row[key]!r} is listed twice (first on line {first[row[key]]})")
        first[row[key]] = row.line
        kept.append(row)
    if not kept:
        path = reference_file(name, directory)
        raise ReferenceFileError(str(path) if path else name, None, "the table has no rows")
    return kept


def load_reference(directory: Path | None = None) -> Reference:
    """Read the four reference tables; a table ``directory`` holds overrides the shipped one.

    Each table is checked (columns, values, unique ids) and so is how they refer to each other (a desk's
    agency, a category's agency and desk); a mistake raises ``ReferenceFileError`` naming file and line.
    """
    agencies = tuple(
        Agency(id=r["id"], name=r["name"], short_name=r["short_name"], kind=_enum(AgencyKind, r, "kind"))
        for r in _unique("agencies.csv", directory, "id")
    )
    agency_ids = {a.id for a in agencies}
    desks: list[Desk] = []
    for r in _unique("desks.csv", directory, "id"):
        if r["agency_id"] not in agency_ids:
            raise r.fail(f"agency_id {r['agency_id']!r} is not in agencies.csv")
        desks.append(Desk(id=r["id"], agency_id=r["agency_id"], name=r["name"]))
    desk_agency = {d.id: d.agency_id for d in desks}
    categories: list[Category] = []
    for r in _unique("categories.csv", directory, "code"):
        # "external" in the table means "referred outside the city": routing picks the body.
        agency_id = None if r["agency"] == "external" else r["agency"]
        if agency_id is not None and agency_id not in agency_ids:
            raise r.fail(f"agency {agency_id!r} is not in agencies.csv (nor 'external')")
        desk_id = r["desk"] or None
        if desk_id is not None and desk_id not in desk_agency:
            raise r.fail(f"desk {desk_id!r} is not in desks.csv")
        if desk_id is not None and desk_agency[desk_id] != agency_id:
            raise r.fail(f"desk {desk_id!r} belongs to {desk_agency[desk_id]!r}, not to {r['agency']!r}")
        categories.append(
            Category(
                code=r["code"],
                name=r["name"],
                group=r["group"],
                default_agency_id=agency_id,
                default_desk_id=desk_id,
                sla_class=_enum(SlaClass, r, "sla_class"),
            )
        )
    kelurahan = tuple(
        Kelurahan(
            kecamatan=r["kecamatan"],
            name=r["kelurahan"],
            lat=_coordinate(r, "lat", 90.0),
            lon=_coordinate(r, "lon", 180.0),
        )
        for r in _rows("kelurahan.csv", directory)
    )
    if not kelurahan:
        path = reference_file("kelurahan.csv", directory)
        raise ReferenceFileError(str(path) if path else "kelurahan.csv", None, "the table has no rows")
    return Reference(agencies=agencies, desks=tuple(desks), categories=tuple(categories), kelurahan=kelurahan)
