"""The real app in a pseudo-terminal: httpx and the sync machinery load after the first inbox frame.

The app opens its session for the first frame (the inbox itself); the sync engine, its HTTP client and the
wire contract are for later, and loading them first cost that frame about half of its time on an old
laptop. A child process runs the real ``sambat-tui`` with two notes added to the app: which of the watched
modules were loaded when Textual reported the first frame on screen (``on_ready``), and which once the first
sync (started right after that frame) has finished, so the test also sees the watch catch them.
"""

from __future__ import annotations

import json
import os
import textwrap
from pathlib import Path

import pytest

from tests.support.cache import offline_home, wire_complaint
from tests.support.pty import read_pty, spawn_app, stop_app

ROWS, COLS = 36, 120
TITLE = "Lampu taman padam sejak Senin"
WATCHED = ("httpx", "sambat_tui.sync")

# Runs in the child: the real command line, with the app's two moments noted in NOTES (one JSON line each).
CHILD = textwrap.dedent(
    """
    import json, os, runpy, sys

    from sambat_tui.ui.app import SambatApp

    WATCHED = {watched!r}

    def note(moment):
        loaded = sorted(m for m in sys.modules if any(m == w or m.startswith(w + ".") for w in WATCHED))
        with open(os.environ["NOTES"], "a", encoding="utf-8") as out:
            out.write(json.dumps({{"moment": moment, "loaded": loaded}}) + "\\n")

    # Textual passes the event only to handlers that take one: each wrapper keeps its handler's signature.
    ready, finished = SambatApp.on_ready, SambatApp.on_sync_finished

    def on_ready(self):
        note("on_ready")
        ready(self)

    def on_sync_finished(self, message):
        note("on_sync_finished")
        finished(self, message)

    SambatApp.on_ready, SambatApp.on_sync_finished = on_ready, on_sync_finished
    sys.argv = ["sambat-tui"]
    runpy.run_module("sambat_tui.cli", run_name="__main__")
    """
).format(watched=WATCHED)


@pytest.fixture
def home(tmp_path: Path) -> Path:
    # The default interval: the first sync starts as soon as the first frame is up (offline: no token, and
    # nothing listens at the profile's server).
    items = [wire_complaint(title=TITLE) for _ in range(3)]
    return offline_home(tmp_path / "home", items, config="sync_interval_seconds = 60\n")


def _notes(path: Path) -> dict[str, list[str]]:
    if not path.is_file():
        return {}
    lines = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
    return {line["moment"]: line["loaded"] for line in lines}


def test_httpx_and_sync_load_after_the_first_inbox_frame(home: Path, tmp_path: Path) -> None:
    notes = tmp_path / "notes.jsonl"
    pid, fd = spawn_app(
        ["-c", CHILD],
        {"SAMBAT_TUI_HOME": str(home), "SAMBAT_TUI_KEYRING": "file", "NOTES": str(notes)},
        rows=ROWS,
        cols=COLS,
    )
    try:
        screen = read_pty(fd, 120, until=lambda seen: TITLE[:20].encode() in seen)
        read_pty(fd, 60, until=lambda _: "on_sync_finished" in _notes(notes))
        os.write(fd, b"q")
        read_pty(fd, 3, until=lambda _: False)
    finally:
        stop_app(pid, fd)

    assert TITLE[:20].encode() in screen, "the inbox rows never reached the terminal"
    moments = _notes(notes)
    assert "on_ready" in moments, "the app never reported its first frame"
    early = moments["on_ready"]
    too_early = [m for m in early if m.split(".")[0] == "httpx" or m.startswith("sambat_tui.sync")]
    assert not too_early, f"loaded before the first inbox frame: {too_early}"
    # The watch sees them once the sync has run: the checks above are not vacuous.
    later = moments.get("on_sync_finished", [])
    assert "httpx" in later and "sambat_tui.sync.engine" in later, f"the first sync loaded only {later}"
