"""``sambat-tui sync`` as a real process on a disk with no room left: nothing lost, nothing twice.

The process runs with ``RLIMIT_FSIZE``: no file it writes may reach the limit, so a write past it fails as on
a full disk (the kernel says EFBIG where a full disk says ENOSPC; SQLite stops the transaction either way:
"disk I/O error" or "database or disk is full"). Each run limits the files at another size (a few pages of the
WAL; half the cache file, whose last pages then cannot be written back; the file and a little more), with new
work queued and new complaints on the server, so the sync stops at another point. After each: the command said
why in one line with a non-zero exit, the cache agrees with itself, no queued change was lost or sent twice.
Then the disk has room again and one more ordinary sync settles everything.

Before ``store.db`` told I/O errors as a full disk, every one of these runs ended in a traceback.
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import pytest

from sambat_tui import cli
from sambat_tui.services.profiles import profile_paths
from sambat_tui.store.db import Store
from tests.support.cache import private_home
from tests.support.city import seeded_server
from tests.support.invariants import (
    Queued,
    audit_mutations,
    check_store_consistency,
    check_sync_invariants,
    queued_mutations,
)
from tests.support.kills import sambat_tui_command
from tests.support.server import CentralServer

pytestmark = pytest.mark.e2e

CITY = 300
USER = "supervisor.dpuprpkp"
PROFILE = "penuh"
LONG = "Air meluap ke jalan setiap hujan deras, got tersumbat sampah dan lumpur dari pasar. " * 40


@pytest.fixture(scope="module")
def city(tmp_path_factory: pytest.TempPathFactory) -> Iterator[CentralServer]:
    with seeded_server(tmp_path_factory.mktemp("city"), CITY, seed=11) as server:
        yield server


def headless(*args: str) -> tuple[int, str]:
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        try:
            code = cli.main(["--profile", PROFILE, *args])
        except SystemExit as stop:
            code = int(stop.code or 0)
    return code, out.getvalue() + err.getvalue()


_LIMITED = (
    "import os, resource, signal, sys\n"
    "signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails (EFBIG), nothing dies\n"
    "size = int(sys.argv[1])\n"
    "resource.setrlimit(resource.RLIMIT_FSIZE, (size, size))\n"
    "os.execv(sys.argv[2], sys.argv[2:])  # an ignored signal stays ignored, the limit stays, across exec\n"
)
"""Runs a command with its files limited (a small launcher, not ``preexec_fn``: no fork-time code in a
process that may hold threads)."""


def sync_on_a_full_disk(size: int) -> subprocess.CompletedProcess[str]:
    command = sambat_tui_command()
    if len(command) == 1:
        command = [sys.executable, *command]  # the entry point script, run by this interpreter for execv
    return subprocess.run(
        [sys.executable, "-c", _LIMITED, str(size), *command, "sync"],
        env={**os.environ, "SAMBAT_TUI_PROFILE": PROFILE},
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=120,
    )


def _queue_work(city: CentralServer, label: str) -> None:
    """A take and a long note on two of the supervisor's complaints, and new complaints to pull."""
    with Store.open(profile_paths(PROFILE).cache_path) as store, store.read() as conn:
        refs = [
            str(r[0])
            for r in conn.execute(
                "SELECT public_ref FROM complaints WHERE status IN ('assigned', 'in_progress') "
                "AND id NOT IN (SELECT complaint_id FROM outbox) ORDER BY public_ref LIMIT 2"
            )
        ]
    assert refs, "the seeded city gave the supervisor nothing open to work on"
    for ref in refs:
        assert headless("take", ref)[0] == cli.EXIT_OK
        assert headless("note", ref, f"Catatan {label}: {LONG[:1500]}")[0] == cli.EXIT_OK
    for n in range(8):
        city.intake(title=f"Banjir depan pasar ({label}, {n})", description=LONG[:3000])


def test_a_sync_on_a_disk_that_takes_no_write_says_so_loses_nothing_and_the_next_one_settles(
    city: CentralServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    private_home(tmp_path, monkeypatch)
    assert headless("login", "--server", city.url, "--token", city.token(USER))[0] == cli.EXIT_OK
    assert headless("sync")[0] == cli.EXIT_OK
    cache = profile_paths(PROFILE).cache_path
    size = cache.stat().st_size
    # Room for a few pages of the WAL; for less than the cache file (its last pages cannot be written back);
    # for the file and a little more.
    limits = (64 * 1024, size // 2, size + 128 * 1024)
    expected: dict[str, Queued] = {}  # every change queued in any round, sent since or not
    for number, limit in enumerate(limits):
        _queue_work(city, f"r{number}")
        with Store.open(cache) as store:
            for mutation in queued_mutations(store):
                expected.setdefault(mutation.mutation_id, mutation)
        run = sync_on_a_full_disk(limit)
        said = run.stderr.strip()
        assert run.returncode in (cli.EXIT_FAILED, cli.EXIT_UNREACHABLE), (limit, run.returncode, said)
        # Its progress lines, then one line that says why it stopped and that nothing is lost.
        assert "Traceback" not in said, said
        last = said.splitlines()[-1]
        assert "nothing of this change was written" in last and "Tidak ada yang hilang" in last, said
        with Store.open(cache) as store:
            check_store_consistency(store)
            audit = audit_mutations(city, store, USER, list(expected.values()))
            assert not audit.problems(), "\n".join(audit.problems())
    code, said = headless("sync")  # room again
    assert code == cli.EXIT_OK, said
    with Store.open(cache) as store:
        check_sync_invariants(city, store, USER, list(expected.values()))
