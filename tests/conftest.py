"""Fixtures every test area may use: a real central server process (one per test process), a private client
home, and another process holding the cache writer of a test's ``profile``. Defined once here so that
tests/sync and tests/reliability share the same server."""

from tests.support.other_writer import other_writer
from tests.support.server import central_server, client_home, fresh_server

__all__ = ["central_server", "client_home", "fresh_server", "other_writer"]
