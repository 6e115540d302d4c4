"""The real app in a pseudo-terminal, showing hostile complaints: inspect the raw bytes it writes.

Unit tests prove the sanitiser; this proves every path from the cache to the terminal goes through it
(inbox rows, preview, the complaint screen) and that markup in citizens' text is never parsed.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import pty
import select
import struct
import sys
import termios
import time
from pathlib import Path

import pytest

from tests.support.cache import offline_home, wire_complaint

ROWS, COLS = 36, 120
HOSTILE_TITLE = (
    "Jalan rusak \x1b]52;c;ZXZpbA==\x07 \x1b]0;pwned-title\x07 \x9b31m merah "
    "\u202eedoc\u202c [@click=app.quit]klik[/] [/bold] \x1b[2J\x1b[H"
)
HOSTILE_BODY = (
    "Tolong \x1b]8;;http://evil.example/\x1b\\tautan\x1b]8;;\x1b\\ diperbaiki.\n"
    "\x1bP+q544e\x1b\\ \x90dcs\x9c \u2066isolasi\u2069 " + "x" * 10_000
)


def _read_until_quiet(fd: int, quiet: float, limit: float, min_bytes: int = 1, until: bytes = b"") -> bytes:
    """Read until ``until`` appeared (a loaded machine pauses longer than ``quiet``), then until quiet."""
    chunks: list[bytes] = []
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], quiet)
        if not ready:
            if sum(map(len, chunks)) >= min_bytes and until in b"".join(chunks):
                break
            continue
        try:
            data = os.read(fd, 65536)
        except OSError:
            break
        if not data:
            break
        chunks.append(data)
    return b"".join(chunks)


@pytest.fixture
def hostile_home(tmp_path: Path) -> Path:
    items = [wire_complaint(title=HOSTILE_TITLE, description=HOSTILE_BODY) for _ in range(5)]
    return offline_home(tmp_path / "home", items, config="sync_interval_seconds = 0\n")


def test_hostile_text_never_reaches_the_terminal_raw(hostile_home: Path) -> None:
    pid, fd = pty.fork()
    if pid == 0:  # the child: the real `sambat-tui` with the real session and store
        fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", ROWS, COLS, 0, 0))
        env = {
            **os.environ,
            "SAMBAT_TUI_HOME": str(hostile_home),
            "SAMBAT_TUI_KEYRING": "file",
            "TERM": "xterm-256color",
            # The size comes from these before the pty (shutil.get_terminal_size): CI exports 80x24.
            "COLUMNS": str(COLS),
            "LINES": str(ROWS),
        }
        env.pop("TEXTUAL", None)
        os.execve(sys.executable, [sys.executable, "-m", "sambat_tui.cli"], env)
    try:
        inbox = _read_until_quiet(fd, quiet=2.0, limit=120, min_bytes=COLS * ROWS // 2, until=b"Jalan rusak")
        os.write(fd, b"p")  # the preview pane
        preview = _read_until_quiet(fd, quiet=1.5, limit=30)
        os.write(fd, b"\r")  # open the complaint screen
        screen = _read_until_quiet(fd, quiet=2.0, limit=120, until=b"tautan")
        os.write(fd, b"\x1b")
        _read_until_quiet(fd, quiet=1.0, limit=10)
        os.write(fd, b"q")
        _read_until_quiet(fd, quiet=1.0, limit=20)
        _, status = os.waitpid(pid, 0)
    finally:
        with contextlib.suppress(ProcessLookupError, ChildProcessError):
            os.kill(pid, 9)
            os.waitpid(pid, 0)
        os.close(fd)

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
