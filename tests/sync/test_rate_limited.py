"""A server that rate-limits the client: 429 means "try later", honouring Retry-After, and loses nothing.

Against a real ``sambat-central serve``: first without a limit (the first sync), then restarted with a small
one (2 a second, bursts of 5, so Retry-After is 3 s) while eight notes wait in the outbox.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from sambat_tui.store import outbox
from sambat_tui.store.outbox import OutboxState
from tests.support.client import Clock, open_session, signed_in
from tests.support.server import CentralServer

pytestmark = pytest.mark.e2e

USER = "operator.dpuprpkp"
NOTES = 8


def test_a_rate_limited_sync_waits_as_asked_and_loses_nothing(tmp_path: Path, client_home: Path) -> None:
    server = CentralServer(data_dir=tmp_path / "central", serve_options=("--rate-limit", "0")).start()
    try:
        complaint = server.intake()
        clock = Clock()
        with open_session(signed_in(server, USER), now=clock) as session:
            assert session.sync.run_once().error is None
            bodies = [f"Catatan lapangan nomor {n}" for n in range(NOTES)]
            assert all(session.actions.note(complaint["id"], body).queued for body in bodies)
            with server.stopped():
                server.serve_options = ("--rate-limit", "120", "--rate-burst", "5")

            limited = session.sync.run_once()
            assert limited.online and limited.retry_after is not None and limited.retry_after >= 1
            assert limited.error is not None and limited.error.startswith("rate limited")
            assert 0 < limited.pushed < NOTES
            with session.store.read() as conn:
                counts = outbox.counts(conn)
            assert counts[OutboxState.PENDING] == NOTES - limited.pushed
            assert counts[OutboxState.FAILED] == counts[OutboxState.CONFLICT] == 0

            early = session.sync.run_once()  # the client's clock has not moved: it does not ask yet
            assert (early.pushed, early.pulled) == (0, 0) and early.retry_after == limited.retry_after

            report = limited
            for _ in range(20):
                if session.sync.status().pending == 0:
                    break
                assert report.retry_after is not None
                time.sleep(report.retry_after)  # the server's bucket refills in real time
                clock.advance(seconds=report.retry_after)
                report = session.sync.run_once()
                with session.store.read() as conn:
                    assert outbox.counts(conn)[OutboxState.FAILED] == 0
            assert session.sync.status().pending == 0 and session.sync.status().conflicts == 0
        history = server.history(complaint["id"])
        sent = [u["body"] for u in history["updates"] if u["kind"] == "internal_note"]
        assert sorted(sent) == sorted(bodies), "each note arrived exactly once"
    finally:
        server.stop()
