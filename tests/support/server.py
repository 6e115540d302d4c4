"""A real ``sambat-central serve`` process on 127.0.0.1 for tests that need the server, and set-up helpers.

The process is started with the central CLI (``python -m sambat_tui.central.cli serve``) on a free port and a
temporary data directory; tokens come from the CLI's ``token create`` (run in-process: the same code path
without a second interpreter start). ``with server.stopped()`` stops it for a change behind its back (feed
compaction, a hostile row in the change log) and starts it again on the same port.

Fixtures: ``central_server`` (one per test process, shared: each test adds its own complaints and uses a
fresh client, so tests never depend on each other's data) and ``fresh_server`` (one per test, for a test
that needs a server of its own, e.g. one it kills). ``side_storage`` opens the server's database next to
the running server, as ``sambat-central token create`` does (it leaves checkpoints to the server).
"""

from __future__ import annotations

import contextlib
import io
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest

from sambat_tui.central import cli as central_cli
from sambat_tui.central.storage import Storage
from tests.support.cache import private_home

READY_TIMEOUT = 30.0


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


class ServerError(RuntimeError):
    pass


@dataclass
class CentralServer:
    data_dir: Path
    port: int = field(default_factory=free_port)
    log_path: Path | None = None
    serve_options: tuple[str, ...] = ()
    """More options of ``serve`` (``--city-dir DIR``, ``--rate-limit N``)."""
    process: subprocess.Popen[bytes] | None = None
    tokens: dict[str, str] = field(default_factory=dict)
    _clients: dict[str, httpx.Client] = field(default_factory=dict)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    # --- process ---

    def start(self) -> CentralServer:
        if self.process is not None:
            raise ServerError("already running")
        self.data_dir.mkdir(parents=True, exist_ok=True)
        log_path = self.log_path or self.data_dir.parent / f"central-{self.port}.log"
        self.log_path = log_path
        command = [
            sys.executable,
            "-m",
            "sambat_tui.central.cli",
            "serve",
            "--data-dir",
            str(self.data_dir),
            "--host",
            "127.0.0.1",
            "--port",
            str(self.port),
            "--job-interval",
            "3600",
            "--log-level",
            "warning",
            *self.serve_options,
        ]
        with log_path.open("ab") as log:
            self.process = subprocess.Popen(
                command, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL
            )
        self._wait_ready()
        return self

    def _wait_ready(self) -> None:
        deadline = time.monotonic() + READY_TIMEOUT
        assert self.process is not None
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise ServerError(f"sambat-central exited with {self.process.returncode}: {self.log_tail()}")
            try:
                response = httpx.get(f"{self.url}/v1/me", timeout=1.0)
            except httpx.TransportError:
                time.sleep(0.05)
                continue
            if response.status_code == 401:
                return
            raise ServerError(f"unexpected readiness answer {response.status_code}")
        self.stop()
        raise ServerError(f"sambat-central not ready after {READY_TIMEOUT} s: {self.log_tail()}")

    def log_tail(self) -> str:
        if self.log_path is None or not self.log_path.exists():
            return ""
        return self.log_path.read_text(encoding="utf-8", errors="replace")[-2000:]

    def stop(self) -> None:
        for client in self._clients.values():
            client.close()
        self._clients.clear()
        process, self.process = self.process, None
        if process is None:
            return
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)

    @contextlib.contextmanager
    def side_storage(self) -> Iterator[Storage]:
        """The server's storage opened beside the running server (compaction, test set-up)."""
        storage = Storage.open(self.data_dir, auto_checkpoint=False)
        try:
            yield storage
        finally:
            storage.close()

    @contextlib.contextmanager
    def stopped(self) -> Iterator[None]:
        """The server down for the block, then up again on the same port and data."""
        self.stop()
        try:
            yield
        finally:
            self.start()

    # --- tokens and plain requests (test set-up, not the client under test) ---

    def _created(self, *argv: str) -> str:
        """What ``sambat-central <argv> --data-dir D`` prints: the token or key it created."""
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            code = central_cli.main([*argv, "--data-dir", str(self.data_dir)])
        if code != 0:
            raise ServerError(f"{' '.join(argv)} exited with {code}")
        return out.getvalue().strip()

    def token(self, user_id: str) -> str:
        if user_id not in self.tokens:
            self.tokens[user_id] = self._created("token", "create", "--user", user_id)
        return self.tokens[user_id]

    def api_key(self, name: str) -> str:
        """A new Open311 partner key named ``name`` (``sambat-central apikey create``)."""
        return self._created("apikey", "create", "--name", name)

    def http(self, user_id: str) -> httpx.Client:
        if user_id not in self._clients:
            self._clients[user_id] = httpx.Client(
                base_url=self.url, headers={"Authorization": f"Bearer {self.token(user_id)}"}, timeout=30
            )
        return self._clients[user_id]

    @staticmethod
    def _ok(response: httpx.Response) -> Any:
        if not response.is_success:
            raise ServerError(f"{response.request.method} {response.request.url.path}: {response.text}")
        return response.json()

    def intake(self, user_id: str = "coordinator", **fields: Any) -> dict[str, Any]:
        body = {
            "channel": "web",
            "title": "Jalan berlubang di depan sekolah",
            "description": "Lubang besar, sudah dua minggu, membahayakan pengendara motor.",
            "category_code": "JALAN_RUSAK",
            **fields,
        }
        result: dict[str, Any] = self._ok(self.http(user_id).put(f"/v1/complaints/{uuid.uuid4()}", json=body))
        return result

    def complaint(self, complaint_id: str, user_id: str = "coordinator") -> dict[str, Any]:
        result: dict[str, Any] = self._ok(self.http(user_id).get(f"/v1/complaints/{complaint_id}"))
        return result

    def history(self, complaint_id: str, user_id: str = "coordinator") -> dict[str, Any]:
        result: dict[str, Any] = self._ok(self.http(user_id).get(f"/v1/complaints/{complaint_id}/history"))
        return result

    def act(self, complaint_id: str, action: str, user_id: str, reason: str | None = None) -> dict[str, Any]:
        version = self.complaint(complaint_id)["version"]
        body: dict[str, Any] = {"action": action}
        if reason is not None:
            body["reason"] = reason
        headers = {"If-Match": f'"v{version}"', "Idempotency-Key": str(uuid.uuid4())}
        response = self.http(user_id).post(
            f"/v1/complaints/{complaint_id}/transitions", json=body, headers=headers
        )
        result: dict[str, Any] = self._ok(response)
        return result

    def dispose(
        self,
        complaint_id: str,
        user_id: str,
        *,
        kind: str = "dispose",
        to_agency: str,
        to_desk: str | None = None,
        to_user: str | None = None,
        reason: str = "Bukan kewenangan bidang ini",
    ) -> dict[str, Any]:
        version = self.complaint(complaint_id)["version"]
        body: dict[str, Any] = {"kind": kind, "to_agency": to_agency, "reason": reason}
        if to_desk is not None:
            body["to_desk"] = to_desk
        if to_user is not None:
            body["to_user"] = to_user
        headers = {"If-Match": f'"v{version}"', "Idempotency-Key": str(uuid.uuid4())}
        response = self.http(user_id).post(
            f"/v1/complaints/{complaint_id}/dispositions", json=body, headers=headers
        )
        result: dict[str, Any] = self._ok(response)
        return result

    def note(self, complaint_id: str, user_id: str, body: str = "Catatan dari meja lain") -> dict[str, Any]:
        payload = {"kind": "internal_note", "body": body, "authored_at": "2026-02-02T09:00:00+07:00"}
        response = self.http(user_id).put(
            f"/v1/complaints/{complaint_id}/updates/{uuid.uuid4()}", json=payload
        )
        result: dict[str, Any] = self._ok(response)
        return result

    def scope_view(self, user_id: str) -> dict[str, dict[str, Any]]:
        """Every complaint the user may see now, by id, from the online listing (not the change feed)."""
        complaints: dict[str, dict[str, Any]] = {}
        params: dict[str, Any] = {"limit": 200}
        while True:
            page = self._ok(self.http(user_id).get("/v1/complaints", params=params))
            for complaint in page["complaints"]:
                complaints[complaint["id"]] = complaint
            if not page["has_more"]:
                return complaints
            params["cursor"] = page["next_cursor"]


def _started(tmp: Path) -> CentralServer:
    return CentralServer(data_dir=tmp / "central").start()


@pytest.fixture(scope="session")
def central_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[CentralServer]:
    server = _started(tmp_path_factory.mktemp("central"))
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def fresh_server(tmp_path: Path) -> Iterator[CentralServer]:
    server = _started(tmp_path)
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def client_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private SAMBAT_TUI_HOME for the client under test; tokens go to a file, never the real keyring."""
    return private_home(tmp_path, monkeypatch)
