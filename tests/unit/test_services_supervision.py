"""The supervisor's acts and views offline: refusals at once, queued moves, triage guesses, duplicates,
targets, exports and the weekly report."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from sambat_tui.domain.model import DispositionKind, Visibility
from sambat_tui.domain.weeks import IsoWeek
from sambat_tui.services import exports
from sambat_tui.services.inbox import Sort
from sambat_tui.services.report import build, cell, render_markdown
from sambat_tui.services.session import Session
from sambat_tui.store import outbox, reference, timeline
from sambat_tui.store.reference import RefEntity
from tests.support.cache import CREATED, private_home, seeded_profile, wire_complaint

NOW = CREATED + timedelta(days=1, hours=3)  # Tuesday 3 February 2026, 12:00 WIB
STAFF = [
    {
        "id": "operator.dpuprpkp",
        "name": "Budi (operator)",
        "agency_id": "dpuprpkp",
        "roles": ["operator"],
        "desk_ids": ["dpuprpkp.jalan"],
    },
    {
        "id": "field.dpuprpkp",
        "name": "Sari (lapangan)",
        "agency_id": "dpuprpkp",
        "roles": ["field_officer"],
        "desk_ids": [],
    },
    {
        "id": "supervisor.dpuprpkp",
        "name": "Kepala bidang",
        "agency_id": "dpuprpkp",
        "roles": ["supervisor"],
        "desk_ids": [],
    },
    {"id": "operator.dlh", "name": "Operator DLH", "agency_id": "dlh", "roles": ["operator"], "desk_ids": []},
    {
        "id": "coordinator",
        "name": "Admin Koordinator",
        "agency_id": "diskominfo",
        "roles": ["coordinator"],
        "desk_ids": [],
    },
]


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    return private_home(tmp_path, monkeypatch)


def _open(items: list[dict[str, Any]], user: str) -> Session:
    session = Session.open(seeded_profile(items, user_id=user), now=lambda: NOW)
    with session.store.transaction() as conn:
        reference.upsert_many(conn, RefEntity.USER, STAFF, version=1)
    return session


@pytest.fixture
def items(home: Path) -> list[dict[str, Any]]:
    return [wire_complaint() for _ in range(5)]


@pytest.fixture
def supervisor(items: list[dict[str, Any]]) -> Iterator[Session]:
    with _open(items, "supervisor.dpuprpkp") as session:
        yield session


def _outbox(session: Session) -> list[outbox.OutboxEntry]:
    with session.store.read() as conn:
        return outbox.list_entries(conn)


# --- acts ---


def test_a_supervisor_reassigns_marked_complaints_each_queued_with_its_optimistic_change(
    supervisor: Session, items: list[dict[str, Any]]
) -> None:
    ids = [i["id"] for i in items]
    result = supervisor.actions.move(
        ids + ids[:1], to_agency="dpuprpkp", to_user="field.dpuprpkp", reason="Cek lapangan"
    )
    assert len(result.queued) == 5 and not result.refused
    entries = _outbox(supervisor)
    assert {e.complaint_id for e in entries} == set(ids)
    assert all(e.op == "disposition" and e.payload["kind"] == "reassign" for e in entries)
    assert all(
        e.payload["reason"] == "Cek lapangan" and e.payload["to_user"] == "field.dpuprpkp" for e in entries
    )
    detail = supervisor.complaints.get(items[0]["public_ref"])
    assert detail is not None and detail.data["assignee_id"] == "field.dpuprpkp" and detail.pending == 1


def test_move_to_another_agency_is_a_dispose(supervisor: Session, items: list[dict[str, Any]]) -> None:
    result = supervisor.actions.move([items[0]["id"]], to_agency="dlh", reason="Urusan sampah")
    assert len(result.queued) == 1
    [entry] = _outbox(supervisor)
    assert entry.payload["kind"] == "dispose" and entry.payload["to_agency"] == "dlh"
    detail = supervisor.complaints.get(items[0]["id"])
    assert detail is not None and (detail.data["agency_id"], detail.data["status"]) == ("dlh", "assigned")


@pytest.mark.parametrize("user", ["operator.dpuprpkp", "auditor"])
def test_desk_roles_and_the_auditor_are_refused_at_once_and_nothing_is_queued(
    items: list[dict[str, Any]], user: str
) -> None:
    with _open(items, user) as session:
        ids = [items[0]["id"]]
        results = [
            session.actions.dispose(
                ids, DispositionKind.REASSIGN, "dpuprpkp", reason="x", to_desk="dpuprpkp.pju"
            ),
            session.actions.move(ids, to_agency="dlh", reason="x"),
            session.actions.archive(ids, "x"),
            session.actions.set_visibility(ids, Visibility.RAHASIA, reason="x"),
            session.actions.link_duplicate(ids[0], items[1]["id"], reason="x"),
        ]
        assert all(r.refused == ((ids[0], "refused.forbidden"),) and not r.queued for r in results)
        assert _outbox(session) == []
        assert session.supervision.targets() == ()


def test_a_supervisor_may_not_archive_or_set_visibility(
    supervisor: Session, items: list[dict[str, Any]]
) -> None:
    assert supervisor.actions.archive([items[0]["id"]], "iseng").refused == (
        (items[0]["id"], "refused.forbidden"),
    )
    refused = supervisor.actions.set_visibility([items[0]["id"]], Visibility.ANONIM, reason="x").refused
    assert refused == ((items[0]["id"], "refused.forbidden"),)


def test_the_coordinator_sets_visibility_and_archives(items: list[dict[str, Any]]) -> None:
    with _open(items, "coordinator") as session:
        result = session.actions.set_visibility([items[0]["id"]], Visibility.RAHASIA, reason="Data anak")
        assert len(result.queued) == 1
        detail = session.complaints.get(items[0]["id"])
        assert detail is not None and detail.data["visibility"] == "rahasia"
        assert len(session.actions.archive([items[1]["id"]], "Tidak jelas").queued) == 1
        assert [e.op for e in _outbox(session)] == ["visibility", "transition"]
        summaries = [e.summary for e in session.outbox.entries()]
        assert summaries[0].startswith("visibility -> rahasia")


def test_linking_a_duplicate_is_queued_and_chains_are_refused(
    supervisor: Session, items: list[dict[str, Any]]
) -> None:
    original, duplicate, third = items[0], items[1], items[2]
    result = supervisor.actions.link_duplicate(duplicate["id"], original["id"], reason="Lokasi sama")
    assert len(result.queued) == 1
    detail = supervisor.complaints.get(duplicate["id"])
    assert detail is not None and detail.data["duplicate_of"] == original["id"]
    assert "duplicate of " + original["public_ref"] in supervisor.outbox.entries()[0].summary
    chained = supervisor.actions.link_duplicate(third["id"], duplicate["id"], reason="x")
    assert chained.refused == ((third["id"], "refused.duplicate_chain"),)
    itself = supervisor.actions.link_duplicate(third["id"], third["id"], reason="x")
    assert itself.refused == ((third["id"], "refused.duplicate_chain"),)
    unlinked = supervisor.actions.link_duplicate(duplicate["id"], None, reason="Ternyata beda")
    assert len(unlinked.queued) == 1


# --- views ---


def test_targets_for_a_supervisor_are_their_desks_and_people_and_the_other_agencies(
    supervisor: Session,
) -> None:
    targets = supervisor.supervision.targets()
    kinds = {(t.kind, t.agency_id) for t in targets}
    assert ("desk", "dpuprpkp") in kinds and ("person", "dpuprpkp") in kinds and ("agency", "dlh") in kinds
    assert not any(t.kind in ("desk", "person") and t.agency_id != "dpuprpkp" for t in targets)
    assert not any(t.kind == "agency" and t.id == "dpuprpkp" for t in targets)
    people = {t.id for t in targets if t.kind == "person"}
    assert people == {"operator.dpuprpkp", "field.dpuprpkp", "supervisor.dpuprpkp"}


def test_a_desk_the_city_retired_is_no_longer_a_target(supervisor: Session) -> None:
    desks = {t.id for t in supervisor.supervision.targets() if t.kind == "desk"}
    assert "dpuprpkp.pju" in desks
    with supervisor.store.transaction() as conn:  # what the feed brings after the city dropped the desk
        retired = {"id": "dpuprpkp.pju", "agency_id": "dpuprpkp", "name": "UPT PJU", "active": False}
        reference.upsert_many(conn, RefEntity.DESK, [retired], version=99)
    after = {t.id for t in supervisor.supervision.targets() if t.kind == "desk"}
    assert after == desks - {"dpuprpkp.pju"}


def test_targets_for_the_coordinator_span_every_agency(items: list[dict[str, Any]]) -> None:
    with _open(items, "coordinator") as session:
        targets = session.supervision.targets()
    assert {t.agency_id for t in targets if t.kind == "desk"} >= {"dpuprpkp", "dlh"}
    assert "operator.dlh" in {t.id for t in targets if t.kind == "person"}
    assert "coordinator" not in {t.id for t in targets}  # not a desk role


def test_workload_counts_and_links_each_row_to_an_inbox_query(home: Path) -> None:
    overdue = wire_complaint(
        sla={**wire_complaint()["sla"], "response_due": (CREATED - timedelta(days=2)).isoformat()}
    )
    made = [overdue, wire_complaint(assignee_id="field.dpuprpkp"), wire_complaint(status="closed")]
    with _open(made, "supervisor.dpuprpkp") as session:
        load = session.supervision.workload()
        query = next(r.query for r in load.people if r.id == "field.dpuprpkp")
        assert query is not None
        page = session.inbox.first("semua", query, Sort.DUE, False, 50)
    [desk] = load.desks
    assert (desk.id, desk.label, desk.open, desk.overdue) == (
        "dpuprpkp.jalan",
        "Bidang Bina Marga (Jalan dan Jembatan)",
        2,
        1,
    )
    assert {r.id: r.open for r in load.people} == {None: 1, "field.dpuprpkp": 1}
    assert [r.id for r in page.rows] == [made[1]["id"]]


def test_triage_shows_why_and_the_router_guesses_without_the_returning_agency(home: Path) -> None:
    received = wire_complaint(
        status="received",
        agency_id=None,
        desk_id=None,
        category_code=None,
        title="Lampu PJU mati di gang 3",
        description="Lampu penerangan jalan umum mati sudah seminggu, gelap sekali",
    )
    returned = wire_complaint(
        status="returned", title="Sampah menumpuk di TPS", description="Bau sampah", category_code=None
    )
    with _open([received, returned], "coordinator") as session:
        with session.store.transaction() as conn:
            timeline.upsert_dispositions(
                conn,
                [
                    {
                        "id": "00000000-0000-4000-8000-000000000001",
                        "complaint_id": returned["id"],
                        "kind": "return",
                        "from_agency_id": "dlh",
                        "to_agency_id": "diskominfo",
                        "reason": "Lokasi di saluran milik PU",
                        "matched": [],
                        "created_at": NOW.isoformat(),
                    }
                ],
            )
        items = {t.public_ref: t for t in session.supervision.triage()}
    lamp, rubbish = items[received["public_ref"]], items[returned["public_ref"]]
    assert lamp.guesses and lamp.explanation
    assert lamp.guesses[0].agency_id == "dpuprpkp"  # street lighting
    assert rubbish.returned_by == "dlh" and rubbish.explanation == "Lokasi di saluran milik PU"
    assert all(g.agency_id != "dlh" for g in rubbish.guesses)


def test_duplicates_are_suggested_from_the_cache(home: Path) -> None:
    place = {
        "lat": -7.952,
        "lon": 112.614,
        "address": None,
        "kelurahan": "Tlogomas",
        "kecamatan": "Lowokwaru",
    }
    subject = wire_complaint(
        title="Jalan berlubang depan SDN 3 Tlogomas", description="bahaya motor", location=place
    )
    twin = wire_complaint(
        title="dalane bolong ngarep SDN 3", description="tlogomas, bahaya buat motor", location=place
    )
    other = wire_complaint(title="Lampu mati", description="gelap", location=place)
    elsewhere = wire_complaint(
        title=subject["title"],
        description="bahaya motor",
        location={**place, "kelurahan": "Merjosari", "lat": -7.99},
    )
    with _open([subject, twin, other, elsewhere], "supervisor.dpuprpkp") as session:
        found = session.supervision.duplicates(subject["id"])
        table = exports.duplicates_table(found)
    assert [d.complaint_id for d in found] == [twin["id"]]
    assert found[0].same_kelurahan and "motor" in found[0].shared
    assert table.rows[0][0] == twin["public_ref"]


def test_views_are_for_supervisors_coordinators_and_auditors(items: list[dict[str, Any]]) -> None:
    for user, view, triage in (
        ("operator.dpuprpkp", False, False),
        ("supervisor.dpuprpkp", True, False),
        ("coordinator", True, True),
        ("auditor", True, True),
    ):
        with _open(items, user) as session:
            assert (session.supervision.may_view(), session.supervision.may_view_triage()) == (view, triage)


# --- exports and the report ---


def test_csv_exports_defuse_formulas_and_control_characters(home: Path) -> None:
    hostile = wire_complaint(
        title='=HYPERLINK("http://x") \x1b[31m', status="received", agency_id=None, desk_id=None
    )
    with _open([hostile], "coordinator") as session:
        target = io.StringIO()
        written = exports.write_csv(exports.triage_table(session.supervision.triage()), target)
    rows = list(csv.reader(io.StringIO(target.getvalue())))
    assert written == 1 and rows[0][0] == "public_ref"
    assert rows[1][-1].startswith("'=HYPERLINK") and "\x1b" not in target.getvalue()


def test_markdown_cells_stay_text_and_keep_the_table() -> None:
    # With the brackets escaped no link can form: the parentheses (and # + !) stay as they are.
    assert cell("*Meja* | [x](javascript:y) <b>") == r"\*Meja\* \| \[x\](javascript:y) \<b\>"
    assert cell("Drainase (UPT Utara) #2 +62 !") == "Drainase (UPT Utara) #2 +62 !"
    assert "\n" not in cell("dua\nbaris")
    assert cell(None) == "-"


def test_the_weekly_report_has_the_week_s_figures(home: Path) -> None:
    created = datetime(2026, 1, 27, 2, 0, tzinfo=UTC)  # Tuesday of 2026-W05
    answered = created + timedelta(days=1)
    sla = {
        "class": "normatif",
        "verify_due": (created + timedelta(days=2)).isoformat(),
        "response_due": (created + timedelta(days=3)).isoformat(),
        "resolve_due": (created + timedelta(days=6)).isoformat(),
        "reply_due": None,
    }
    made = [
        wire_complaint(
            created=created,
            first_response_at=answered.isoformat(),
            status="closed",
            closed_at=(created + timedelta(days=2)).isoformat(),
            sla=sla,
        ),
        wire_complaint(created=created, sla=sla),
    ]
    with _open(made, "supervisor.dpuprpkp") as session:
        with session.store.transaction() as conn:
            reference.upsert_many(
                conn,
                RefEntity.DESK,
                [{"id": "dpuprpkp.jalan", "agency_id": "dpuprpkp", "name": "Jalan | *Bina Marga*"}],
                version=1,
            )
        report = build(session.supervision, IsoWeek.parse("2026-W05"), scope="dpuprpkp", weeks=4)
        text = render_markdown(report, "id")
        english = render_markdown(report, "en")
    assert (report.opened, report.closed) == (2, 1)
    assert text.startswith("# Laporan mingguan pengaduan 2026-W05")
    assert "| Pengaduan masuk | 2 |" in text and "| Pengaduan selesai | 1 |" in text
    assert "| Tanggapan tepat waktu | 50% (1/2) |" in text
    assert "| Median hari kerja s.d. tanggapan pertama | 1 |" in text
    assert r"Jalan \| \*Bina Marga\*" in text
    assert [line for line in text.splitlines() if line.startswith("| 2026-W")][-1].startswith(
        "| 2026-W05 | 1 | 1 |"
    )
    assert "Weekly complaints report" in english and "| Complaints received | 2 |" in english
