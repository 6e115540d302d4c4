"""The supervisor's views as CSV tables: the same rows the screens show, for a spreadsheet.

Each view becomes a header and rows of plain values; ``write_csv`` neutralises every cell (control
characters, bidi overrides) and defuses a leading formula character with a quote (CSV injection), because
titles and names come from citizens and other agencies; plain numbers (``-13``) stay numbers. Times are
Jakarta time.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import IO, TYPE_CHECKING

from sambat_tui.domain.calendar import JAKARTA
from sambat_tui.domain.text_safety import neutralise

if TYPE_CHECKING:
    from sambat_tui.services.inbox import InboxRow
    from sambat_tui.services.supervision import (
        Dashboard,
        DuplicateSuggestion,
        EscalationRow,
        TriageItem,
        Workload,
    )

CSV_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
"""A cell starting with one of these is a formula to a spreadsheet (CSV injection): it gets a leading '."""
_PLAIN_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")
VIEWS = ("workload", "escalations", "dashboard", "triage", "duplicates", "inbox")

INBOX_COLUMNS = (
    "public_ref",
    "status",
    "priority",
    "category_code",
    "kecamatan",
    "desk_id",
    "assignee_id",
    "created_at",
    "due_at",
    "sla_days_left",
    "pending",
    "title",
)
"""The columns of an inbox export (``sambat-tui export --csv`` and the inbox's ``e``)."""


@dataclass(frozen=True)
class Table:
    header: tuple[str, ...]
    rows: tuple[tuple[object, ...], ...]


def csv_cell(value: object) -> str:
    """A CSV cell: outside text neutralised, and a leading formula character defused with a quote, except in
    a plain number (``-13`` days left is a number to a spreadsheet, not a formula, and must stay one)."""
    text = "" if value is None else neutralise(str(value))
    if text.startswith(CSV_TRIGGERS) and not _PLAIN_NUMBER.fullmatch(text):
        return "'" + text
    return text


@dataclass(frozen=True)
class Exported:
    path: Path
    rows: int
    """Rows written, the header not counted."""


def write_rows(header: Sequence[str], rows: Iterable[Sequence[object]], target: IO[str]) -> int:
    """Write a header and rows, one at a time as ``rows`` yields them; returns the rows written."""
    writer = csv.writer(target)
    writer.writerow(header)
    written = 0
    for row in rows:
        writer.writerow([csv_cell(v) for v in row])
        written += 1
    return written


def write_csv(table: Table, target: IO[str]) -> int:
    """Write the table; returns the rows written (the header not counted)."""
    return write_rows(table.header, table.rows, target)


def inbox_cells(row: InboxRow) -> tuple[object, ...]:
    """One inbox row as the values of ``INBOX_COLUMNS``."""
    return (
        row.public_ref,
        row.status.value,
        row.priority.value,
        row.category_code,
        row.kecamatan,
        row.desk_id,
        row.assignee_id,
        _time(row.created_at),
        _time(row.due_at),
        row.sla_days_left,
        row.pending,
        row.title,
    )


def write_inbox_csv(rows: Iterable[InboxRow], target: IO[str]) -> int:
    """The inbox rows as CSV, streamed (give it ``InboxService.rows``: a million rows never sit in memory)."""
    return write_rows(INBOX_COLUMNS, (inbox_cells(r) for r in rows), target)


def export_path(directory: Path, view: str, now: datetime) -> Path:
    """``<directory>/<view>-<Jakarta time>.csv``: where an export of ``view`` made ``now`` goes."""
    if view not in VIEWS:
        raise ValueError(f"unknown view {view!r}; views are {', '.join(VIEWS)}")
    stamp = now.astimezone(JAKARTA).strftime("%Y%m%d-%H%M%S")
    return directory / f"{view}-{stamp}.csv"


def export_rows(
    directory: Path, view: str, header: Sequence[str], rows: Iterable[Sequence[object]], now: datetime
) -> Exported:
    """Write rows as they come into the export file of ``view`` (0600, complete or not there at all)."""
    from sambat_tui.services.files import private_text_file

    path = export_path(directory, view, now)
    with private_text_file(path, newline="") as handle:
        written = write_rows(header, rows, handle)
    return Exported(path, written)


def export_file(directory: Path, view: str, table: Table, now: datetime) -> Path:
    """Write ``table`` as ``<directory>/<view>-<Jakarta time>.csv`` (0600); returns the path."""
    return export_rows(directory, view, table.header, table.rows, now).path


def _time(moment: datetime | None) -> str:
    return "" if moment is None else moment.astimezone(JAKARTA).strftime("%Y-%m-%d %H:%M")


def _number(value: float | None) -> str:
    return "" if value is None else f"{value:g}"


def workload_table(workload: Workload) -> Table:
    return Table(
        ("kind", "id", "name", "agency_id", "open", "due_soon", "overdue", "taken_today"),
        tuple(
            (r.kind, r.id or "", r.label, r.agency_id or "", r.open, r.due_soon, r.overdue, r.taken_today)
            for r in (*workload.desks, *workload.people)
        ),
    )


def escalations_table(rows: Sequence[EscalationRow]) -> Table:
    return Table(
        (
            "escalated_at",
            "public_ref",
            "status",
            "level",
            "desk_id",
            "assignee_id",
            "rule_id",
            "reason",
            "title",
        ),
        tuple(
            (
                _time(r.escalated_at),
                r.public_ref,
                r.status.value,
                r.level,
                r.desk_id or "",
                r.assignee_id or "",
                r.rule_id or "",
                r.reason,
                r.title,
            )
            for r in rows
        ),
    )


def dashboard_table(board: Dashboard) -> Table:
    """One long table: a ``section`` column says which chart a row belongs to."""
    rows: list[tuple[object, ...]] = []
    for w in board.weeks:
        compliance = w.compliance
        rows.append(
            (
                "week",
                str(w.week),
                w.met,
                w.missed,
                "" if compliance is None else round(100 * compliance, 1),
                _number(w.median_first_response),
                _number(w.median_close),
            )
        )
    for d in board.desks:
        rows.append(
            (
                "desk",
                d.desk_id or "",
                d.first_responses,
                d.closes,
                "",
                _number(d.first_response_days),
                _number(d.close_days),
            )
        )
    rows += [("category", b.key or "", b.open, b.overdue, "", "", "") for b in board.by_category]
    rows += [("kecamatan", b.key or "", b.open, b.overdue, "", "", "") for b in board.by_kecamatan]
    return Table(
        ("section", "key", "a", "b", "compliance_pct", "median_first_response", "median_close"), tuple(rows)
    )


def triage_table(items: Iterable[TriageItem]) -> Table:
    rows = []
    for item in items:
        best = item.guesses[0] if item.guesses else None
        rows.append(
            (
                item.public_ref,
                item.status.value,
                _time(item.created_at),
                _time(item.due_at),
                item.returned_by or "",
                "" if best is None else best.agency_id,
                "" if best is None or best.desk_id is None else best.desk_id,
                "" if best is None else round(best.score, 2),
                item.explanation,
                item.title,
            )
        )
    return Table(
        (
            "public_ref",
            "status",
            "created_at",
            "verify_due",
            "returned_by",
            "guess_agency",
            "guess_desk",
            "guess_score",
            "explanation",
            "title",
        ),
        tuple(rows),
    )


def duplicates_table(rows: Iterable[DuplicateSuggestion]) -> Table:
    return Table(
        (
            "public_ref",
            "status",
            "score",
            "similarity",
            "metres",
            "same_kelurahan",
            "days_apart",
            "shared",
            "title",
        ),
        tuple(
            (
                r.public_ref,
                r.status,
                round(r.score, 3),
                round(r.similarity, 3),
                "" if r.metres is None else round(r.metres),
                "yes" if r.same_kelurahan else "no",
                r.days_apart,
                " ".join(r.shared),
                r.title,
            )
            for r in rows
        ),
    )
