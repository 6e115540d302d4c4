"""A complaint as text for people: its fields, its SLA clocks, its timeline, its reporter.

Everything in a ``ComplaintDetail`` came from outside (the server, a citizen, another agency), so each value
goes through ``text_safety`` and becomes a ``rich.text.Text`` built with ``append`` (plain text, never parsed
as markup). Long texts are cut at a bound before they are wrapped: a 200 KB description shows its first
``DESCRIPTION_LIMIT`` characters and says how much was left out.

Public and internal timeline entries differ in three ways at once, so no one needs colour to tell them
apart: a label (PUBLIK / INTERNAL), a marker (● / ○) and a colour class.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from functools import cache
from typing import TYPE_CHECKING, Any

from rich.style import Style
from rich.text import Text

from sambat_tui.domain.calendar import WorkingCalendar
from sambat_tui.domain.model import Status
from sambat_tui.domain.sla import SlaPolicy, SlaState, sla_state
from sambat_tui.domain.text_safety import neutralise, one_line
from sambat_tui.domain.timefmt import parse_rfc3339
from sambat_tui.ui import fmt
from sambat_tui.ui.i18n import t
from sambat_tui.ui.wire_words import text_of, vocabulary

if TYPE_CHECKING:
    from sambat_tui.ui.ports import ComplaintDetail, TimelineEntry

DESCRIPTION_LIMIT = 20_000
BODY_LIMIT = 8_000
PUBLIC_MARK = "●"
INTERNAL_MARK = "○"
_FIELD_LIMIT = 200


@cache
def _clocks() -> tuple[WorkingCalendar, SlaPolicy]:
    return WorkingCalendar.load(), SlaPolicy.load()


def moment(value: object) -> datetime | None:
    if isinstance(value, datetime):
        return value
    if isinstance(value, str) and value:
        try:
            return parse_rfc3339(value)
        except ValueError:
            return None
    return None


def _mapping(value: object) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def header(detail: ComplaintDetail) -> Text:
    data = detail.data
    text = Text(no_wrap=False)
    text.append(text_of(data.get("public_ref"), 40), Style(bold=True))
    text.append("  ")
    text.append(text_of(data.get("title"), 500), Style(bold=True))
    return text


def location_text(data: Mapping[str, Any]) -> str:
    location = _mapping(data.get("location"))
    parts = [location.get("address"), location.get("kelurahan"), location.get("kecamatan")]
    shown = [text_of(p, 120) for p in parts if p]
    return ", ".join(shown) if shown else t("field.none")


def field_rows(detail: ComplaintDetail) -> list[tuple[str, str]]:
    data = detail.data
    rows = [
        (t("field.status"), vocabulary("status", data.get("status"))),
        (t("field.visibility"), vocabulary("visibility", data.get("visibility"))),
        (t("field.category"), text_of(data.get("category_code"))),
        (t("field.priority"), vocabulary("priority", data.get("priority"))),
        (t("field.classification"), vocabulary("classification", data.get("classification"))),
        (t("field.channel"), vocabulary("channel", data.get("channel"))),
        (t("field.location"), location_text(data)),
        (t("field.agency"), text_of(data.get("agency_id"))),
        (t("field.desk"), text_of(data.get("desk_id"))),
        (t("field.assignee"), text_of(data.get("assignee_id"))),
        (t("field.created"), fmt.when(moment(data.get("created_at")))),
        (t("field.updated"), fmt.when(moment(data.get("updated_at")))),
    ]
    if data.get("closed_at"):
        rows.append((t("field.closed"), fmt.when(moment(data.get("closed_at")))))
    if data.get("duplicate_of"):
        rows.append((t("field.duplicate_of"), text_of(data.get("duplicate_of"))))
    refs = data.get("external_refs")
    if isinstance(refs, list) and refs:
        shown = ", ".join(
            f"{text_of(_mapping(r).get('system'))} {text_of(_mapping(r).get('ref'))}" for r in refs
        )
        rows.append((t("field.external_refs"), one_line(shown, 300)))
    escalation = data.get("escalation_level")
    if isinstance(escalation, int) and escalation > 0:
        rows.append((t("field.escalation"), str(escalation)))
    media = data.get("media")
    if isinstance(media, list) and media:
        rows.append((t("field.media"), str(len(media))))
    return rows


def fields_text(rows: list[tuple[str, str]], label_style: Style) -> Text:
    width = max((len(label) for label, _ in rows), default=0)
    text = Text()
    for index, (label, value) in enumerate(rows):
        if index:
            text.append("\n")
        text.append(label.ljust(width), label_style)
        text.append("  ")
        text.append(value)
    return text


_SLA_CLOCKS = (
    ("verify_due", "field.sla_verify"),
    ("response_due", "field.sla_response"),
    ("resolve_due", "field.sla_resolve"),
    ("reply_due", "field.sla_reply"),
)


def sla_clocks(detail: ComplaintDetail, now: datetime) -> list[tuple[str, str, str, SlaState | None]]:
    """(label, due time, working days in words, state) for each clock the complaint has."""
    sla = _mapping(detail.data.get("sla"))
    status = detail.data.get("status")
    running = status not in (Status.CLOSED.value, Status.ARCHIVED.value)
    calendar, policy = _clocks()
    clocks: list[tuple[str, str, str, SlaState | None]] = []
    for field, label_key in _SLA_CLOCKS:
        due = moment(sla.get(field))
        if due is None:
            continue
        if running and calendar.covers(due.date()) and calendar.covers(now.date()):
            days = calendar.working_days_left(due, now)
            clocks.append(
                (t(label_key), fmt.when(due), fmt.sla_sentence(days), sla_state(due, now, calendar, policy))
            )
        else:
            clocks.append((t(label_key), fmt.when(due), "", None))
    return clocks


def description_text(detail: ComplaintDetail, limit: int = DESCRIPTION_LIMIT) -> Text:
    raw = detail.data.get("description")
    body = raw if isinstance(raw, str) else ""
    shown = neutralise(body, max_len=limit)
    text = Text(shown)
    if len(body) > limit:
        text.append("\n" + t("complaint.truncated", n=len(body) - limit + 1), Style(italic=True))
    return text


def entry_heading(entry: TimelineEntry) -> Text:
    public = entry.public
    text = Text(no_wrap=False)
    text.append(f"{PUBLIC_MARK if public else INTERNAL_MARK} ")
    text.append(t("timeline.public" if public else "timeline.internal"), Style(bold=True))
    text.append("  ")
    section = "update" if entry.kind == "update" else "disposition"
    text.append(vocabulary(section, entry.subkind))
    text.append(" · " + fmt.when(entry.at))
    if entry.author and entry.by_rule:
        text.append(" · " + t("timeline.by_rule", rule=text_of(entry.author, 60)))
    elif entry.author:
        text.append(" · " + text_of(entry.author, 60))
    if entry.status_after is not None:
        text.append("  " + t("timeline.status_after", status=vocabulary("status", entry.status_after.value)))
    if entry.pending:
        text.append("  ⇡ " + t("timeline.pending"), Style(italic=True))
    return text


def entry_body(entry: TimelineEntry) -> Text | None:
    parts = [p for p in (entry.detail, entry.body) if p]
    if not parts:
        return None
    shown = "\n".join(neutralise(p, max_len=BODY_LIMIT) for p in parts)
    return Text(shown)


def reporter_text(detail: ComplaintDetail, label_style: Style) -> Text:
    reporter = detail.reporter
    if not reporter:
        return Text(t("reporter.hidden"), Style(italic=True))
    rows = [
        (t(f"reporter.{name}"), text_of(reporter.get(name)))
        for name in ("name", "phone", "email", "nik")
        if reporter.get(name)
    ]
    return fields_text(rows, label_style) if rows else Text(t("field.none"))
