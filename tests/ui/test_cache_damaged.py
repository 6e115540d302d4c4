"""A cache that cannot be read, met by the app: at its start, on a key, in the sync thread. Each time the app
ends with words that say what happened and which command repairs it, never with a traceback, and the
command line says the same words once the terminal is back and exits 1.
"""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

import pytest

from sambat_tui.services.repair import StoreDamaged
from sambat_tui.services.session import Session
from sambat_tui.ui.app import SambatApp
from sambat_tui.ui.ports import AppOptions
from sambat_tui.ui.screens.loading import LoadingScreen
from tests.support.cache import offline_home, seeded_profile, wire_complaint
from tests.support.damage import spoil_all_but_the_header
from tests.support.pty import read_pty, spawn_app, stop_app
from tests.ui.harness import running

ROWS, COLS = 36, 120
REPAIR = "sambat-tui repair"


async def _ended(app: SambatApp) -> bool:
    for _ in range(200):
        if not app.is_running:
            return True
        await asyncio.sleep(0.05)
    return False


def _damage(path: Path) -> StoreDamaged:
    return StoreDamaged(path, "database disk image is malformed")


async def test_a_key_that_meets_a_damaged_cache_ends_the_app_with_words(tmp_path: Path) -> None:
    async with running() as r:
        path = tmp_path / "cache.sqlite3"

        def unreadable(*_: object) -> object:
            raise _damage(path)

        r.session.inbox.last = unreadable  # type: ignore[method-assign]
        r.burst_one("G")  # not pilot.press: it waits for widgets the error has stopped
        assert await _ended(r.app)
    assert r.app.return_code == 1
    said = r.app.stopped_because or ""
    assert REPAIR in said and f"{path}: database disk image is malformed" in said


async def test_the_sync_thread_meeting_a_damaged_cache_ends_the_app_with_words(tmp_path: Path) -> None:
    async with running() as r:

        def unreadable(*_: object, **__: object) -> object:
            raise _damage(tmp_path / "cache.sqlite3")

        r.session.sync.run_once = unreadable  # type: ignore[method-assign]
        r.burst_one("ctrl+r")
        assert await _ended(r.app)
    assert r.app.return_code == 1 and REPAIR in (r.app.stopped_because or "")


async def test_a_cache_damaged_before_the_start_is_explained_on_screen_and_after_quitting(
    client_home: Path,
) -> None:
    profile = seeded_profile([wire_complaint()], name="kantor-kecamatan")
    profile.cache_path.write_bytes(b"\0" * 8192)
    options = AppOptions(sync_interval_seconds=0, profile_name=profile.name)
    app = SambatApp(lambda: Session.open(profile), options)
    async with app.run_test(size=(COLS, ROWS)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, LoadingScreen)
        shown = str(app.screen.query_one("#loading-message").render())
        assert "`sambat-tui --profile kantor-kecamatan repair`" in shown
        await pilot.press("q")
    assert app.stopped_because is not None and "kantor-kecamatan repair" in app.stopped_because
    assert profile.cache_path.read_bytes() == b"\0" * 8192  # left for the repair to keep


@pytest.fixture
def home(tmp_path: Path) -> Path:
    items = [wire_complaint(title=f"Saluran air tersumbat nomor {n}") for n in range(3000)]
    return offline_home(tmp_path / "home", items, config="sync_interval_seconds = 0\n")


def test_the_real_app_on_a_disk_that_fails_under_it_exits_1_with_words_not_a_traceback(home: Path) -> None:
    env = {"SAMBAT_TUI_HOME": str(home), "SAMBAT_TUI_KEYRING": "file"}
    pid, fd = spawn_app(["-m", "sambat_tui.cli"], env, rows=ROWS, cols=COLS)
    try:
        read_pty(fd, 120, quiet=1.0, until=lambda b: b"Saluran air" in b)
        [cache] = home.glob("data/default/cache.sqlite3")
        spoil_all_but_the_header(cache)
        os.write(fd, b"G")  # the end of the list: pages nothing has read yet
        written = read_pty(fd, 60, until=lambda _: False)  # until the app closes the terminal
        _, status = os.waitpid(pid, 0)
    finally:
        stop_app(pid, fd)
    text = written.decode("utf-8", errors="replace")
    assert REPAIR in text.replace("\r\n", "")
    assert "Traceback" not in text and "DatabaseError" not in text
    assert os.WIFEXITED(status) and os.WEXITSTATUS(status) == 1
