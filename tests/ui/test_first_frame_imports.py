"""The real app in a pseudo-terminal: what loads before the first inbox frame, and what only after it.

The app opens its session for the first frame (the inbox itself); the sync engine, its HTTP client and the
wire contract are for later, and loading them first cost that frame about half of its time on an old
laptop. So is pydantic-core, the wire encoder (30 ms and 3 MiB): a start that writes nothing must not load
it. And of the message catalogues only the language shown is read. A child process runs the real
``sambat-tui`` with two notes added to the app: which of the watched modules were loaded, and which
catalogues read, when Textual reported the first frame on screen (``on_ready``), and the same once the first
sync (started right after that frame) has finished, so the test also sees the watch catch them.
"""

from __future__ import annotations

import json
import os
import textwrap
from pathlib import Path

import pytest

from sambat_tui.services.profiles import profile_paths
from sambat_tui.services.session import Session
from tests.support.cache import offline_home, wire_complaint
from tests.support.pty import read_pty, spawn_app, stop_app

ROWS, COLS = 36, 120
TITLE = "Lampu taman padam sejak Senin"
WATCHED = ("httpx", "sambat_tui.sync", "pydantic_core", "sambat_tui.services.supervision")

# Runs in the child: the real command line, with the app's two moments noted in NOTES (one JSON line each).
CHILD = textwrap.dedent(
    """
    import json, os, runpy, sys

    from sambat_tui.ui.app import SambatApp
    from sambat_tui.ui.i18n.translator import shipped_catalogues

    WATCHED = {watched!r}

    def note(moment):
        loaded = sorted(m for m in sys.modules if any(m == w or m.startswith(w + ".") for w in WATCHED))
        read = list(shipped_catalogues().loaded())
        with open(os.environ["NOTES"], "a", encoding="utf-8") as out:
            out.write(json.dumps({{"moment": moment, "loaded": loaded, "catalogues": read}}) + "\\n")

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
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    # The default interval: the first sync starts as soon as the first frame is up (offline: no token, and
    # nothing listens at the profile's server).
    items = [wire_complaint(title=TITLE) for _ in range(3)]
    made = offline_home(tmp_path / "home", items, config="sync_interval_seconds = 60\n")
    # Opened once before, as every start but the very first finds it: that one seeds the reference tables
    # (a write, which loads the wire encoder); later starts only read.
    monkeypatch.setenv("SAMBAT_TUI_HOME", str(made))
    Session.open(profile_paths()).close()
    return made


def _notes(path: Path) -> dict[str, dict[str, list[str]]]:
    if not path.is_file():
        return {}
    lines = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
    return {line["moment"]: line for line in lines}


def test_only_what_the_first_inbox_frame_shows_loads_before_it(home: Path, tmp_path: Path) -> None:
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
    early = moments["on_ready"]["loaded"]
    too_early = [
        m
        for m in early
        if m.split(".")[0] in ("httpx", "pydantic_core")
        or m.startswith("sambat_tui.sync")
        or m == "sambat_tui.services.supervision"  # an operator's first frame has no supervisor's view
    ]
    assert not too_early, f"loaded before the first inbox frame: {too_early}"
    # Indonesian, the default: the English catalogue is read only when asked for.
    assert moments["on_ready"]["catalogues"] == ["id"]
    # The watch sees them once the sync has run: the checks above are not vacuous.
    later = moments.get("on_sync_finished", {}).get("loaded", [])
    for module in ("httpx", "sambat_tui.sync.engine", "pydantic_core"):
        assert module in later, f"the first sync loaded only {later}"
