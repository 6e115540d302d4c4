"""``sambat-central serve`` says "listening on" only once it is; a busy port is one line and exit code 2, and
so is a data directory another server owns (exit code 1)."""

from __future__ import annotations

import re
import selectors
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from tests.support.server import CentralServer, free_port

pytestmark = pytest.mark.e2e

SERVE = [sys.executable, "-m", "sambat_tui.central.cli", "serve", "--log-level", "warning"]


def _refused(*options: str) -> subprocess.CompletedProcess[str]:
    """A ``serve`` expected to give up at once: its exit code and what it said."""
    return subprocess.run([*SERVE, *options], capture_output=True, text=True, timeout=60)


def _line_with(process: subprocess.Popen[str], wanted: str, timeout: float = 60.0) -> str:
    assert process.stderr is not None
    selector = selectors.DefaultSelector()
    selector.register(process.stderr, selectors.EVENT_READ)
    deadline = time.monotonic() + timeout
    seen: list[str] = []
    while time.monotonic() < deadline:
        if selector.select(timeout=0.5):
            line = process.stderr.readline()
            if not line:
                break
            seen.append(line)
            if wanted in line:
                return line
    raise AssertionError(f"no {wanted!r} on stderr: {''.join(seen)}")


def test_listening_is_said_once_requests_are_taken_with_the_real_port(tmp_path: Path) -> None:
    command = [*SERVE, "--data-dir", str(tmp_path / "central"), "--port", "0", "--job-interval", "3600"]
    process = subprocess.Popen(command, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True)
    try:
        line = _line_with(process, "listening on")
        found = re.search(r"listening on (http://127\.0\.0\.1:(\d+))$", line.strip())
        assert found is not None and int(found.group(2)) > 0, line
        assert httpx.get(f"{found.group(1)}/v1/me", timeout=10).status_code == 401  # no retry needed
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=20) == 0, "Ctrl-C is a clean stop"
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=20)


def test_a_busy_port_is_one_clear_line_and_exit_code_2(tmp_path: Path) -> None:
    port = free_port()
    with socket.create_server(("127.0.0.1", port)):
        done = _refused("--data-dir", str(tmp_path / "central"), "--port", str(port))
    assert done.returncode == 2
    assert done.stderr == (
        f"sambat-central: cannot listen on 127.0.0.1:{port}: the port is in use "
        "(another server runs there; pick another --port)\n"
    )
    assert not (tmp_path / "central").exists(), "nothing was started: no database made"


def test_an_address_not_of_this_machine_is_one_clear_line_too(tmp_path: Path) -> None:
    # 192.0.2.1 is TEST-NET-1 (RFC 5737): numeric, so no lookup, and never a local address.
    done = _refused("--data-dir", str(tmp_path / "central"), "--host", "192.0.2.1", "--port", "8080")
    assert done.returncode == 2 and done.stderr.count("\n") == 1 and "Traceback" not in done.stderr
    assert done.stderr.startswith("sambat-central: cannot listen on 192.0.2.1:8080: ")


def test_a_second_server_on_the_same_data_is_refused_in_one_line(fresh_server: CentralServer) -> None:
    assert fresh_server.process is not None
    second = _refused("--data-dir", str(fresh_server.data_dir), "--port", str(free_port()))
    assert second.returncode == 1
    assert second.stderr == (
        f"sambat-central: cannot serve: {fresh_server.data_dir} is in use by sambat-central serve "
        f"(process {fresh_server.process.pid}); stop it first\n"
    )
    assert fresh_server.intake()["version"] == 1  # the first one serves on
