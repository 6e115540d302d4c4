"""Fixtures every test area may use: a real central server process (one per test process) and a private
client home. Defined once here so that tests/sync and tests/reliability share the same server."""

from tests.support.server import central_server, client_home, fresh_server

__all__ = ["central_server", "client_home", "fresh_server"]
