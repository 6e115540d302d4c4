"""A small HTTP/1.1-aware TCP proxy that injects faults between a client and a real server.

It understands just enough HTTP (request and response framing by Content-Length or chunked encoding)
to fail at the moments that matter for "never lost, never applied twice":

- ``DROP_BEFORE`` / ``RESET_BEFORE``: the request never reaches the server;
- ``DROP_AFTER`` / ``RESET_AFTER``: the server committed, the client never hears the answer;
- ``ERROR_BEFORE``: a 500 without forwarding;
- ``ERROR_AFTER``: the server committed, the client gets a 500 instead of the answer;
- ``DELAY``: forwarded after a pause;
- ``DELAY_AFTER``: the server committed at once, its answer is held for a pause (a client killed meanwhile
  never hears of a commit that happened).

A request the proxy has read is forwarded even when the client has gone meanwhile (killed during a
``DELAY``): the server commits what a dead client sent, as a real one would. ``wait_idle`` waits for such
late requests to finish.

Only loopback is ever used: the proxy listens on 127.0.0.1 and forwards to a 127.0.0.1 upstream.
"""

from __future__ import annotations

import contextlib
import random
import socket
import struct
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import Enum


class Fault(Enum):
    DROP_BEFORE = "drop_before"
    DROP_AFTER = "drop_after"
    RESET_BEFORE = "reset_before"
    RESET_AFTER = "reset_after"
    ERROR_BEFORE = "error_before"
    ERROR_AFTER = "error_after"
    DELAY = "delay"
    DELAY_AFTER = "delay_after"


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes
    number: int


Policy = Callable[[Request], Fault | None]

_ERROR_500 = (
    b"HTTP/1.1 500 Internal Server Error\r\n"
    b"Content-Type: text/plain\r\nContent-Length: 14\r\nConnection: close\r\n\r\ninjected fault"
)


class _Closed(Exception):
    pass


def _read_until(sock: socket.socket, buf: bytearray, marker: bytes) -> bytes:
    while marker not in buf:
        chunk = sock.recv(65536)
        if not chunk:
            raise _Closed
        buf += chunk
    end = buf.index(marker) + len(marker)
    out = bytes(buf[:end])
    del buf[:end]
    return out


def _read_exact(sock: socket.socket, buf: bytearray, n: int) -> bytes:
    while len(buf) < n:
        chunk = sock.recv(65536)
        if not chunk:
            raise _Closed
        buf += chunk
    out = bytes(buf[:n])
    del buf[:n]
    return out


def _parse_headers(head: bytes) -> tuple[str, dict[str, str]]:
    lines = head.decode("latin-1").split("\r\n")
    headers: dict[str, str] = {}
    for line in lines[1:]:
        if ":" in line:
            key, value = line.split(":", 1)
            headers[key.strip().lower()] = value.strip()
    return lines[0], headers


def _read_body(sock: socket.socket, buf: bytearray, headers: dict[str, str]) -> bytes:
    if headers.get("transfer-encoding", "").lower() == "chunked":
        parts = bytearray()
        while True:
            size_line = _read_until(sock, buf, b"\r\n")
            size = int(size_line.split(b";")[0].strip(), 16)
            chunk = _read_exact(sock, buf, size + 2)
            parts += size_line + chunk
            if size == 0:
                return bytes(parts)
    length = int(headers.get("content-length", "0") or 0)
    return _read_exact(sock, buf, length)


def _read_message(sock: socket.socket, buf: bytearray) -> tuple[bytes, str, dict[str, str], bytes]:
    head = _read_until(sock, buf, b"\r\n\r\n")
    start, headers = _parse_headers(head)
    body = _read_body(sock, buf, headers)
    return head, start, headers, body


def _reset(sock: socket.socket) -> None:
    # SO_LINGER with a zero timeout makes close() send RST instead of FIN.
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    sock.close()


@dataclass
class FaultProxy:
    """Listens on 127.0.0.1:<port> and forwards to 127.0.0.1:<upstream_port>, failing per ``policy``."""

    upstream_port: int
    policy: Policy = field(default=lambda _request: None)
    delay_seconds: float = 0.2
    port: int = 0
    log: list[tuple[int, str, str, str]] = field(default_factory=list)
    _listener: socket.socket | None = None
    _threads: list[threading.Thread] = field(default_factory=list)
    _stopping: threading.Event = field(default_factory=threading.Event)
    _counter: int = 0
    _in_flight: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _idle: threading.Condition = field(init=False)

    def __post_init__(self) -> None:
        self._idle = threading.Condition(self._lock)

    def start(self) -> FaultProxy:
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(64)
        listener.settimeout(0.2)
        self.port = listener.getsockname()[1]
        self._listener = listener
        thread = threading.Thread(target=self._accept_loop, name="faultproxy-accept", daemon=True)
        thread.start()
        self._threads.append(thread)
        return self

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def stop(self) -> None:
        self._stopping.set()
        if self._listener is not None:
            self._listener.close()
        for thread in self._threads:
            thread.join(timeout=5)

    def __enter__(self) -> FaultProxy:
        return self if self._listener is not None else self.start()

    def __exit__(self, *_exc: object) -> None:
        self.stop()

    def wait_idle(self, timeout: float = 30.0, quiet: float = 0.05) -> None:
        """Wait until no request is between the proxy and the server (or on its way back), and none has
        come in for ``quiet`` seconds (bytes a killed client sent just before it died may still be read)."""
        deadline = time.monotonic() + timeout
        while True:
            with self._idle:
                left = deadline - time.monotonic()
                if not self._idle.wait_for(lambda: self._in_flight == 0, max(left, 0)):
                    raise TimeoutError(f"{self._in_flight} request(s) still in flight after {timeout} s")
                seen = self._counter
            time.sleep(quiet)
            with self._idle:
                if self._in_flight == 0 and self._counter == seen:
                    return

    def faults(self) -> list[str]:
        with self._lock:
            return [entry[3] for entry in self.log if entry[3] != "pass"]

    def _accept_loop(self) -> None:
        assert self._listener is not None
        while not self._stopping.is_set():
            try:
                client, _addr = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            thread = threading.Thread(target=self._serve, args=(client,), daemon=True)
            thread.start()
            self._threads.append(thread)

    def _next_number(self) -> int:
        with self._lock:
            self._counter += 1
            return self._counter

    def _record(self, request: Request, outcome: str) -> None:
        with self._lock:
            self.log.append((request.number, request.method, request.path, outcome))

    def _serve(self, client: socket.socket) -> None:
        client.settimeout(30)
        link = _Upstream(self.upstream_port)
        client_buf = bytearray()
        try:
            while not self._stopping.is_set():
                head, start, headers, body = _read_message(client, client_buf)
                method, _, rest = start.partition(" ")
                path = rest.rsplit(" ", 1)[0]
                request = Request(method, path, headers, body, self._next_number())
                fault = self.policy(request)
                self._record(request, fault.value if fault else "pass")
                with self._idle:
                    self._in_flight += 1
                try:
                    go_on = self._pass_on(client, link, head + body, fault)
                finally:
                    with self._idle:
                        self._in_flight -= 1
                        self._idle.notify_all()
                if not go_on:
                    return
        except (_Closed, OSError, ValueError):
            pass
        finally:
            link.close()
            with contextlib.suppress(OSError):
                client.close()

    def _pass_on(self, client: socket.socket, link: _Upstream, message: bytes, fault: Fault | None) -> bool:
        """Forward one request (or fail it as ``fault`` says); False when the client connection is done."""
        if fault is Fault.DROP_BEFORE:
            client.close()
            return False
        if fault is Fault.RESET_BEFORE:
            _reset(client)
            return False
        if fault is Fault.ERROR_BEFORE:
            client.sendall(_ERROR_500)
            client.close()
            return False
        if fault is Fault.DELAY:
            time.sleep(self.delay_seconds)
        r_head, r_headers, r_body = link.exchange(message)
        if fault is Fault.DROP_AFTER:
            client.close()
            return False
        if fault is Fault.RESET_AFTER:
            _reset(client)
            return False
        if fault is Fault.ERROR_AFTER:
            client.sendall(_ERROR_500)
            client.close()
            return False
        if fault is Fault.DELAY_AFTER:
            time.sleep(self.delay_seconds)
        client.sendall(r_head + r_body)
        if r_headers.get("connection", "").lower() == "close":
            client.close()
            return False
        return True


class _Upstream:
    """The proxy's connection to the server for one client connection, opened at its first request."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.sock: socket.socket | None = None
        self.buf = bytearray()

    def exchange(self, message: bytes) -> tuple[bytes, dict[str, str], bytes]:
        if self.sock is None:
            self.sock = socket.create_connection(("127.0.0.1", self.port), timeout=30)
            self.buf = bytearray()
        self.sock.sendall(message)
        head, _start, headers, body = _read_message(self.sock, self.buf)
        return head, headers, body

    def close(self) -> None:
        if self.sock is not None:
            with contextlib.suppress(OSError):
                self.sock.close()
            self.sock = None


def random_policy(seed: int, rate: float, faults: tuple[Fault, ...] = tuple(Fault)) -> Policy:
    """A reproducible policy that fails a ``rate`` share of requests with a fault drawn from ``faults``."""
    rng = random.Random(seed)
    lock = threading.Lock()

    def decide(_request: Request) -> Fault | None:
        with lock:
            if rng.random() < rate:
                return rng.choice(faults)
            return None

    return decide
