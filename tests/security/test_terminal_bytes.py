"""The real app in a pseudo-terminal, showing hostile complaints: inspect the raw bytes it writes.

Unit tests prove the sanitiser; this proves every path from the cache to the terminal goes through it
(inbox rows, preview, the complaint screen) and that markup in citizens' text is never parsed.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.support.cache import offline_home, wire_complaint
from tests.support.pty import read_pty, spawn_app, stop_app

ROWS, COLS = 36, 120
HOSTILE_TITLE = (
    "Jalan rusak \x1b]52;c;ZXZpbA==\x07 \x1b]0;pwned-title\x07 \x9b31m merah "
    "\u202eedoc\u202c [@click=app.quit]klik[/] [/bold] \x1b[2J\x1b[H"
)
HOSTILE_BODY = (
    "Tolong \x1b]8;;http://evil.example/\x1b\\tautan\x1b]8;;\x1b\\ diperbaiki.\n"
    "\x1bP+q544e\x1b\\ \x90dcs\x9c \u2066isolasi\u2069 " + "x" * 10_000
)


@pytest.fixture
def hostile_home(tmp_path: Path) -> Path:
    items = [wire_complaint(title=HOSTILE_TITLE, description=HOSTILE_BODY) for _ in range(5)]
    return offline_home(tmp_path / "home", items, config="sync_interval_seconds = 0\n")


def test_hostile_text_never_reaches_the_terminal_raw(hostile_home: Path) -> None:
    # the real `sambat-tui` with the real session and store
    env = {"SAMBAT_TUI_HOME": str(hostile_home), "SAMBAT_TUI_KEYRING": "file"}
    pid, fd = spawn_app(["-m", "sambat_tui.cli"], env, rows=ROWS, cols=COLS)
    try:
        inbox = read_pty(
            fd, 120, quiet=2.0, until=lambda b: len(b) >= COLS * ROWS // 2 and b"Jalan rusak" in b
        )
        os.write(fd, b"p")  # the preview pane
        preview = read_pty(fd, 30, quiet=1.5, until=bool)
        os.write(fd, b"\r")  # open the complaint screen
        screen = read_pty(fd, 120, quiet=2.0, until=lambda b: b"tautan" in b)
        os.write(fd, b"\x1b")
        read_pty(fd, 10, quiet=1.0, until=bool)
        os.write(fd, b"q")
        read_pty(fd, 20, quiet=1.0, until=bool)
        _, status = os.waitpid(pid, 0)
    finally:
        stop_app(pid, fd)

    written = inbox + preview + screen
    text = written.decode("utf-8", errors="replace")
    assert "Jalan rusak" in text, "the hostile complaints were not drawn at all"
    assert "@click=app.quit" in text, "markup in a title must be shown as text"
    assert "tautan" in screen.decode("utf-8", errors="replace"), "the complaint screen did not show the body"
    for payload in (b"]52;", b"]0;pwned", b"]8;;http://evil", b"P+q544e"):
        assert payload not in written, f"escape sequence {payload!r} reached the terminal"
    for char in ("\u202e", "\u202c", "\u2066", "\u2069", "\x9b", "\x90", "\x9c"):
        assert char not in text, f"{char!r} reached the terminal"
    assert os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0, "the app did not quit cleanly"
