"""A server whose database was restored from a backup, on the real stack: a desk notices at its next sync,
sends again what the restore lost, and ends with a cache equal to the restored server's view.

What the restore takes away on the server: the desk's own changes made after the backup (sent again from
``outbox_sent``, each applied once: the ones the backup does hold are answered from the server's idempotency
records); another desk's note and take, and a complaint filed after the backup (gone for good: the cache
drops them, and the restored server's older copy of the complaint wins over the cache's newer one).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from sambat_tui import cli
from sambat_tui.services.profiles import profile_paths
from sambat_tui.store import complaints, outbox, timeline
from sambat_tui.store.db import Store
from sambat_tui.sync.client import ApiClient, FeedPage
from sambat_tui.sync.engine import SyncEngine
from sambat_tui.sync.errors import Offline
from tests.support.cache import sent_count
from tests.support.headless import central, headless
from tests.support.invariants import check_sync_invariants, queued_mutations
from tests.support.server import CentralServer

pytestmark = pytest.mark.e2e

USER = "operator.dpuprpkp"


def test_a_desk_sends_again_what_a_restore_took_from_the_server(
    fresh_server: CentralServer, client_home: Path, tmp_path: Path
) -> None:
    made = [fresh_server.intake(title=f"Jalan berlubang di depan sekolah {n}") for n in range(4)]
    refs = [m["public_ref"] for m in made]
    assert headless("login", "--server", fresh_server.url, "--token", fresh_server.token(USER))[0] == 0
    assert headless("sync")[0] == 0
    cache = profile_paths().cache_path

    assert headless("take", refs[0])[0] == 0
    with Store.open(cache) as store:
        expected = queued_mutations(store)
    assert headless("sync")[0] == 0  # on the server before the backup
    backup = tmp_path / "central-backup.sqlite3"
    assert central("backup", "--data-dir", str(fresh_server.data_dir), str(backup)) == 0

    assert headless("note", refs[1], "Sudah dicek, perlu tambal sulam")[0] == 0
    assert headless("take", refs[2])[0] == 0
    with Store.open(cache) as store:
        expected += queued_mutations(store)
    lost_note = fresh_server.note(made[3]["id"], "coordinator", "Catatan koordinator sesudah cadangan")
    lost_note_id = lost_note["updates"][0]["id"]
    lost_take = fresh_server.act(made[3]["id"], "take", "supervisor.dpuprpkp", "Diambil kepala seksi")
    late = fresh_server.intake(title="Pengaduan yang masuk sesudah cadangan")
    assert headless("sync")[0] == 0  # the server took them all; the backup has none of them
    assert headless("take", late["public_ref"])[0] == 0  # the restored server will not know this complaint
    assert headless("sync")[0] == 0
    with Store.open(cache) as store, store.read() as conn:
        assert complaints.get(conn, late["id"]) is not None
        assert lost_note_id in {e.id for e in timeline.for_complaint(conn, made[3]["id"])}
        taken = complaints.get(conn, made[3]["id"])
        assert taken is not None and taken.version == lost_take["complaint"]["version"]
        assert sent_count(conn) == 4

    with fresh_server.stopped():
        assert central("restore", str(backup), "--data-dir", str(fresh_server.data_dir)) == 0

    code, out, said = headless("--lang", "en", "sync")
    assert code == cli.EXIT_CONFLICTS, said
    assert "restored from a backup" in said and "4 change(s)" in said
    assert "3 sent" in out  # the take before the backup was answered from its idempotency record
    assert "1 conflict(s)" in said  # the take of the complaint the restored server does not have
    with Store.open(cache) as store:
        check_sync_invariants(fresh_server, store, USER, expected)
        with store.read() as conn:
            assert complaints.get(conn, late["id"]) is None
            [conflict] = outbox.list_entries(conn)
            assert conflict.complaint_id == late["id"] and conflict.state is outbox.OutboxState.CONFLICT
            assert "restored from a backup" in (conflict.server_reason or "")
            assert lost_note_id not in {e.id for e in timeline.for_complaint(conn, made[3]["id"])}
            restored = complaints.get(conn, made[3]["id"])  # the server's older copy won over the cache's
            assert restored is not None and restored.version < lost_take["complaint"]["version"]
            assert restored.data["assignee_id"] is None
            assert sent_count(conn) == 3  # kept again, for a second restore

    code, out, said = headless("--lang", "en", "sync")
    assert code == cli.EXIT_CONFLICTS and "restored" not in said and "0 sent" in out


class _LinkGoes(ApiClient):
    """A client whose link goes after a number of feed pages."""

    pages_left = 2

    def changes(self, cursor: str, limit: int = 500) -> FeedPage:
        if self.pages_left == 0:
            raise Offline("the link went")
        self.pages_left -= 1
        return super().changes(cursor, limit)


def test_a_restore_noticed_offline_halfway_is_finished_at_the_next_sync(
    fresh_server: CentralServer, client_home: Path, tmp_path: Path
) -> None:
    """The walk after a restore is cut off by the link: what was queued again stays queued, the cache keeps
    its data meanwhile, and the next sync ends where an uninterrupted one would have."""
    made = [fresh_server.intake(title=f"Lampu taman mati {n}") for n in range(12)]
    assert headless("login", "--server", fresh_server.url, "--token", fresh_server.token(USER))[0] == 0
    assert headless("sync")[0] == 0
    cache = profile_paths().cache_path
    backup = tmp_path / "central-backup.sqlite3"
    assert central("backup", "--data-dir", str(fresh_server.data_dir), str(backup)) == 0
    assert headless("note", made[0]["public_ref"], "Tim sudah ke lokasi")[0] == 0
    with Store.open(cache) as store:
        expected = queued_mutations(store)
    assert headless("sync")[0] == 0
    with fresh_server.stopped():
        assert central("restore", str(backup), "--data-dir", str(fresh_server.data_dir)) == 0

    token = fresh_server.token(USER)
    with Store.open(cache) as store:
        with store.read() as conn:
            cached_before = complaints.total(conn)
        cut = SyncEngine(store, _LinkGoes(fresh_server.url, token), page_size=4)
        report = cut.run_once()
        cut.client.close()
        assert report.server_restored and report.resent == 1
        assert not report.online and report.error is not None
        with store.read() as conn:
            assert [e.op for e in outbox.list_entries(conn)] == ["update"]
            assert complaints.total(conn) == cached_before  # nothing dropped before the walk's end
        # Picked up by a later process: the walk starts over, and nothing is queued a second time.
        report = SyncEngine(store, ApiClient(fresh_server.url, token), page_size=4).run_once()
        assert report.error is None and report.pushed == 1 and not report.server_restored
        check_sync_invariants(fresh_server, store, USER, expected)
