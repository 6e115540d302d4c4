"""The sync engine against a real ``sambat-central serve`` process: pull, evict, 410, quarantine, push."""

from __future__ import annotations

import json
import sqlite3
import threading
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from sambat_tui.domain.model import Action
from sambat_tui.services.session import Session
from sambat_tui.store import complaints, outbox, quarantine, sync_state
from sambat_tui.store.db import Store
from sambat_tui.store.outbox import OutboxState
from sambat_tui.sync.client import ApiClient, FeedPage
from sambat_tui.sync.engine import SyncEngine
from sambat_tui.sync.pull import EVICTED_REASON
from tests.support.client import Clock, open_session, signed_in
from tests.support.faultproxy import Fault, FaultProxy, Request
from tests.support.full_disk import full_disk
from tests.support.invariants import check_sync_invariants, queued_mutations
from tests.support.server import CentralServer

pytestmark = pytest.mark.e2e

USER = "operator.dpuprpkp"


@pytest.fixture
def session(central_server: CentralServer, client_home: Path) -> Iterator[Session]:
    with open_session(signed_in(central_server, USER)) as opened:
        yield opened


def _synced(session: Session) -> None:
    report = session.sync.run_once()
    assert report.online and report.error is None, report


def test_bootstrap_fetches_the_users_scope_and_the_reference(
    central_server: CentralServer, session: Session
) -> None:
    mine = central_server.intake()
    elsewhere = central_server.intake(category_code="SAMPAH")
    report = session.sync.run_once()
    assert report.online and report.error is None and report.pulled > 0
    assert session.complaints.get(mine["public_ref"]) is not None
    assert session.complaints.get(elsewhere["public_ref"]) is None
    identity = session.identity
    assert identity is not None and identity.user_id == USER
    with session.store.read() as conn:
        assert sync_state.cursor(conn)
        assert sync_state.last_sync_at(conn) is not None
        assert conn.execute("SELECT count(*) FROM desks").fetchone()[0] > 10
    check_sync_invariants(central_server, session.store, USER, [])
    assert session.sync.run_once().pulled == 0


class _PowerCut(Exception):
    pass


class _DiesAfter(ApiClient):
    """A client whose process 'dies' after delivering some pages."""

    pages_left = 2

    def changes(self, cursor: str, limit: int = 500) -> FeedPage:
        if self.pages_left == 0:
            raise _PowerCut
        self.pages_left -= 1
        return super().changes(cursor, limit)


def test_a_pull_that_dies_resumes_where_the_stored_cursor_says(
    central_server: CentralServer, tmp_path: Path
) -> None:
    for _ in range(6):
        central_server.intake()
    token = central_server.token(USER)
    store = Store.open(tmp_path / "cache.sqlite3")
    try:
        dying = SyncEngine(store, _DiesAfter(central_server.url, token), page_size=4)
        with pytest.raises(_PowerCut):
            dying.run_once()
        with store.read() as conn:
            cursor = sync_state.cursor(conn)
            stored = complaints.total(conn)
        assert cursor, "each stored page commits its cursor with it"
        engine = SyncEngine(store, ApiClient(central_server.url, token), page_size=4)
        report = engine.run_once()
        assert report.error is None
        with store.read() as conn:
            assert complaints.total(conn) >= stored
        check_sync_invariants(central_server, store, USER, [])
        dying.client.close()
        engine.client.close()
    finally:
        store.close()


class _SlowLink(ApiClient):
    """The second page takes its time; meanwhile the app wants to write (a take, a note)."""

    def __init__(self, url: str, token: str, store: Store) -> None:
        super().__init__(url, token)
        self.store = store
        self.calls = 0
        self.app_could_write: list[bool] = []

    def changes(self, cursor: str, limit: int = 500) -> FeedPage:
        self.calls += 1
        if self.calls == 2:
            wrote = threading.Event()

            def app_write() -> None:
                with self.store.transaction() as conn:
                    conn.execute("SELECT 1")
                wrote.set()

            threading.Thread(target=app_write, daemon=True).start()
            self.app_could_write.append(wrote.wait(timeout=15))
        return super().changes(cursor, limit)


def test_a_pull_never_holds_the_write_lock_while_it_waits_for_the_network(
    central_server: CentralServer, tmp_path: Path
) -> None:
    for _ in range(6):
        central_server.intake()
    store = Store.open(tmp_path / "cache.sqlite3")
    try:
        client = _SlowLink(central_server.url, central_server.token(USER), store)
        report = SyncEngine(store, client, page_size=4).run_once()
        assert report.error is None
        assert client.app_could_write == [True], "the app's write waited for a page still on the wire"
        check_sync_invariants(central_server, store, USER, [])
        client.close()
    finally:
        store.close()


def test_an_evicted_complaint_leaves_and_its_queued_work_becomes_a_conflict(
    central_server: CentralServer, session: Session
) -> None:
    moving = central_server.intake()
    _synced(session)
    queued = session.actions.note(moving["id"], "Akan dicek besok pagi")
    assert queued.queued
    expected = queued_mutations(session.store)
    # Reassigned to a UPT desk: the operator's desks exclude UPTs, so it leaves their scope.
    central_server.dispose(
        moving["id"],
        "supervisor.dpuprpkp",
        kind="reassign",
        to_agency="dpuprpkp",
        to_desk="dpuprpkp.upt-utara",
    )
    report = session.sync.run_once()
    assert report.error is None
    assert report.conflicts == 1
    assert session.complaints.get(moving["id"]) is None
    (entry,) = [e for e in session.outbox.entries() if e.mutation_id == queued.queued[0]]
    assert entry.state == "conflict" and entry.server_reason == EVICTED_REASON
    assert entry.public_ref == moving["public_ref"]
    check_sync_invariants(central_server, session.store, USER, expected)


def _compact(server: CentralServer) -> None:
    """Compact the server's change log now (as its daily job would), keeping the newest row of each entity."""
    with server.side_storage() as storage, storage.write(datetime.now(UTC)) as tx:
        assert tx.compact_feed(datetime.now(UTC) + timedelta(days=1)) > 0


def test_cursor_expired_walks_the_feed_again_prunes_and_keeps_the_outbox(
    central_server: CentralServer, client_home: Path
) -> None:
    server = central_server
    staying, leaving = server.intake(), server.intake()
    with open_session(signed_in(server, USER)) as session:
        _synced(session)
        assert session.actions.transition([staying["id"]], Action.TAKE, "r-take").queued
        assert session.actions.note(leaving["id"], "Catatan yang tak sempat terkirim").queued
        expected = queued_mutations(session.store)
        # While this client is away: the complaint leaves its scope and changes again elsewhere, so after
        # the compaction no row of the log tells this client that it left.
        server.dispose(leaving["id"], "supervisor.dpuprpkp", to_agency="dlh")
        server.act(leaving["id"], "hold", "coordinator")
        arrived = server.intake()
        _compact(server)
        report = session.sync.run_once()
        assert report.error is None and report.rebootstrapped
        assert session.complaints.get(leaving["id"]) is None
        assert session.complaints.get(arrived["id"]) is not None
        taken = session.complaints.get(staying["id"])
        assert taken is not None and taken.data["assignee_id"] == USER
        states = {e.summary.split(":")[0]: e.state for e in session.outbox.entries()}
        assert states == {"internal_note": "conflict"}
        check_sync_invariants(server, session.store, USER, expected)


_LATEST_ROW = (
    "SELECT seq, data FROM change_log WHERE entity = 'complaint' AND entity_id = ? ORDER BY seq DESC LIMIT 1"
)


def _inject_feed_row(
    server: CentralServer, like: str, entity_id: str, data_json: Callable[[str], str]
) -> None:
    """A copy of complaint ``like``'s newest change-log row (same scope) carrying ``data_json`` verbatim,
    written beside the running server (no checkpoint from here: the server does those)."""
    conn = sqlite3.connect(server.data_dir / "central.sqlite3", timeout=30)
    try:
        conn.execute("PRAGMA wal_autocheckpoint = 0")
        columns = [r[1] for r in conn.execute("PRAGMA table_info(change_log)") if r[1] != "seq"]
        seq, data = conn.execute(_LATEST_ROW, (like,)).fetchone()
        chosen = ", ".join("?" if c in ("entity_id", "data") else c for c in columns)
        values = {"entity_id": entity_id, "data": data_json(data)}
        conn.execute(
            f"INSERT INTO change_log ({', '.join(columns)}) SELECT {chosen} FROM change_log WHERE seq = ?",
            [values[c] for c in columns if c in values] + [seq],
        )
        conn.commit()
    finally:
        conn.close()


def test_a_record_that_cannot_be_stored_is_quarantined_and_the_pull_goes_on(
    central_server: CentralServer, client_home: Path
) -> None:
    # At a desk no other test syncs: the bad record reaches only this test's user.
    user = "operator.dlh"
    first = central_server.intake(category_code="SAMPAH")
    bad_id = str(uuid.uuid4())

    def poisoned(data: str) -> str:
        wire = json.loads(data)
        wire["id"], wire["title"] = bad_id, "TITLE"
        # A lone surrogate, as a JSON escape: valid JSON, not valid UTF-8 text.
        return json.dumps(wire).replace('"TITLE"', '"Sampah \\ud800 menumpuk"')

    _inject_feed_row(central_server, first["id"], bad_id, poisoned)
    after = central_server.intake(category_code="SAMPAH")
    with open_session(signed_in(central_server, user)) as session:
        report = session.sync.run_once()
        assert report.error is None and report.quarantined == 1
        assert session.complaints.get(first["id"]) is not None
        assert session.complaints.get(after["id"]) is not None
        assert session.complaints.get(bad_id) is None
        with session.store.read() as conn:
            (record,) = quarantine.list_recent(conn)
        assert record.record_id == bad_id and record.reason.startswith("complaint: title:")
        check_sync_invariants(central_server, session.store, user, [])


def test_push_sends_each_complaints_mutations_in_outbox_order(
    central_server: CentralServer, session: Session
) -> None:
    first, second = central_server.intake(), central_server.intake()
    _synced(session)
    actions = session.actions
    assert actions.transition([first["id"]], Action.TAKE, "r1-take").queued
    assert actions.note(second["id"], "Catatan pertama").queued
    assert actions.transition([first["id"]], Action.START, "r1-start").queued
    assert actions.note(first["id"], "Sudah disurvei").queued
    assert actions.respond(first["id"], "Jalan sudah ditambal, terima kasih.").queued
    assert actions.transition([second["id"]], Action.HOLD, "r2-hold").queued
    cached = session.complaints.get(first["id"])
    assert cached is not None and cached.data["status"] == "responded" and cached.pending == 4
    expected = queued_mutations(session.store)
    report = session.sync.run_once()
    assert report.error is None and report.pushed == 6 and report.conflicts == 0
    assert central_server.complaint(first["id"])["status"] == "responded"
    assert central_server.complaint(second["id"])["status"] == "on_hold"
    check_sync_invariants(central_server, session.store, USER, expected)


def test_a_stale_version_is_rebased_when_the_act_is_still_valid(
    central_server: CentralServer, session: Session
) -> None:
    complaint = central_server.intake()
    _synced(session)
    assert session.actions.transition([complaint["id"]], Action.HOLD, "r-hold").queued
    expected = queued_mutations(session.store)
    central_server.act(complaint["id"], "take", "supervisor.dpuprpkp")  # a new version, same status
    report = session.sync.run_once()
    assert report.error is None and report.pushed == 1 and report.conflicts == 0
    assert central_server.complaint(complaint["id"])["status"] == "on_hold"
    check_sync_invariants(central_server, session.store, USER, expected)


def test_a_stale_version_is_a_conflict_when_the_act_no_longer_fits(
    central_server: CentralServer, session: Session
) -> None:
    complaint = central_server.intake()
    _synced(session)
    assert session.actions.transition([complaint["id"]], Action.START, "r-start").queued
    cached = session.complaints.get(complaint["id"])
    assert cached is not None and cached.data["status"] == "in_progress"
    expected = queued_mutations(session.store)
    central_server.act(complaint["id"], "hold", "coordinator")
    report = session.sync.run_once()
    assert report.error is None and report.conflicts == 1
    (entry,) = session.outbox.entries()
    assert entry.state == "conflict" and entry.server_reason is not None and "on_hold" in entry.server_reason
    shown = session.complaints.get(complaint["id"])
    assert shown is not None and shown.data["status"] == "on_hold"
    check_sync_invariants(central_server, session.store, USER, expected)


def _first_post_on(complaint_id: str, fault: Fault) -> tuple[list[str], object]:
    seen: list[str] = []

    def policy(request: Request) -> Fault | None:
        if request.method == "POST" and complaint_id in request.path:
            seen.append(request.path)
            return fault if len(seen) == 1 else None
        return None

    return seen, policy


def test_a_failed_mutation_holds_back_its_complaint_only_and_waits_for_its_backoff(
    central_server: CentralServer, client_home: Path
) -> None:
    blocked, free = central_server.intake(), central_server.intake()
    seen, policy = _first_post_on(blocked["id"], Fault.ERROR_BEFORE)
    clock = Clock()
    proxy = FaultProxy(central_server.port, policy=policy).start()  # type: ignore[arg-type]
    with proxy, open_session(signed_in(central_server, USER, url=proxy.url), clock) as session:
        _synced(session)
        actions = session.actions
        assert actions.transition([blocked["id"]], Action.TAKE, "b-take").queued
        assert actions.transition([blocked["id"]], Action.START, "b-start").queued
        assert actions.transition([free["id"]], Action.TAKE, "f-take").queued
        expected = queued_mutations(session.store)
        session.sync.run_once()
        with session.store.read() as conn:
            states = [(e.complaint_id, e.state, e.attempts) for e in outbox.list_entries(conn)]
            (failed,) = [e for e in outbox.list_entries(conn) if e.state is OutboxState.FAILED]
        assert states == [
            (blocked["id"], OutboxState.FAILED, 1),
            (blocked["id"], OutboxState.PENDING, 0),
        ], "the free complaint went; the blocked one's second act waits behind its first"
        assert failed.next_attempt_at is not None and failed.next_attempt_at > clock.now
        assert failed.last_error == "500 internal_error"
        session.sync.run_once()
        assert len(seen) == 1, "no retry before the backoff time"
        clock.advance(hours=1)
        report = session.sync.run_once()
        assert report.error is None and report.pushed == 2
        check_sync_invariants(central_server, session.store, USER, expected)


def test_a_discarded_change_leaves_the_row_at_the_next_sync(
    central_server: CentralServer, session: Session
) -> None:
    complaint = central_server.intake()
    _synced(session)
    (mutation_id,) = session.actions.transition([complaint["id"]], Action.TAKE, "r-discarded").queued
    taken = session.complaints.get(complaint["id"])
    assert taken is not None and taken.data["assignee_id"] == USER
    session.outbox.discard(mutation_id)
    _synced(session)
    shown = session.complaints.get(complaint["id"])
    assert shown is not None and shown.data["assignee_id"] is None and shown.pending == 0
    check_sync_invariants(central_server, session.store, USER, [])


def _one_take_queued(central_server: CentralServer, session: Session) -> tuple[dict[str, Any], list[Any]]:
    """A complaint of the user's, synced, with a take of it queued; and the queued mutations."""
    mine = central_server.intake()
    _synced(session)
    assert session.actions.transition([mine["id"]], Action.TAKE).queued
    return mine, queued_mutations(session.store)


def test_a_full_disk_stops_the_sync_with_nothing_lost_and_the_next_run_finishes(
    central_server: CentralServer, session: Session
) -> None:
    mine, expected = _one_take_queued(central_server, session)
    long = "Air meluap ke jalan setiap hujan deras, got tersumbat sampah dan lumpur. " * 50  # ~3.7 KB
    new = [central_server.intake(description=long) for _ in range(8)]
    with session.store.read() as conn:
        cursor = sync_state.cursor(conn)
    with full_disk(session.store):
        report = session.sync.run_once()
        assert report.error is not None and "full" in report.error and report.online
        with session.store.read() as conn:
            assert sync_state.cursor(conn) == cursor  # the pull is taken again from where it stood
        assert all(session.complaints.get(c["id"]) is None for c in new)
        assert [e.state for e in session.outbox.entries()] == [OutboxState.PENDING]  # not sent, still here
        assert central_server.complaint(mine["id"])["status"] != "in_progress"
    report = session.sync.run_once()
    assert report.error is None and report.pushed == 1, report
    assert all(session.complaints.get(c["id"]) is not None for c in new)
    check_sync_invariants(central_server, session.store, USER, expected)


def test_a_change_left_sending_by_an_earlier_run_is_sent_again_once_and_settles(
    central_server: CentralServer, session: Session
) -> None:
    _, expected = _one_take_queued(central_server, session)
    [entry] = session.outbox.entries()
    # What a run leaves when the server took the change but the disk was full when the answer came.
    with session.store.transaction() as conn:
        outbox.mark_sending(conn, entry.seq)
    report = session.sync.run_once()
    assert report.error is None and report.pushed == 1, report
    assert session.outbox.entries() == ()
    check_sync_invariants(central_server, session.store, USER, expected)
