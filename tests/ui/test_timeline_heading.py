"""A timeline entry's heading names who made it: a person by their id, the system by the rule it applied."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest

from sambat_tui.services.complaints import timeline_entry
from sambat_tui.store.timeline import EntryType, TimelineItem
from sambat_tui.ui.i18n import set_language
from sambat_tui.ui.widgets.complaint_view import entry_heading

AT = datetime(2026, 11, 13, 3, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def indonesian() -> Iterator[None]:
    set_language("id")
    yield
    set_language("id")


def _disposition(**data: Any) -> TimelineItem:
    base = {"from_agency_id": "dpuprpkp", "from_desk_id": "dpuprpkp.pju", "to_agency_id": "dpuprpkp"}
    return TimelineItem("d1", "c1", EntryType.DISPOSITION, "escalation", False, AT, False, {**base, **data})


def test_a_rule_s_disposition_says_the_rule_made_it() -> None:
    entry = timeline_entry(_disposition(rule_id="sla.resolve", reason="Batas waktu penyelesaian terlewati"))
    assert entry.by_rule and entry.author == "sla.resolve"
    assert entry_heading(entry).plain.endswith(" · aturan sla.resolve")
    set_language("en")
    assert entry_heading(entry).plain.endswith(" · rule sla.resolve")


def test_a_disposition_says_where_it_went_and_the_intake_s_route_from_nowhere() -> None:
    moved = timeline_entry(_disposition(to_desk_id="dpuprpkp.jalan"))
    assert moved.detail == "dpuprpkp/dpuprpkp.pju -> dpuprpkp/dpuprpkp.jalan"
    routed = timeline_entry(_disposition(from_agency_id=None, from_desk_id=None, rule_id="category:PJU"))
    assert routed.detail == "-> dpuprpkp"  # not "- -> dpuprpkp"


def test_a_person_s_disposition_names_the_person_even_under_a_rule() -> None:
    entry = timeline_entry(_disposition(actor_id="supervisor.dpuprpkp", rule_id="sla.resolve"))
    assert not entry.by_rule and entry.author == "supervisor.dpuprpkp"
    assert entry_heading(entry).plain.endswith(" · supervisor.dpuprpkp")


def test_an_update_is_never_a_rule_s() -> None:
    item = TimelineItem("u1", "c1", EntryType.UPDATE, "internal_note", False, AT, True, {"body": "x"})
    entry = timeline_entry(item)
    assert not entry.by_rule and entry.author is None
    assert "aturan" not in entry_heading(entry).plain


def test_a_hostile_rule_id_is_shown_as_plain_text() -> None:
    entry = timeline_entry(_disposition(rule_id="\x1b]52;c;ZXZpbA==\x07[bold]x"))
    heading = entry_heading(entry)
    assert "\x1b" not in heading.plain and "\x07" not in heading.plain
    assert "[bold]x" in heading.plain  # the brackets are text, not markup
