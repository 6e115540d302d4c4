"""No change lost, none applied twice, whatever the network does: the sync through the fault proxy.

Each scenario queues work offline, then syncs through ``tests/support/faultproxy.py`` while it fails
requests (before or after the server saw them: dropped, reset, a 500, delayed), and checks the promises with
``tests/support/invariants.py`` along the way and once the faults stop.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from sambat_tui.domain.model import Action
from sambat_tui.services.session import Session
from tests.support.client import open_session, signed_in
from tests.support.faultproxy import Fault, FaultProxy, Policy, Request, random_policy
from tests.support.invariants import Queued, check_sync_invariants, queued_mutations
from tests.support.server import CentralServer

pytestmark = pytest.mark.e2e

USER = "operator.dpuprpkp"
MAX_ROUNDS = 12


@pytest.fixture
def proxy(central_server: CentralServer) -> Iterator[FaultProxy]:
    with FaultProxy(central_server.port, delay_seconds=0.05) as started:
        yield started


@pytest.fixture
def session(central_server: CentralServer, proxy: FaultProxy, client_home: Path) -> Iterator[Session]:
    with open_session(signed_in(central_server, USER, url=proxy.url)) as opened:
        report = opened.sync.run_once()
        assert report.error is None, report
        yield opened


def first_attempt_fails(fault: Fault) -> Policy:
    """Every distinct request (method, path, idempotency key, body) fails the first time it is seen."""
    seen: set[str] = set()
    lock = threading.Lock()

    def decide(request: Request) -> Fault | None:
        key = hashlib.sha256(
            b"|".join(
                [
                    request.method.encode(),
                    request.path.split("?")[0].encode(),
                    request.headers.get("idempotency-key", "").encode(),
                    request.body,
                ]
            )
        ).hexdigest()
        with lock:
            if key in seen:
                return None
            seen.add(key)
        return fault

    return decide


def _queue_work(server: CentralServer, session: Session, complaints: int, tag: str) -> list[Queued]:
    """Offline work on fresh complaints: take, start, a note, a response; a note and a hold on others."""
    made = [server.intake() for _ in range(complaints)]
    report = session.sync.run_once()
    assert report.error is None, report
    actions = session.actions
    for number, complaint in enumerate(made):
        cid = complaint["id"]
        if number % 2 == 0:
            assert actions.transition([cid], Action.TAKE, f"{tag}-{number}-take").queued
            assert actions.transition([cid], Action.START, f"{tag}-{number}-start").queued
            assert actions.note(cid, f"Catatan {tag} {number}: survei lokasi").queued
            assert actions.respond(cid, f"Tanggapan {tag} {number}: sudah ditangani.").queued
        else:
            assert actions.note(cid, f"Catatan {tag} {number}").queued
            assert actions.transition([cid], Action.HOLD, f"{tag}-{number}-hold").queued
    return queued_mutations(session.store)


def _settled(session: Session) -> bool:
    counts = session.outbox.counts()
    return counts.pending == 0 and counts.failed == 0


def _sync_until_settled(
    server: CentralServer, session: Session, expected: list[Queued], rounds: int = MAX_ROUNDS
) -> None:
    for _ in range(rounds):
        report = session.sync.run_once(retry_now=True)
        # Exactly once holds at every moment, not only at the end.
        check_sync_invariants(server, session.store, USER, expected, settled=False)
        if report.error is None and _settled(session):
            return


@pytest.mark.parametrize("fault", list(Fault), ids=lambda f: f.value)
def test_every_fault_kind_on_every_request(
    central_server: CentralServer, proxy: FaultProxy, session: Session, fault: Fault
) -> None:
    expected = _queue_work(central_server, session, 3, fault.value)
    proxy.policy = first_attempt_fails(fault)
    _sync_until_settled(central_server, session, expected)
    proxy.policy = lambda _request: None
    _sync_until_settled(central_server, session, expected, rounds=2)
    assert _settled(session), session.outbox.entries()
    assert session.outbox.counts().conflicts == 0
    assert fault.value in proxy.faults()
    check_sync_invariants(central_server, session.store, USER, expected)


@pytest.mark.parametrize("seed", [11, 23, 37])
def test_random_faults(central_server: CentralServer, proxy: FaultProxy, session: Session, seed: int) -> None:
    expected = _queue_work(central_server, session, 6, f"s{seed}")
    proxy.policy = random_policy(seed, rate=0.35)
    _sync_until_settled(central_server, session, expected, rounds=20)
    proxy.policy = lambda _request: None
    _sync_until_settled(central_server, session, expected, rounds=3)
    assert _settled(session), session.outbox.entries()
    assert proxy.faults(), "the policy injected no fault at all"
    check_sync_invariants(central_server, session.store, USER, expected)


def test_another_desk_acting_meanwhile_is_merged_not_lost(
    central_server: CentralServer, proxy: FaultProxy, session: Session
) -> None:
    """Faults plus a concurrent writer: 412s, rebases and conflicts, and still nothing twice."""
    expected = _queue_work(central_server, session, 4, "race")
    others = {c.complaint_id for c in expected}
    for complaint_id in sorted(others)[:2]:
        central_server.act(complaint_id, "take", "supervisor.dpuprpkp")
    proxy.policy = first_attempt_fails(Fault.RESET_AFTER)
    _sync_until_settled(central_server, session, expected)
    proxy.policy = lambda _request: None
    _sync_until_settled(central_server, session, expected, rounds=2)
    assert _settled(session), session.outbox.entries()
    check_sync_invariants(central_server, session.store, USER, expected)
