"""``kill -9`` of ``sambat-tui sync`` at random points while it pulls and pushes: nothing lost, nothing twice.

A supervisor's laptop against a seeded city (one server for the module). Each run:

1. the server changes underneath: new complaints, another user holding or resuming one the laptop works
   on (412 and a rebase), the coordinator disposing one away (an evict: its queued work becomes conflicts),
   now and then a compaction of the change log (410: the next pull walks the whole scope again);
2. the laptop queues work with the headless commands (``take``, ``status``, ``respond``, ``note``,
   ``return``);
3. ``sambat-tui sync --profile P`` runs as a real process through the fault proxy and is killed with
   SIGKILL at a point drawn from a seeded RNG (``tests/support/kills.py``): during a held request (a push
   before the server saw it, or after the server committed it and before the answer; a page of the
   feed), or at a random time (a page being written, an acknowledgement being committed); one run in
   seven kills the restarted sync once more;
4. right after each kill: the store agrees with itself and every mutation is on the server at most once;
   sometimes a complaint the laptop was sending leaves its scope while the laptop is off;
5. the laptop restarts its sync and runs it to the end; then every mutation of the run is on the server
   exactly once and in order (or a visible conflict that is not on the server), and the cache is the
   server's view of the scope.

At the end the whole history is audited again and a summary line printed (``pytest -s`` shows it).
``SOAK=1`` makes 500 runs instead of 50 (``KILL_RUNS`` any number, ``KILL_SEED`` another seed).
"""

from __future__ import annotations

import io
import os
import random
from collections import Counter
from collections.abc import Iterator
from contextlib import redirect_stderr, redirect_stdout
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from sambat_tui import cli
from sambat_tui.services.profiles import Profile, profile_paths
from sambat_tui.services.session import Session
from sambat_tui.store import outbox
from sambat_tui.store.db import Store
from sambat_tui.store.outbox import QUEUED, OutboxState
from tests.support.cache import private_home
from tests.support.city import seeded_server
from tests.support.faultproxy import FaultProxy
from tests.support.invariants import (
    MutationAudit,
    Queued,
    audit_mutations,
    check_cache_matches_scope,
    check_store_consistency,
    check_sync_invariants,
    queued_mutations,
)
from tests.support.kills import KilledSync, KillPlan
from tests.support.server import CentralServer

pytestmark = pytest.mark.e2e

SOAK = bool(os.environ.get("SOAK"))
RUNS = int(os.environ.get("KILL_RUNS", "500" if SOAK else "50"))
SEED = int(os.environ.get("KILL_SEED", "20260301"))
CITY = 400
USER = "supervisor.dpuprpkp"
PROFILE = "lapangan"
HOLD_SECONDS = 0.12
WALK_PAGES = 4
"""Feed pages of a walk of the supervisor's scope in the seeded city (bootstrap, or after a compaction)."""
RECOVERY_ROUNDS = 6
OPEN = ("assigned", "in_progress", "on_hold")


@pytest.fixture(scope="module")
def city(tmp_path_factory: pytest.TempPathFactory) -> Iterator[CentralServer]:
    # No request limit: the audit after each run reads the history of every complaint worked on, as the
    # coordinator; a SOAK run's hundreds of them per minute met the limit (429) and stopped the test.
    with seeded_server(tmp_path_factory.mktemp("city"), CITY, 7, ("--rate-limit", "0")) as server:
        yield server


@pytest.fixture(scope="module")
def proxy(city: CentralServer) -> Iterator[FaultProxy]:
    with FaultProxy(city.port, delay_seconds=HOLD_SECONDS) as started:
        yield started


def headless(*args: str) -> int:
    """A headless command in this process (the same code as the installed script, without its start-up)."""
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        try:
            return cli.main(["--profile", PROFILE, *args])
        except SystemExit as stop:
            return int(stop.code or 0)


@dataclass
class Tally:
    runs: int = 0
    syncs: int = 0
    kills: Counter[str] = field(default_factory=Counter)
    finished: int = 0
    compactions: int = 0
    moved_away: int = 0

    def line(self, final: MutationAudit) -> str:
        where = ", ".join(f"{k} {n}" for k, n in sorted(self.kills.items()))
        return (
            f"kill -9: runs {self.runs}, syncs {self.syncs}, killed {sum(self.kills.values())} ({where}), "
            f"finished before the kill {self.finished}, compactions {self.compactions}, "
            f"moved away {self.moved_away}; mutations {final.mutations}, applied {final.applied}, "
            f"conflicts {final.conflicts}, waiting {final.waiting}, lost {len(final.lost)}, "
            f"duplicated {len(final.duplicated)}, out of order {len(final.misordered)}, "
            f"conflict yet applied {len(final.conflict_applied)}"
        )


class Laptop:
    """The supervisor's laptop: its profile, what it queued, and reads of its cache between processes."""

    def __init__(self, server: CentralServer, proxy: FaultProxy, home: Path) -> None:
        self.server = server
        self.proxy = proxy
        self.home = home
        self.expected: dict[str, Queued] = {}

    @property
    def profile(self) -> Profile:
        return profile_paths(PROFILE)

    def login(self) -> None:
        code = headless("login", "--server", self.proxy.url, "--token", self.server.token(USER))
        assert code == cli.EXIT_OK

    def outbox(self) -> list[Queued]:
        with Store.open(self.profile.cache_path) as store:
            return queued_mutations(store)

    def open_work(self) -> list[tuple[str, str, str]]:
        """(id, public ref, status) of cached open complaints without a conflict blocking them."""
        with Store.open(self.profile.cache_path) as store, store.read() as conn:
            rows = conn.execute(
                "SELECT id, public_ref, status FROM complaints WHERE status IN ('assigned', 'in_progress', "
                "'on_hold') AND id NOT IN (SELECT complaint_id FROM outbox WHERE state = 'conflict') "
                "ORDER BY id"
            ).fetchall()
        return [(str(r[0]), str(r[1]), str(r[2])) for r in rows]

    def queue(self, rng: random.Random, run: int) -> None:
        work = self.open_work()
        for number, (_cid, ref, status) in enumerate(rng.sample(work, min(len(work), rng.randint(1, 3)))):
            for step in range(rng.randint(1, 2)):
                self._act(rng, f"r{run}-{number}-{step}", ref, status)
                status = self._status_now(ref) or status
                if status not in OPEN:
                    break
        for mutation in self.outbox():
            self.expected.setdefault(mutation.mutation_id, mutation)

    def _status_now(self, ref: str) -> str | None:
        with Store.open(self.profile.cache_path) as store, store.read() as conn:
            row = conn.execute("SELECT status FROM complaints WHERE public_ref = ?", (ref,)).fetchone()
        return None if row is None else str(row[0])

    def _act(self, rng: random.Random, label: str, ref: str, status: str) -> None:
        choices = ["take", "note", "note", "respond"]
        choices += {"assigned": ["start", "hold"], "in_progress": ["hold"], "on_hold": ["resume"]}[status]
        if rng.random() < 0.08:
            choices = ["return"]
        act = rng.choice(choices)
        if act == "take":
            headless("take", ref)
        elif act == "note":
            headless("note", ref, f"Catatan {label}: sudah dicek ke lokasi, menunggu material.")
        elif act == "respond":
            headless("respond", ref, f"Tanggapan {label}: perbaikan dijadwalkan minggu ini.")
        elif act == "return":
            headless("return", ref, "--reason", f"{label} bukan kewenangan bidang ini")
        else:
            headless("status", ref, act, "--reason", label)

    def recover(self) -> None:
        """Start again after the kill and sync to the end (what the next ``sambat-tui sync`` does): until
        nothing is left that a sync could send. Work queued behind a conflict of its complaint waits for a
        person, by design (``outbox.ready``), so it does not count."""
        with Session.open(self.profile) as session:
            for _ in range(RECOVERY_ROUNDS):
                report = session.sync.run_once(retry_now=True)
                with session.store.read() as conn:
                    sendable = outbox.ready(conn, datetime.now(UTC) + timedelta(days=365))
                if report.error is None and not sendable:
                    return
        raise AssertionError(f"the sync did not settle after {RECOVERY_ROUNDS} rounds: {report}")


def churn(server: CentralServer, rng: random.Random, laptop: Laptop, run: int, tally: Tally) -> bool:
    """The server changes under the laptop, by other people (each act with its own reason); True when the
    change log was compacted (the next pull walks the whole scope)."""
    if rng.random() < 0.5:
        for _ in range(2):
            server.intake(title=f"Jalan berlubang dekat pasar, laporan {run}")
    pool = sorted({m.complaint_id for m in laptop.outbox()}) or [w[0] for w in laptop.open_work()]
    if pool and rng.random() < 0.3:
        target = server.complaint(rng.choice(pool))
        action = {"assigned": "hold", "in_progress": "hold", "on_hold": "resume"}.get(target["status"])
        if action is not None:
            server.act(target["id"], action, "coordinator", reason=f"srv-{run}-{action}")
    if pool and rng.random() < 0.1:
        move_away(server, rng.choice(pool), f"srv-{run}-dispose", tally)
    if rng.random() < 0.12:
        with server.side_storage() as storage, storage.write(datetime.now(UTC)) as tx:
            tx.compact_feed(datetime.now(UTC) + timedelta(days=1))
        tally.compactions += 1
        return True
    return False


def move_away(server: CentralServer, complaint_id: str, reason: str, tally: Tally) -> None:
    """The coordinator disposes the complaint to another agency: it leaves the supervisor's scope."""
    target = server.complaint(complaint_id)
    if target["agency_id"] == "dpuprpkp" and target["status"] not in ("closed", "archived"):
        server.dispose(complaint_id, "coordinator", to_agency="dlh", reason=reason)
        tally.moved_away += 1


def _in_motion(laptop: Laptop) -> tuple[set[str], int]:
    """Complaints with a mutation on its way (the ones a run can change on the server), and how many
    mutations that is."""
    moving = [m for m, state in _states(laptop) if state in QUEUED]
    return {m.complaint_id for m in moving}, len(moving)


def _states(laptop: Laptop) -> list[tuple[Queued, OutboxState]]:
    with Store.open(laptop.profile.cache_path) as store, store.read() as conn:
        states = dict(conn.execute("SELECT mutation_id, state FROM outbox").fetchall())
    known = laptop.expected.values()
    return [(m, OutboxState(states[m.mutation_id])) for m in known if m.mutation_id in states]


def _check_moment(server: CentralServer, laptop: Laptop, touched: set[str]) -> None:
    """Right after a kill: the store agrees with itself, and nothing is on the server twice."""
    with Store.open(laptop.profile.cache_path) as store:
        check_store_consistency(store)
        audit = audit_mutations(server, store, USER, list(laptop.expected.values()), only=touched)
    assert not audit.duplicated, audit.duplicated
    assert not audit.lost, audit.lost
    assert not audit.misordered, audit.misordered


def _check_settled(server: CentralServer, laptop: Laptop, touched: set[str]) -> None:
    """After the restarted sync ran to the end: exactly once, in order, and the cache = the scope."""
    with Store.open(laptop.profile.cache_path) as store:
        check_store_consistency(store)
        audit = audit_mutations(server, store, USER, list(laptop.expected.values()), only=touched)
        check_cache_matches_scope(server, store, USER, touched)
    assert not audit.problems(), audit.problems()


def test_kill_9_while_pulling_and_pushing(
    city: CentralServer, proxy: FaultProxy, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    home = private_home(tmp_path, monkeypatch)
    rng = random.Random(SEED)
    laptop = Laptop(city, proxy, home)
    laptop.login()
    tally = Tally()
    per_request = 0.05  # seconds a request takes in a sync, measured by the runs that finish
    for run in range(RUNS):
        tally.runs += 1
        walk = run == 0
        if run > 0:
            walk = churn(city, rng, laptop, run, tally)
            laptop.queue(rng, run)
        touched, moving = _in_motion(laptop)
        # me, the pull's pages, a request per mutation, the pull after the push
        pulls = (WALK_PAGES if walk else 1) + (1 if moving else 0)
        requests = 1 + pulls + moving
        for _kill in range(2 if rng.random() < 0.15 else 1):
            seconds = requests * per_request
            plan = KillPlan.draw(rng, pulls=pulls, pushes=moving, seconds=seconds, hold_seconds=HOLD_SECONDS)
            outcome = KilledSync(proxy, home, PROFILE, plan).run()
            tally.syncs += 1
            if not outcome.killed:
                tally.finished += 1
                if outcome.requests:
                    per_request = max(0.01, outcome.seconds / outcome.requests)
                assert outcome.returncode in (cli.EXIT_OK, cli.EXIT_CONFLICTS), outcome.stderr
                break
            tally.kills[outcome.where] += 1
            _check_moment(city, laptop, touched)
        if touched and rng.random() < 0.15:
            # While the laptop is off, a complaint it was sending leaves its scope (after the request the
            # dead process left in the proxy has landed: the move reads the version it acts on).
            proxy.wait_idle()
            move_away(city, rng.choice(sorted(touched)), f"srv-{run}-while-off", tally)
        laptop.recover()
        # A request the dead process left in the proxy reaches the server late: let it land first.
        proxy.wait_idle()
        _check_settled(city, laptop, touched)
    with Session.open(laptop.profile) as session:
        session.sync.run_once(retry_now=True)
    proxy.wait_idle()
    with Store.open(laptop.profile.cache_path) as store:
        expected = list(laptop.expected.values())
        final = audit_mutations(city, store, USER, expected)
        print(f"\n{tally.line(final)}")
        assert len(final.lost) == 0, final.lost
        assert len(final.duplicated) == 0, final.duplicated
        check_sync_invariants(city, store, USER, expected)
    assert final.mutations == len(expected) > RUNS
    assert sum(tally.kills.values()) >= RUNS * 3 // 4, tally.line(final)
    if RUNS >= 50:
        # The kills landed where they matter: mid-push on both sides of the commit, mid-pull, after each.
        wanted = {"push held before the server", "push held after the commit", "pull held", "after pull"}
        assert wanted | {"after push"} <= set(tally.kills), tally.kills
