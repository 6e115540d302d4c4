"""Supervisors and coordinators against a real ``sambat-central serve``: bulk reassign offline, refusals on
both sides, a dispose that moves a complaint between agencies' feeds, visibility and duplicates synced."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from sambat_tui.domain.model import DispositionKind, Visibility
from sambat_tui.services.session import Session
from sambat_tui.store import outbox
from sambat_tui.store.outbox import OutboxState
from sambat_tui.sync.optimistic import Op
from tests.support.client import open_session, signed_in
from tests.support.server import CentralServer

pytestmark = pytest.mark.e2e

REASON = "Pembagian tugas minggu ini: ke petugas lapangan"


def _synced(session: Session) -> None:
    report = session.sync.run_once()
    assert report.online and report.error is None, report


def _entries(session: Session) -> list[outbox.OutboxEntry]:
    with session.store.read() as conn:
        return outbox.list_entries(conn)


def test_a_supervisor_reassigns_50_marked_complaints_offline_then_syncs(
    fresh_server: CentralServer, client_home: Path
) -> None:
    made = [fresh_server.intake(title=f"Jalan rusak ruas {n}") for n in range(50)]
    assert {c["agency_id"] for c in made} == {"dpuprpkp"}
    with open_session(signed_in(fresh_server, "supervisor.dpuprpkp")) as session:
        _synced(session)
        # The directory came with the feed: the person is a target, and the workload counts the 50.
        assert session.supervision.agency_of("person", "field.dpuprpkp") == "dpuprpkp"
        assert "field.dpuprpkp" in {t.id for t in session.supervision.targets() if t.kind == "person"}
        desks = {row.id: row.open for row in session.supervision.workload().desks}
        assert desks.get("dpuprpkp.jalan", 0) >= 50
        with fresh_server.stopped():
            result = session.actions.move(
                [c["id"] for c in made], to_agency="dpuprpkp", to_user="field.dpuprpkp", reason=REASON
            )
            assert len(result.queued) == 50 and not result.refused
            offline = session.sync.run_once()
            assert not offline.online and offline.pushed == 0
            assert session.outbox.counts().pending == 50
            detail = session.complaints.get(made[0]["public_ref"])
            assert (
                detail is not None and detail.data["assignee_id"] == "field.dpuprpkp" and detail.pending == 1
            )
        report = session.sync.run_once()
        assert report.online and report.error is None and report.pushed == 50, report
        assert _entries(session) == []
        for complaint in made:
            history = fresh_server.history(complaint["id"])
            moves = [d for d in history["dispositions"] if d["kind"] == "reassign"]
            assert len(moves) == 1, history
            assert moves[0]["reason"] == REASON and moves[0]["actor_id"] == "supervisor.dpuprpkp"
            assert moves[0]["to_user_id"] == "field.dpuprpkp"
            assert fresh_server.complaint(complaint["id"])["assignee_id"] == "field.dpuprpkp"
        cached = session.complaints.get(made[-1]["public_ref"])
        assert cached is not None and cached.pending == 0
        assert any(e.subkind == "reassign" and e.body == REASON for e in cached.timeline)


@pytest.fixture
def operator(central_server: CentralServer, client_home: Path) -> Iterator[Session]:
    with open_session(signed_in(central_server, "operator.dpuprpkp", name="operator")) as session:
        yield session


def test_an_operator_is_refused_at_once_and_a_forged_mutation_becomes_a_conflict(
    central_server: CentralServer, operator: Session
) -> None:
    complaint = central_server.intake(title="Aspal mengelupas di Jl. Soekarno Hatta")
    _synced(operator)
    refused = operator.actions.dispose(
        [complaint["id"]], DispositionKind.DISPOSE, "dlh", reason="Bukan urusan kami"
    )
    assert refused.refused == ((complaint["id"], "refused.forbidden"),) and not refused.queued
    assert operator.actions.set_visibility([complaint["id"]], Visibility.RAHASIA, reason="x").refused
    assert _entries(operator) == []
    # A mutation that skipped the client's check (an old client, a hand-edited outbox) reaches the server.
    forged = str(uuid.uuid4())
    with operator.store.transaction() as conn:
        cached_version = conn.execute(
            "SELECT version FROM complaints WHERE id = ?", (complaint["id"],)
        ).fetchone()[0]
        outbox.append(
            conn,
            mutation_id=forged,
            complaint_id=complaint["id"],
            op=Op.DISPOSITION,
            payload={"kind": "dispose", "to_agency": "dlh", "reason": "Dipalsukan"},
            base_version=cached_version,
            authored_at=operator.supervision.now(),
            actor="operator.dpuprpkp",
            now=operator.supervision.now(),
        )
    report = operator.sync.run_once()
    assert report.online and report.conflicts == 1, report
    [entry] = _entries(operator)
    assert entry.mutation_id == forged and entry.state is OutboxState.CONFLICT
    assert entry.last_error is not None and entry.last_error.startswith("403")
    assert entry.server_reason
    assert _agency_on_server(central_server, complaint["id"]) == "dpuprpkp"


def _agency_on_server(server: CentralServer, complaint_id: str) -> str:
    agency: str = server.complaint(complaint_id)["agency_id"]
    return agency


def test_a_coordinators_dispose_lands_in_the_other_agencys_feed_and_leaves_the_first(
    central_server: CentralServer, client_home: Path
) -> None:
    complaint = central_server.intake(title="Saluran tersumbat sampah di Jl. Bandung")
    ref = complaint["public_ref"]
    with (
        open_session(signed_in(central_server, "operator.dpuprpkp", name="pu")) as pu,
        open_session(signed_in(central_server, "supervisor.dlh", name="dlh")) as dlh,
        open_session(signed_in(central_server, "coordinator", name="kominfo")) as coordinator,
    ):
        for session in (pu, dlh, coordinator):
            _synced(session)
        assert pu.complaints.get(ref) is not None and dlh.complaints.get(ref) is None
        result = coordinator.actions.move([complaint["id"]], to_agency="dlh", reason="Sampah di saluran: DLH")
        assert len(result.queued) == 1
        _synced(coordinator)
        assert coordinator.outbox.counts().waiting == 0
        assert central_server.complaint(complaint["id"])["agency_id"] == "dlh"
        _synced(pu)
        _synced(dlh)
        assert pu.complaints.get(ref) is None  # evicted from the first agency
        landed = dlh.complaints.get(ref)
        assert (
            landed is not None and landed.data["agency_id"] == "dlh" and landed.data["status"] == "assigned"
        )
        assert any(e.subkind == "dispose" and e.body == "Sampah di saluran: DLH" for e in landed.timeline)


def test_visibility_and_a_duplicate_link_reach_the_server_and_the_duplicate_follows(
    central_server: CentralServer, client_home: Path
) -> None:
    original = central_server.intake(title="Lampu jalan mati di Jl. Ijen")
    duplicate = central_server.intake(title="PJU mati Jl. Ijen depan museum")
    with (
        open_session(signed_in(central_server, "coordinator", name="kominfo")) as coordinator,
        open_session(signed_in(central_server, "supervisor.dpuprpkp", name="pu")) as supervisor,
    ):
        _synced(coordinator)
        _synced(supervisor)
        assert (
            len(
                coordinator.actions.set_visibility(
                    [original["id"]], Visibility.ANONIM, reason="Diminta"
                ).queued
            )
            == 1
        )
        linked = supervisor.actions.link_duplicate(duplicate["id"], original["id"], reason="Titik lampu sama")
        assert len(linked.queued) == 1
        _synced(coordinator)
        _synced(supervisor)
        assert central_server.complaint(original["id"])["visibility"] == "anonim"
        assert central_server.complaint(duplicate["id"])["duplicate_of"] == original["id"]
        central_server.act(original["id"], "start", "operator.dpuprpkp")
        assert central_server.complaint(duplicate["id"])["status"] == "in_progress"
        _synced(supervisor)
        follower = supervisor.complaints.get(duplicate["public_ref"])
        assert follower is not None and follower.data["status"] == "in_progress"
        # Visibility stays the coordinator's: the supervisor's client refuses it at once.
        forged = supervisor.actions.set_visibility([original["id"]], Visibility.RAHASIA, reason="x")
        assert forged.refused == ((original["id"], "refused.forbidden"),)
