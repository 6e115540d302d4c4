"""Reading what a real app writes to a pseudo-terminal, for the tests that inspect the raw bytes."""

from __future__ import annotations

import os
import select
import time
from collections.abc import Callable


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
