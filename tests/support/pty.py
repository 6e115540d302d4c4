"""Reading what a real app writes to a pseudo-terminal, for the tests that inspect the raw bytes."""

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
from collections.abc import Callable, Mapping


def _anything(seen: bytes) -> bool:
    return True


def read_pty(
    fd: int, limit: float, *, until: Callable[[bytes], bool] = _anything, quiet: float = 0.0
) -> bytes:
    """Read until ``until(everything read so far)`` holds and, with ``quiet``, the app has then been silent
    that long (a loaded machine pauses mid-frame); or until ``limit`` seconds passed or the pty closed."""
    chunks: list[bytes] = []
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if not quiet and until(b"".join(chunks)):
            break
        ready, _, _ = select.select([fd], [], [], quiet or 0.2)
        if not ready:
            if quiet and until(b"".join(chunks)):
                break
            continue
        try:
            data = os.read(fd, 65536)
        except OSError:  # EIO: the app closed the terminal
            break
        if not data:
            break
        chunks.append(data)
    return b"".join(chunks)


def spawn_app(argv: list[str], env: Mapping[str, str], *, rows: int, cols: int) -> tuple[int, int]:
    """Start ``python *argv`` on a new pty of ``cols`` x ``rows`` (xterm-256color); return its pid and the
    master side. ``env`` joins this process's environment."""
    pid, fd = pty.fork()
    if pid == 0:  # the child
        fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
        # shutil.get_terminal_size (Textual asks it) prefers COLUMNS and LINES to the pty: CI exports 80x24.
        child = {**os.environ, **env, "TERM": "xterm-256color", "COLUMNS": str(cols), "LINES": str(rows)}
        child.pop("TEXTUAL", None)
        os.execve(sys.executable, [sys.executable, *argv], child)
    return pid, fd


def stop_app(pid: int, fd: int) -> None:
    """Kill the app if it still runs, reap it, close the pty."""
    with contextlib.suppress(ProcessLookupError, ChildProcessError):
        os.kill(pid, 9)
        os.waitpid(pid, 0)
    os.close(fd)
