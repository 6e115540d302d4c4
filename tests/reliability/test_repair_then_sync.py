"""A cache damaged with changes in it, on the real stack: every command says what to do instead of a
traceback, ``sambat-tui repair`` keeps the changes, and the next sync puts each on the server exactly once.

The hardest case is in it: a disk that failed took the last writes with it, among them the acknowledgements
of a sync that had reached the server. The rebuilt cache still holds those changes as queued; sending them
again must not apply them twice.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from sambat_tui.services.profiles import profile_paths
from sambat_tui.store.db import Store
from tests.support.damage import root_page, spoil
from tests.support.headless import headless
from tests.support.invariants import check_sync_invariants, queued_mutations
from tests.support.server import CentralServer

pytestmark = pytest.mark.e2e

USER = "operator.dpuprpkp"


def _copy(cache: Path, to: Path) -> None:
    for side in ("-wal", "-shm"):
        Path(f"{to}{side}").unlink(missing_ok=True)
    shutil.copyfile(cache, to)


def test_changes_in_a_damaged_cache_reach_the_server_once_after_a_repair(
    fresh_server: CentralServer, client_home: Path, tmp_path: Path
) -> None:
    refs = [fresh_server.intake(title=f"Lampu jalan mati nomor {n}")["public_ref"] for n in range(3)]
    assert headless("login", "--server", fresh_server.url, "--token", fresh_server.token(USER))[0] == 0
    assert headless("sync")[0] == 0
    cache = profile_paths().cache_path

    assert headless("take", refs[0])[0] == 0
    assert headless("note", refs[1], "Sudah dicek tim lapangan, kabel putus")[0] == 0
    with Store.open(cache) as store:
        expected = queued_mutations(store)
    _copy(cache, tmp_path / "before-sync.sqlite3")
    assert headless("sync")[0] == 0  # the server applies both ...
    _copy(tmp_path / "before-sync.sqlite3", cache)  # ... and the disk loses the acknowledgements
    assert headless("note", refs[2], "Menunggu material dari gudang")[0] == 0  # never sent
    with Store.open(cache) as store:
        known = {m.mutation_id for m in expected}
        expected += [m for m in queued_mutations(store) if m.mutation_id not in known]
    assert len(expected) == 3
    spoil(cache, [root_page(cache, "complaints")])

    for command in (["list"], ["sync"], ["show", refs[0]], ["outbox"]):
        code, _, said = headless(*command)
        assert code == 1, command
        assert "sambat-tui repair" in said and "Traceback" not in said, (command, said)

    code, out, _ = headless("--lang", "en", "repair")
    assert code == 0 and "3 change(s) not yet sent were carried into the new data" in out
    assert len(list(cache.parent.glob("cache.sqlite3.damaged-*"))) >= 1

    code, out, _ = headless("--lang", "en", "sync")
    assert code == 0 and "3 sent" in out  # two of them the server had already: it answered, it did not apply
    with Store.open(cache) as store:
        check_sync_invariants(fresh_server, store, USER, expected)
    code, out, _ = headless("show", refs[0])
    assert code == 0 and USER in out


def test_repair_says_so_when_the_cache_is_sound_or_in_use(client_home: Path) -> None:
    from tests.support.cache import seeded_profile, wire_complaint

    seeded_profile([wire_complaint()])
    code, out, said = headless("--lang", "en", "repair")
    assert code == 0 and "is sound: nothing was changed" in out
    assert "Checking the local data" in said  # said before a check that may take minutes
    with Store.open(profile_paths().cache_path):
        code, _, said = headless("repair", "--force")
    assert code == 1 and "dipakai proses lain" in said
    code, out, _ = headless("--lang", "en", "repair", "--force")
    assert code == 0 and "0 change(s) not yet sent" in out


def test_the_repair_command_named_is_the_profiles_own(client_home: Path) -> None:
    from tests.support.cache import seeded_profile, wire_complaint

    profile = seeded_profile([wire_complaint()], name="kantor-kecamatan")
    profile.cache_path.write_bytes(b"\0" * 8192)
    code, _, said = headless("--profile", "kantor-kecamatan", "list")
    assert code == 1 and "`sambat-tui --profile kantor-kecamatan repair`" in said


def test_repair_says_when_the_changes_not_yet_sent_could_not_all_be_read(client_home: Path) -> None:
    from tests.support.cache import seeded_profile, wire_complaint
    from tests.support.damage import spoil_all_but_the_header

    item = wire_complaint()
    profile = seeded_profile([item])
    assert headless("take", item["public_ref"])[0] == 0
    spoil_all_but_the_header(profile.cache_path)
    code, out, said = headless("--lang", "en", "repair")
    assert code == 1 and "0 change(s) not yet sent were carried" in out
    assert "not every change not yet sent could be read" in said and ".damaged-" in said
