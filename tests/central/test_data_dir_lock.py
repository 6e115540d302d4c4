"""One process owns a data directory at a time: a second ``serve`` on it is refused in one line, and a
server killed with SIGKILL leaves no lock behind (the kernel lets it go)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from sambat_tui.central.datalock import LOCK_FILENAME, DataDirInUse, owning
from tests.support.server import CentralServer, free_port


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
def test_a_second_server_on_the_same_data_is_refused_in_one_line(fresh_server: CentralServer) -> None:
    assert fresh_server.process is not None
    serve = [
        "serve",
        "--data-dir",
        str(fresh_server.data_dir),
        "--host",
        "127.0.0.1",
        "--port",
        str(free_port()),
    ]
    second = subprocess.run(
        [sys.executable, "-m", "sambat_tui.central.cli", *serve],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert second.returncode == 1
    assert second.stderr == (
        f"sambat-central: cannot serve: {fresh_server.data_dir} is in use by sambat-central serve "
        f"(process {fresh_server.process.pid}); stop it first\n"
    )
    assert fresh_server.intake()["version"] == 1  # the first one serves on


@pytest.mark.e2e
def test_a_killed_server_leaves_no_lock_behind(fresh_server: CentralServer) -> None:
    assert fresh_server.process is not None
    fresh_server.process.kill()
    fresh_server.process.wait(timeout=10)
    fresh_server.process = None
    fresh_server.start()
    assert fresh_server.intake()["version"] == 1
