"""A complaint moved away while a field laptop holds queued notes for it: visible conflicts, never losses.

The field officer (scope: complaints assigned to them) writes notes offline. Meanwhile the supervisor
reassigns some of those complaints to another desk (nobody assigned: they leave the officer's scope) and the
coordinator disposes one to another agency. After ``sambat-tui sync``:

- the notes of complaints that left are conflicts in the outbox, and ``sambat-tui outbox --plain`` shows
  each with the reason: the eviction's sentence when the pull saw the complaint leave first, the server's
  refusal when it left between the pull and the push;
- a note that reached the server before its complaint left (its answer lost on the way) is not shown as a
  conflict: the server has it, so it is acknowledged;
- nothing of it is lost or applied twice, and further syncs keep the conflicts: only an explicit discard
  removes one.
"""

from __future__ import annotations

import io
import threading
from collections.abc import Iterator
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import pytest

from sambat_tui import cli
from sambat_tui.services.profiles import profile_paths
from sambat_tui.services.session import Session
from sambat_tui.store.db import Store
from sambat_tui.sync.pull import EVICTED_REASON
from tests.support.faultproxy import Fault, FaultProxy, Request
from tests.support.invariants import Queued, audit_mutations, check_sync_invariants, queued_mutations
from tests.support.server import CentralServer

pytestmark = pytest.mark.e2e

FIELD = "field.dpuprpkp"
SUPERVISOR = "supervisor.dpuprpkp"
PROFILE = "laptop-lapangan"


def headless(*args: str) -> tuple[int, str]:
    out = io.StringIO()
    with redirect_stdout(out), redirect_stderr(io.StringIO()):
        try:
            code = cli.main(["--profile", PROFILE, *args])
        except SystemExit as stop:
            code = int(stop.code or 0)
    return code, out.getvalue()


@pytest.fixture
def proxy(central_server: CentralServer) -> Iterator[FaultProxy]:
    with FaultProxy(central_server.port) as started:
        yield started


def _assigned_to_field(server: CentralServer, title: str) -> dict[str, object]:
    made = server.intake(title=title)
    server.dispose(
        str(made["id"]),
        SUPERVISOR,
        kind="reassign",
        to_agency="dpuprpkp",
        to_desk="dpuprpkp.jalan",
        to_user=FIELD,
        reason=f"Ditugaskan ke petugas lapangan: {title}",
    )
    return server.complaint(str(made["id"]))


def _away(server: CentralServer, complaint_id: str, why: str) -> None:
    """The supervisor moves the complaint to a UPT desk with nobody assigned: it leaves the officer."""
    server.dispose(
        complaint_id,
        SUPERVISOR,
        kind="reassign",
        to_agency="dpuprpkp",
        to_desk="dpuprpkp.upt-utara",
        reason=why,
    )


def _note(ref: str, text: str) -> None:
    code, _ = headless("note", ref, text)
    assert code == cli.EXIT_OK


def _mutations_of(store: Store, complaint_id: str) -> list[Queued]:
    return [m for m in queued_mutations(store) if m.complaint_id == complaint_id]


def _login_and_sync(server: CentralServer, proxy: FaultProxy) -> None:
    code, _ = headless("login", "--server", proxy.url, "--token", server.token(FIELD))
    assert code == cli.EXIT_OK
    assert headless("sync")[0] == cli.EXIT_OK


def _queued_now() -> list[Queued]:
    with Store.open(profile_paths(PROFILE).cache_path) as store:
        return queued_mutations(store)


def test_notes_for_a_complaint_moved_away_become_conflicts_not_losses(
    central_server: CentralServer, proxy: FaultProxy, client_home: Path
) -> None:
    server = central_server
    a, b, c, d = (_assigned_to_field(server, f"Saluran mampet {n}") for n in "ABCD")
    _login_and_sync(server, proxy)
    _note(str(a["public_ref"]), "Catatan A1: survei lokasi besok pagi")
    _note(str(a["public_ref"]), "Catatan A2: perlu alat berat")
    _note(str(b["public_ref"]), "Catatan B: koordinasi dengan kelurahan")
    _note(str(c["public_ref"]), "Catatan C: sudah dibersihkan")
    _note(str(d["public_ref"]), "Catatan D: menunggu jadwal")
    expected = _queued_now()
    _away(server, str(a["id"]), "Dialihkan ke UPT Utara (A)")
    server.dispose(str(b["id"]), "coordinator", to_agency="dlh", reason="Bukan kewenangan DPUPRPKP (B)")

    # D leaves between the laptop's pull and its push: the server refuses the note.
    moved = threading.Event()

    def move_d_first(request: Request) -> Fault | None:
        if request.method == "PUT" and str(d["id"]) in request.path and not moved.is_set():
            moved.set()
            _away(server, str(d["id"]), "Dialihkan ke UPT Utara (D)")
        return None

    proxy.policy = move_d_first
    assert headless("sync")[0] == cli.EXIT_CONFLICTS
    proxy.policy = lambda _request: None
    assert moved.is_set()

    code, listing = headless("outbox", "--plain")
    assert code == cli.EXIT_OK
    rows = [line.split("\t") for line in listing.splitlines()]
    by_ref: dict[str, list[list[str]]] = {}
    for row in rows:
        by_ref.setdefault(row[2], []).append(row)
    assert sorted(by_ref) == sorted(str(x["public_ref"]) for x in (a, b, d)), listing
    assert [r[3] for r in by_ref[str(a["public_ref"])]] == [
        "internal_note: Catatan A1: survei lokasi besok pagi",
        "internal_note: Catatan A2: perlu alat berat",
    ]
    for row in rows:
        assert row[1] == "conflict", listing
    for ref in (a, b):
        for row in by_ref[str(ref["public_ref"])]:
            assert row[5] == EVICTED_REASON, listing
    (d_row,) = by_ref[str(d["public_ref"])]
    assert "tidak ditemukan" in d_row[5] and "not found" in d_row[5], listing

    with Store.open(profile_paths(PROFILE).cache_path) as store:
        audit = audit_mutations(server, store, FIELD, expected)
        assert not audit.problems(), audit.problems()
        assert (audit.mutations, audit.applied, audit.conflicts) == (5, 1, 4)
        check_sync_invariants(server, store, FIELD, expected)

    # Syncing again keeps every conflict: nothing is dropped without a person.
    assert headless("sync")[0] == cli.EXIT_CONFLICTS
    with Session.open(profile_paths(PROFILE)) as session:
        entries = session.outbox.entries()
        assert [x.state for x in entries] == ["conflict"] * 4
        session.outbox.discard(entries[0].mutation_id)
        assert [x.mutation_id for x in session.outbox.entries()] == [x.mutation_id for x in entries[1:]]
    assert headless("sync")[0] == cli.EXIT_CONFLICTS
    left = {m.mutation_id for m in _queued_now()}
    assert left == {x.mutation_id for x in entries[1:]}
    with Store.open(profile_paths(PROFILE).cache_path) as store:
        kept = [m for m in expected if m.mutation_id != entries[0].mutation_id]
        check_sync_invariants(server, store, FIELD, kept)


def test_a_note_the_server_has_is_no_conflict_when_its_complaint_leaves_before_the_answer(
    central_server: CentralServer, proxy: FaultProxy, client_home: Path
) -> None:
    """The note reaches the server, its answer does not (the link drops after the commit), and the
    complaint leaves the officer before the laptop hears of it: the note is on the server, so the outbox
    must not call it a conflict "not sent" (a person would write it again)."""
    server = central_server
    sent, kept = (_assigned_to_field(server, f"Pipa bocor {n}") for n in "EF")
    _login_and_sync(server, proxy)
    _note(str(sent["public_ref"]), "Catatan E: pipa sudah diganti")
    _note(str(kept["public_ref"]), "Catatan F: belum sempat dikirim")
    expected = _queued_now()
    by_complaint = {m.complaint_id: m for m in expected}
    sent_id = by_complaint[str(sent["id"])].payload["update_id"]
    proxy.policy = lambda r: Fault.DROP_AFTER if r.method == "PUT" and sent_id in r.path else None
    assert headless("sync")[0] == cli.EXIT_UNREACHABLE
    proxy.policy = lambda _request: None
    for moving in (sent, kept):
        _away(server, str(moving["id"]), f"Dialihkan ke UPT Utara ({moving['public_ref']})")

    assert headless("sync")[0] == cli.EXIT_CONFLICTS
    left = _queued_now()
    assert [m.mutation_id for m in left] == [by_complaint[str(kept["id"])].mutation_id]
    with Store.open(profile_paths(PROFILE).cache_path) as store:
        audit = audit_mutations(server, store, FIELD, expected)
        assert not audit.problems(), audit.problems()
        assert (audit.applied, audit.conflicts) == (1, 1)
        check_sync_invariants(server, store, FIELD, expected)


def test_a_note_that_never_arrived_is_a_conflict_once_the_server_says_so(
    central_server: CentralServer, proxy: FaultProxy, client_home: Path
) -> None:
    """Sent once, dropped before the server, then the complaint leaves: the laptop cannot know whether
    it arrived, so it asks (sends it again); the server does not know the complaint for this officer any
    more, and only then the note becomes a conflict, with the eviction's reason."""
    server = central_server
    lost_link = _assigned_to_field(server, "Lampu jalan mati G")
    _login_and_sync(server, proxy)
    _note(str(lost_link["public_ref"]), "Catatan G: kabel putus")
    expected = _queued_now()
    proxy.policy = lambda r: Fault.DROP_BEFORE if r.method == "PUT" else None
    assert headless("sync")[0] == cli.EXIT_UNREACHABLE
    proxy.policy = lambda _request: None
    _away(server, str(lost_link["id"]), "Dialihkan ke UPT Utara (G)")

    puts: list[str] = []
    proxy.policy = lambda r: puts.append(r.path) if r.method == "PUT" else None
    assert headless("sync")[0] == cli.EXIT_CONFLICTS
    proxy.policy = lambda _request: None
    assert len(puts) == 1, "the note was not asked about"
    (left,) = _queued_now()
    with Session.open(profile_paths(PROFILE)) as session:
        (entry,) = session.outbox.entries()
    assert (entry.state, entry.attempts, entry.server_reason) == ("conflict", 2, EVICTED_REASON)
    assert left.mutation_id == expected[0].mutation_id
    with Store.open(profile_paths(PROFILE).cache_path) as store:
        check_sync_invariants(server, store, FIELD, expected)
