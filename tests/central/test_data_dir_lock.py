"""One process owns a data directory at a time (a second ``serve`` refused: ``test_serve_listen``), and a
server killed with SIGKILL leaves no lock behind (the kernel lets it go)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from sambat_tui.central.datalock import LOCK_FILENAME, DataDirInUse, owning
from tests.support.server import CentralServer


def test_a_data_directory_is_owned_by_one_holder_at_a_time_and_says_by_whom(tmp_path: Path) -> None:
    data = tmp_path / "new" / "central"
    with owning(data, "serve"):
        assert (data.stat().st_mode & 0o777) == 0o700 and (data / LOCK_FILENAME).is_file()
        with pytest.raises(DataDirInUse) as refused, owning(data, "restore"):
            pytest.fail("owned twice")
        assert str(refused.value) == (
            f"cannot restore: {data} is in use by sambat-central serve (process {os.getpid()}); stop it first"
        )
    with owning(data, "restore"):  # let go at the end of the block
        pass
    assert (data / LOCK_FILENAME).is_file()  # never deleted: a second file of that name would split the lock


@pytest.mark.e2e
def test_a_killed_server_leaves_no_lock_behind(fresh_server: CentralServer) -> None:
    assert fresh_server.process is not None
    fresh_server.process.kill()
    fresh_server.process.wait(timeout=10)
    fresh_server.process = None
    fresh_server.start()
    assert fresh_server.intake()["version"] == 1
