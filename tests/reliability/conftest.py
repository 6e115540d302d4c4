"""The reliability tests run against a real central server process (tests/support/server.py)."""

from tests.support.server import central_server, client_home, fresh_server

__all__ = ["central_server", "client_home", "fresh_server"]
