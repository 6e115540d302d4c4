"""A real ``sambat-central serve`` on 127.0.0.1: start it, make a token with the CLI, call /v1/me, stop it."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

pytestmark = pytest.mark.e2e


def _command() -> list[str]:
    script = shutil.which("sambat-central", path=str(Path(sys.executable).parent))
    return [script] if script else [sys.executable, "-m", "sambat_tui.central.cli"]


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@pytest.fixture
def server(tmp_path: Path) -> Iterator[tuple[str, Path, subprocess.Popen[bytes]]]:
    data_dir = tmp_path / "central"
    port = _free_port()
    log = (tmp_path / "server.log").open("wb")
    serve = ["serve", "--data-dir", str(data_dir), "--host", "127.0.0.1", "--port", str(port)]
    process = subprocess.Popen(
        [*_command(), *serve, "--job-interval", "3600", "--log-level", "warning"],
        stdout=log,
        stderr=subprocess.STDOUT,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            assert process.poll() is None, (tmp_path / "server.log").read_text()
            try:
                if httpx.get(f"{base}/v1/me", timeout=1).status_code == 401:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, (
                "server did not come up: " + (tmp_path / "server.log").read_text()
            )
            time.sleep(0.1)
        yield base, data_dir, process
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGINT)
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        log.close()


def test_serve_token_me_and_stop(server: tuple[str, Path, subprocess.Popen[bytes]]) -> None:
    base, data_dir, process = server
    created = subprocess.run(
        [*_command(), "token", "create", "--data-dir", str(data_dir), "--user", "supervisor.dlh"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert created.returncode == 0, created.stderr
    token = created.stdout.strip()
    assert token.startswith("sbt_") and "\n" not in token

    with httpx.Client(base_url=base, timeout=10) as client:
        me = client.get("/v1/me", headers={"Authorization": f"Bearer {token}"})
        assert me.status_code == 200, me.text
        assert me.json()["user"]["id"] == "supervisor.dlh"
        assert me.json()["agency"]["id"] == "dlh"
        unknown = client.get("/v1/me", headers={"Authorization": "Bearer sbt_wrong"})
        assert unknown.status_code == 401
        assert unknown.headers["content-type"].startswith("application/problem+json")

    process.send_signal(signal.SIGINT)
    assert process.wait(timeout=20) == 0
