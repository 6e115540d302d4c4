"""Running the app under uvicorn on a socket bound first, so that a busy port is a clear one-line error.

``bind`` takes the address before anything else is done (no database opened, no app built); ``serve`` hands
the socket to uvicorn and calls ``ready`` once uvicorn has started serving on it, so "listening on" is
printed only when it is true.
"""

from __future__ import annotations

import contextlib
import errno
import socket
from collections.abc import Callable

import uvicorn
from fastapi import FastAPI


class ListenError(Exception):
    """The server cannot listen on the address asked for; the message says why in one line."""


def bind(host: str, port: int) -> socket.socket:
    """A listening TCP socket on ``host:port`` (port 0: any free port)."""
    try:
        family, _, _, _, address = socket.getaddrinfo(
            host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE
        )[0]
    except socket.gaierror as error:
        raise ListenError(f"cannot listen on {host}:{port}: unknown address ({error.strerror})") from None
    try:
        return socket.create_server(address[:2], family=family)
    except OSError as error:
        if error.errno == errno.EADDRINUSE:
            why = "the port is in use (another server runs there; pick another --port)"
        elif error.errno == errno.EACCES:
            why = "permission denied (ports below 1024 need privileges; pick another --port)"
        else:
            why = error.strerror or str(error)
        raise ListenError(f"cannot listen on {host}:{port}: {why}") from None


def url_of(listening: socket.socket) -> str:
    host, port = listening.getsockname()[:2]
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}"


class _Server(uvicorn.Server):
    def __init__(self, config: uvicorn.Config, ready: Callable[[], None]) -> None:
        super().__init__(config)
        self._ready = ready

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets=sockets)
        if self.started:
            self._ready()


def serve(app: FastAPI, listening: socket.socket, *, log_level: str, ready: Callable[[], None]) -> None:
    """Serve ``app`` on the bound socket until a signal stops it; ``ready`` runs once requests are taken."""
    config = uvicorn.Config(app, log_level=log_level)
    # uvicorn re-raises the SIGINT it shut down on; as ``uvicorn.run`` does, that is a clean exit.
    with contextlib.suppress(KeyboardInterrupt):
        _Server(config, ready).run(sockets=[listening])
