"""The weekly report for the head of the agency: the dashboard's figures for one ISO week, as Markdown.

Past weeks come from the cached history (intake, responses, closes, escalations); the backlog and the
workload are as they stand now, and the report says so. Names and labels come from outside (the server's
reference data): each table cell is one neutralised line with Markdown's active characters escaped, so a
desk called ``*x* | [y](z)`` stays text and the table keeps its columns.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from sambat_tui.domain.text_safety import one_line
from sambat_tui.domain.timefmt import format_date, format_datetime
from sambat_tui.domain.weeks import IsoWeek
from sambat_tui.services.supervision import Dashboard, SupervisionService, Workload

# What can start markup inside a line: emphasis, code, links and images (their brackets), autolinks and
# HTML, table pipes, strikethrough, and the backslash itself. Not ( ) ! # + { }: with the brackets escaped no
# link can form, and a cell never starts a line, so no heading or list either: "Drainase (Utara)" stays.
_MARKDOWN_ACTIVE = re.compile(r"([\\`*_\[\]<>|~])")
CELL_LENGTH = 80

_LABELS: dict[str, dict[str, str]] = {
    "title": {"id": "Laporan mingguan pengaduan", "en": "Weekly complaints report"},
    "scope": {"id": "Lingkup", "en": "Scope"},
    "made": {"id": "Dibuat", "en": "Made"},
    "from_cache": {
        "id": "dari data lokal; tunggakan dan beban kerja per saat dibuat",
        "en": "from the local data; backlog and workload as of that moment",
    },
    "summary": {"id": "Ringkasan minggu ini", "en": "This week"},
    "figure": {"id": "Angka", "en": "Figure"},
    "value": {"id": "Nilai", "en": "Value"},
    "opened": {"id": "Pengaduan masuk", "en": "Complaints received"},
    "closed": {"id": "Pengaduan selesai", "en": "Complaints closed"},
    "escalated": {"id": "Eskalasi", "en": "Escalations"},
    "sla": {"id": "Tanggapan tepat waktu", "en": "Responses on time"},
    "median_first": {
        "id": "Median hari kerja s.d. tanggapan pertama",
        "en": "Median working days to first response",
    },
    "median_close": {"id": "Median hari kerja s.d. selesai", "en": "Median working days to close"},
    "trend": {"id": "Tren {n} minggu", "en": "{n}-week trend"},
    "week": {"id": "Minggu", "en": "Week"},
    "met": {"id": "Tepat waktu", "en": "On time"},
    "missed": {"id": "Terlambat", "en": "Late"},
    "compliance": {"id": "Kepatuhan", "en": "Compliance"},
    "per_desk": {
        "id": "Median hari kerja per meja ({n} minggu)",
        "en": "Median working days per desk ({n} weeks)",
    },
    "desk": {"id": "Meja", "en": "Desk"},
    "first_response": {"id": "Tanggapan pertama", "en": "First response"},
    "close": {"id": "Selesai", "en": "Close"},
    "backlog_category": {"id": "Tunggakan per kategori", "en": "Backlog by category"},
    "backlog_kecamatan": {"id": "Tunggakan per kecamatan", "en": "Backlog by kecamatan"},
    "category": {"id": "Kategori", "en": "Category"},
    "kecamatan": {"id": "Kecamatan", "en": "Kecamatan"},
    "open": {"id": "Terbuka", "en": "Open"},
    "overdue": {"id": "Lewat tenggat", "en": "Overdue"},
    "workload": {"id": "Beban kerja per meja", "en": "Workload per desk"},
    "due_soon": {"id": "Segera jatuh tempo", "en": "Due soon"},
    "none": {"id": "tidak ada data", "en": "no data"},
}


def label(key: str, lang: str, **values: object) -> str:
    text = _LABELS[key]["en" if lang == "en" else "id"]
    return text.format(**values) if values else text


def cell(value: object) -> str:
    """One Markdown table cell from any text: one line, bounded, with Markdown's active characters escaped."""
    text = "-" if value is None else one_line(str(value), CELL_LENGTH)
    return _MARKDOWN_ACTIVE.sub(r"\\\1", text) or "-"


def _median(value: float | None) -> str:
    return "-" if value is None else f"{value:g}"


def _share(met: int, missed: int) -> str:
    total = met + missed
    return "-" if total == 0 else f"{round(100 * met / total)}% ({met}/{total})"


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return lines


@dataclass(frozen=True)
class WeeklyReport:
    week: IsoWeek
    scope: str
    made_at: datetime
    opened: int
    closed: int
    escalated: int
    dashboard: Dashboard
    workload: Workload


def build(service: SupervisionService, week: IsoWeek, *, scope: str, weeks: int = 12) -> WeeklyReport:
    opened, closed, escalated = service.week_counts(week)
    return WeeklyReport(
        week=week,
        scope=scope,
        made_at=service.now(),
        opened=opened,
        closed=closed,
        escalated=escalated,
        dashboard=service.dashboard(weeks, until=week),
        workload=service.workload(),
    )


def render_markdown(report: WeeklyReport, lang: str = "id") -> str:
    week, board = report.week, report.dashboard
    this = board.weeks[-1]
    days = f"{format_date(week.monday, lang)} - {format_date(week.sunday, lang)}"
    out = [
        f"# {label('title', lang)} {week} ({days})",
        "",
        f"{label('scope', lang)}: {cell(report.scope)}. {label('made', lang)} "
        f"{format_datetime(report.made_at, lang)}, {label('from_cache', lang)}.",
        "",
        f"## {label('summary', lang)}",
        "",
        *_table(
            [label("figure", lang), label("value", lang)],
            [
                [label("opened", lang), str(report.opened)],
                [label("closed", lang), str(report.closed)],
                [label("escalated", lang), str(report.escalated)],
                [label("sla", lang), _share(this.met, this.missed)],
                [label("median_first", lang), _median(this.median_first_response)],
                [label("median_close", lang), _median(this.median_close)],
            ],
        ),
        "",
        f"## {label('trend', lang, n=len(board.weeks))}",
        "",
        *_table(
            [
                label("week", lang),
                label("met", lang),
                label("missed", lang),
                label("compliance", lang),
                label("first_response", lang),
                label("close", lang),
            ],
            [
                [
                    str(w.week),
                    str(w.met),
                    str(w.missed),
                    _share(w.met, w.missed),
                    _median(w.median_first_response),
                    _median(w.median_close),
                ]
                for w in board.weeks
            ],
        ),
        "",
        f"## {label('per_desk', lang, n=len(board.weeks))}",
        "",
    ]
    if board.desks:
        out += _table(
            [label("desk", lang), label("first_response", lang), label("close", lang)],
            [
                [
                    cell(d.label),
                    f"{_median(d.first_response_days)} (n={d.first_responses})",
                    f"{_median(d.close_days)} (n={d.closes})",
                ]
                for d in board.desks
            ],
        )
    else:
        out.append(f"_{label('none', lang)}_")
    for key, rows, name in (
        ("backlog_category", board.by_category, "category"),
        ("backlog_kecamatan", board.by_kecamatan, "kecamatan"),
    ):
        out += ["", f"## {label(key, lang)}", ""]
        if rows:
            out += _table(
                [label(name, lang), label("open", lang), label("overdue", lang)],
                [[cell(r.label), str(r.open), str(r.overdue)] for r in rows],
            )
        else:
            out.append(f"_{label('none', lang)}_")
    out += ["", f"## {label('workload', lang)}", ""]
    if report.workload.desks:
        out += _table(
            [label("desk", lang), label("open", lang), label("due_soon", lang), label("overdue", lang)],
            [[cell(d.label), str(d.open), str(d.due_soon), str(d.overdue)] for d in report.workload.desks],
        )
    else:
        out.append(f"_{label('none', lang)}_")
    return "\n".join(out) + "\n"
