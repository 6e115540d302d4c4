"""The fault proxy must fail exactly as asked, or the reliability tests prove nothing."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import ClassVar

import httpx
import pytest

from tests.support.faultproxy import Fault, FaultProxy, Request, random_policy


class _Counter(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    hits: ClassVar[list[bytes]] = []

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        type(self).hits.append(body)
        payload = b'{"ok":true,"n":%d}' % len(type(self).hits)
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, *_args: object) -> None:
        pass


@pytest.fixture
def upstream() -> Iterator[tuple[int, list[bytes]]]:
    hits: ClassVar[list[bytes]] = []
    handler = type("Handler", (_Counter,), {"hits": hits})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_address[1], hits
    server.shutdown()
    server.server_close()


def _only(fault: Fault | None, path: str = "/x"):  # type: ignore[no-untyped-def]
    def policy(request: Request) -> Fault | None:
        return fault if request.path == path else None

    return policy


def test_passes_requests_through_on_a_kept_alive_connection(upstream: tuple[int, list[bytes]]) -> None:
    port, hits = upstream
    with FaultProxy(port) as proxy, httpx.Client(base_url=proxy.url) as client:
        for i in range(3):
            response = client.post("/ok", content=b"body-%d" % i)
            assert response.json() == {"ok": True, "n": i + 1}
    assert hits == [b"body-0", b"body-1", b"body-2"]


@pytest.mark.parametrize(
    ("fault", "reaches_server"),
    [
        (Fault.DROP_BEFORE, False),
        (Fault.RESET_BEFORE, False),
        (Fault.DROP_AFTER, True),
        (Fault.RESET_AFTER, True),
    ],
)
def test_connection_faults_happen_before_or_after_the_server(
    upstream: tuple[int, list[bytes]], fault: Fault, reaches_server: bool
) -> None:
    port, hits = upstream
    with FaultProxy(port, policy=_only(fault)) as proxy, httpx.Client(base_url=proxy.url) as client:
        with pytest.raises(httpx.TransportError):
            client.post("/x", content=b"payload")
        assert client.post("/ok", content=b"after").status_code == 200
    assert (b"payload" in hits) is reaches_server
    assert hits[-1] == b"after"


@pytest.mark.parametrize(
    ("fault", "reaches_server"), [(Fault.ERROR_BEFORE, False), (Fault.ERROR_AFTER, True)]
)
def test_500_faults(upstream: tuple[int, list[bytes]], fault: Fault, reaches_server: bool) -> None:
    port, hits = upstream
    with FaultProxy(port, policy=_only(fault)) as proxy, httpx.Client(base_url=proxy.url) as client:
        assert client.post("/x", content=b"payload").status_code == 500
    assert (b"payload" in hits) is reaches_server
    assert proxy.faults() == [fault.value]


def test_delay_still_delivers(upstream: tuple[int, list[bytes]]) -> None:
    port, hits = upstream
    with FaultProxy(port, policy=_only(Fault.DELAY), delay_seconds=0.05) as proxy:
        assert httpx.post(f"{proxy.url}/x", content=b"slow").status_code == 200
    assert hits == [b"slow"]


def test_random_policy_is_reproducible() -> None:
    request = Request("POST", "/x", {}, b"", 1)
    first = random_policy(7, 0.5)
    second = random_policy(7, 0.5)
    assert [first(request) for _ in range(50)] == [second(request) for _ in range(50)]
    assert any(f is not None for f in (first(request) for _ in range(50)))


def test_delay_after_holds_an_answer_the_server_already_committed(upstream: tuple[int, list[bytes]]) -> None:
    port, hits = upstream
    with FaultProxy(port, policy=_only(Fault.DELAY_AFTER), delay_seconds=0.5) as proxy:
        with pytest.raises(httpx.ReadTimeout):
            httpx.post(f"{proxy.url}/x", content=b"committed", timeout=0.2)
        # The client gave up, but the server has it already; the held answer is still on its way.
        assert hits == [b"committed"]
        proxy.wait_idle(timeout=5)
    assert proxy.faults() == [Fault.DELAY_AFTER.value]


def test_a_request_read_before_the_client_left_still_reaches_the_server(
    upstream: tuple[int, list[bytes]],
) -> None:
    port, hits = upstream
    with FaultProxy(port, policy=_only(Fault.DELAY), delay_seconds=0.3) as proxy:
        with pytest.raises(httpx.ReadTimeout):
            httpx.post(f"{proxy.url}/x", content=b"late", timeout=0.1)
        assert hits == []
        proxy.wait_idle(timeout=5)
        assert hits == [b"late"]
