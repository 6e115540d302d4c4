"""The real app whose terminal hangs up while a wrapper outlives the hangup (``make demo``, a script): the
hangup signal never reaches the app, and it must still end, and let go of the cache, rather than spin."""

from __future__ import annotations

import contextlib
import os
import signal
import time
from pathlib import Path

import pytest

from sambat_tui.store.db import Store
from tests.support.cache import offline_home, wire_complaint
from tests.support.pty import read_pty, spawn_app

# A session leader that survives the hangup, as make does: the kernel sends SIGHUP to it alone, and the app
# in its foreground group is never told. (A handler, not SIG_IGN: an ignored signal would stay ignored in
# the app too.)
WRAPPER = """
import signal, subprocess, sys
signal.signal(signal.SIGHUP, lambda *_: None)
child = subprocess.Popen([sys.executable, "-m", "sambat_tui.cli"])
open(sys.argv[1], "w").write(str(child.pid))
sys.exit(child.wait())
"""


@pytest.fixture
def home(tmp_path: Path) -> Path:
    items = [wire_complaint(title=f"Trotoar rusak nomor {n}") for n in range(50)]
    return offline_home(tmp_path / "home", items, config="sync_interval_seconds = 0\n")


def test_the_app_ends_when_its_terminal_hangs_up_and_no_signal_tells_it(home: Path, tmp_path: Path) -> None:
    env = {"SAMBAT_TUI_HOME": str(home), "SAMBAT_TUI_KEYRING": "file"}
    pid_file = tmp_path / "app.pid"
    wrapper, fd = spawn_app(["-c", WRAPPER, str(pid_file)], env, rows=24, cols=80)
    app_pid = 0
    try:
        read_pty(fd, 120, quiet=1.0, until=lambda b: b"Trotoar rusak" in b)
        app_pid = int(pid_file.read_text())
        os.close(fd)  # the terminal goes away
        deadline = time.monotonic() + 20
        ended = 0
        while time.monotonic() < deadline and not ended:
            ended, _ = os.waitpid(wrapper, os.WNOHANG)  # the wrapper ends when the app has
            time.sleep(0.1)
        assert ended, "the app kept running after its terminal hung up"
    finally:
        for pid in (app_pid, wrapper):
            if pid:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)
        with contextlib.suppress(ChildProcessError):
            os.waitpid(wrapper, 0)
    [cache] = home.glob("data/default/cache.sqlite3")
    Store.open(cache).close()  # the cache is free for the user's next login
