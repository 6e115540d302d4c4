"""A real ``sambat-tui sync --profile P`` process, killed with SIGKILL at a planned point of its traffic.

The process talks to the server through a ``FaultProxy``; the kill is armed by the proxy's policy when the
process's n-th request arrives, and fires a given time later. With a ``hold`` the proxy keeps that request
for its ``delay_seconds`` first: ``Fault.DELAY`` before the server sees it (the kill lands while it waits,
and the proxy still forwards it afterwards, so the server commits what a dead client sent), or
``Fault.DELAY_AFTER`` after the server committed it (the client dies before it hears the answer). Without a
hold the kill lands wherever the process is by then: writing a page, committing an acknowledgement,
between requests.

``KillPlan.draw`` draws a plan from a seeded ``random.Random``; the same seed, the same plans (where exactly
the process is when the signal lands still depends on the machine).
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from tests.support.faultproxy import Fault, FaultProxy, Request

SYNC_TIMEOUT = 120.0


@dataclass(frozen=True)
class KillPlan:
    kind: str
    """The kind of request that arms the kill: ``pull`` (the change feed), ``push`` (a mutation), ``any``."""
    nth: int
    """Which one of that kind (1 = the first) arms it."""
    hold: Fault | None
    """``Fault.DELAY`` or ``Fault.DELAY_AFTER`` on that request, or None."""
    after: float
    """Seconds from that request's arrival at the proxy to the kill."""

    @classmethod
    def draw(
        cls, rng: random.Random, *, pulls: int, pushes: int, seconds: float, hold_seconds: float
    ) -> KillPlan:
        """A kill somewhere in a sync of about ``pulls`` feed requests and ``pushes`` mutations that takes
        ``seconds`` after its first request. Half of the kills land on a held request, a push when there is
        one to send (mostly while it is held, sometimes just after the answer got through); the rest at a
        random time after the first request (anywhere: a page being written, a push, an acknowledgement
        being committed, the final pull)."""
        if rng.random() < 0.5:
            hold = rng.choice((Fault.DELAY, Fault.DELAY_AFTER))
            after = rng.uniform(0.0, hold_seconds * 1.4)
            if pushes and rng.random() < 0.65:
                return cls("push", rng.randint(1, pushes), hold, after)
            return cls("pull", rng.randint(1, max(1, pulls)), hold, after)
        return cls("any", 1, None, rng.uniform(0.0, seconds))


@dataclass(frozen=True)
class Outcome:
    killed: bool
    returncode: int
    where: str
    """Where the kill landed: ``push held before the server``, ``push held after the commit``, ``pull
    held``; else ``after <kind>``, the kind of the last request the proxy had seen from the process (its
    answer being written, or the next step under way)."""
    requests: int
    seconds: float
    """From the process's first request to its end."""
    stderr: str


def _kind(request: Request) -> str:
    path = request.path.split("?")[0]
    if path.startswith("/v1/changes"):
        return "pull"
    if request.method in ("POST", "PUT"):
        return "push"
    if path == "/v1/me":
        return "me"
    return "read"


def sambat_tui_command() -> list[str]:
    """The installed ``sambat-tui`` entry point of this interpreter's environment."""
    script = shutil.which("sambat-tui", path=str(Path(sys.executable).parent))
    return [script] if script else [sys.executable, "-m", "sambat_tui.cli"]


class KilledSync:
    """One ``sambat-tui sync`` run through ``proxy``, killed as ``plan`` says (or left to finish)."""

    def __init__(self, proxy: FaultProxy, home: Path, profile: str, plan: KillPlan) -> None:
        self.proxy = proxy
        self.plan = plan
        self.env = {
            **os.environ,
            "SAMBAT_TUI_HOME": str(home),
            "SAMBAT_TUI_KEYRING": "file",
            "SAMBAT_TUI_PROFILE": profile,
        }
        self.profile = profile
        self._lock = threading.Lock()
        self._process: subprocess.Popen[bytes] | None = None
        self._seen = 0
        self._seen_of: dict[str, int] = {}
        self._last = "start"
        self._where: str | None = None
        self._timer: threading.Timer | None = None
        self._first: float | None = None

    def _policy(self, request: Request) -> Fault | None:
        with self._lock:
            self._seen += 1
            if self._first is None:
                self._first = time.monotonic()
            self._last = kind = _kind(request)
            self._seen_of[kind] = self._seen_of.get(kind, 0) + 1
            number = self._seen if self.plan.kind == "any" else self._seen_of.get(self.plan.kind, 0)
            if kind != self.plan.kind and self.plan.kind != "any":
                return None
            if number != self.plan.nth or self._timer is not None:
                return None
            self._timer = threading.Timer(self.plan.after, self._kill, args=(request,))
            self._timer.daemon = True
            self._timer.start()
        return self.plan.hold

    def _kill(self, trigger: Request) -> None:
        with self._lock:
            process = self._process
            # Only a poll() under this lock reaps the process, so its pid is still its own here.
            if process is None or process.poll() is not None:
                return
            held = self.plan.hold is not None and self.plan.after < self.proxy.delay_seconds
            if held and _kind(trigger) == "push":
                side = "before the server" if self.plan.hold is Fault.DELAY else "after the commit"
                self._where = f"push held {side}"
            elif held:
                self._where = f"{_kind(trigger)} held"
            else:
                self._where = f"after {self._last}"
            os.kill(process.pid, signal.SIGKILL)

    def run(self) -> Outcome:
        self.proxy.policy = self._policy
        with tempfile.TemporaryFile() as errors:
            try:
                with self._lock:
                    self._process = subprocess.Popen(
                        [*sambat_tui_command(), "sync", "--profile", self.profile],
                        env=self.env,
                        stdin=subprocess.DEVNULL,
                        stdout=subprocess.DEVNULL,
                        stderr=errors,
                    )
                process = self._process
                deadline = time.monotonic() + SYNC_TIMEOUT
                while True:
                    # Reaped only here, under the lock the killer takes: it never signals a reused pid.
                    with self._lock:
                        if process.poll() is not None:
                            break
                    if time.monotonic() > deadline:
                        with self._lock:
                            process.kill()
                            process.wait()
                        raise TimeoutError(f"sambat-tui sync still running after {SYNC_TIMEOUT} s")
                    time.sleep(0.005)
            finally:
                self.proxy.policy = lambda _request: None
                if self._timer is not None:
                    self._timer.cancel()
            errors.seek(0)
            stderr = errors.read()
        ended = time.monotonic()
        killed = process.returncode == -signal.SIGKILL
        return Outcome(
            killed=killed,
            returncode=process.returncode,
            where=(self._where or self._last) if killed else "finished",
            requests=self._seen,
            seconds=ended - (self._first or ended),
            stderr=stderr.decode("utf-8", "replace"),
        )
