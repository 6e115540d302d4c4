"""The national holiday list that working-day deadlines skip: reading and checking a city's file.

The file is CSV with the header ``date,name,kind``: an ISO date (``2026-03-21``), a name as people say
it, and ``libur_nasional`` (national holiday) or ``cuti_bersama`` (collective leave; offices close too).
CSV has no comment syntax, so the provenance of the shipped ``domain/data/holidays.csv`` is kept here:

- 2025: SKB 3 Menteri No. 1017/2024, 2/2024, 2/2024 as changed by No. 933/2025, 1/2025, 3/2025
  (7 August 2025, which added cuti bersama on 18 August): 17 libur nasional, 11 cuti bersama.
- 2026: SKB 3 Menteri No. 1497/2025, 2/2025, 5/2025 (19 September 2025): 17 libur nasional, 8 cuti bersama.
- 2027: no SKB was published when the file was written. Fixed and Easter-based dates are certain; Islamic
  dates are reckoned from the new moons with the MABIMS criterion Kemenag uses, Nyepi from the Balinese
  Saka calendar, Waisak from the May full moon, and cuti bersama follow the pattern of recent SKBs. Every
  uncertain row says ``(perkiraan)`` in its name. Replace the 2027 rows when the SKB is signed (September).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import NamedTuple

from sambat_tui.domain.package_data import DataFileError, package_text

HEADER = ("date", "name", "kind")
DEFAULT_FILE = "holidays.csv"
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


class HolidayKind(StrEnum):
    LIBUR_NASIONAL = "libur_nasional"
    CUTI_BERSAMA = "cuti_bersama"


class Holiday(NamedTuple):
    day: date
    name: str
    kind: HolidayKind


class HolidayFileError(DataFileError):
    """A holiday file a city edited is malformed; the message names the file and the line."""


def read_holidays(path: Path | None = None) -> tuple[Holiday, ...]:
    """Read and check a holiday file; ``None`` reads the shipped one. Sorted by date."""
    if path is None:
        text = package_text("sambat_tui.domain", "data", DEFAULT_FILE)
        return parse_holidays(text, source=DEFAULT_FILE)
    # utf-8-sig: a file saved by a spreadsheet program often starts with a byte-order mark.
    return parse_holidays(path.read_text(encoding="utf-8-sig"), source=str(path))


def parse_holidays(text: str, source: str = "<holidays>") -> tuple[Holiday, ...]:
    """Parse holiday CSV text; raise HolidayFileError naming the line of the first problem."""
    reader = csv.reader(io.StringIO(text.removeprefix("\ufeff")))
    header = next(reader, None)
    if header is None:
        raise HolidayFileError(source, None, "the file is empty; expected the header 'date,name,kind'")
    if tuple(cell.strip() for cell in header) != HEADER:
        raise HolidayFileError(source, 1, f"expected the header 'date,name,kind', found {','.join(header)!r}")

    first_line: dict[date, int] = {}
    holidays: list[Holiday] = []
    line = 1
    for row in reader:
        line = reader.line_num
        if not row or all(not cell.strip() for cell in row):
            continue
        holiday = _parse_row(row, source, line)
        if holiday.day in first_line:
            first = first_line[holiday.day]
            raise HolidayFileError(source, line, f"{holiday.day} is listed twice (first on line {first})")
        first_line[holiday.day] = line
        holidays.append(holiday)

    if not holidays:
        raise HolidayFileError(source, None, "the file lists no holidays")
    _check_years_contiguous((h.day for h in holidays), source)
    return tuple(sorted(holidays, key=lambda h: h.day))


def _parse_row(row: list[str], source: str, line: int) -> Holiday:
    if row[0].lstrip().startswith("#"):
        raise HolidayFileError(source, line, "comment lines are not allowed in CSV; remove the line")
    if len(row) != len(HEADER):
        raise HolidayFileError(source, line, f"expected 3 fields (date,name,kind), found {len(row)}")
    raw_date, name, raw_kind = (cell.strip() for cell in row)
    if not _ISO_DATE.fullmatch(raw_date):
        raise HolidayFileError(source, line, f"bad date {raw_date!r}; write it as YYYY-MM-DD (2026-08-17)")
    try:
        day = date.fromisoformat(raw_date)
    except ValueError:
        raise HolidayFileError(source, line, f"bad date {raw_date!r}: no such day in the calendar") from None
    if not name:
        raise HolidayFileError(source, line, f"the holiday on {raw_date} has no name")
    try:
        kind = HolidayKind(raw_kind)
    except ValueError:
        allowed = " or ".join(k.value for k in HolidayKind)
        raise HolidayFileError(source, line, f"unknown kind {raw_kind!r}; expected {allowed}") from None
    return Holiday(day=day, name=name, kind=kind)


def _check_years_contiguous(days: Iterable[date], source: str) -> None:
    # A year missing in the middle would silently count its holidays as working days.
    years = sorted({d.year for d in days})
    missing = sorted(set(range(years[0], years[-1] + 1)) - set(years))
    if missing:
        listed = ", ".join(str(y) for y in missing)
        raise HolidayFileError(
            source, None, f"covers {years[0]} to {years[-1]} but lists no holiday in {listed}; add that year"
        )
