"""Private files: created 0600 in 0700 directories, replaced atomically so a crash leaves old or new."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import TextIO


def private_dir(path: Path) -> Path:
    """Create ``path`` (and parents) readable by the owner only; an existing one keeps its mode."""
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    return path


def create_private_file(path: Path) -> None:
    """Create an empty 0600 file unless it exists (SQLite then opens it, and its -wal and -shm inherit it)."""
    private_dir(path.parent)
    with contextlib.suppress(FileExistsError):
        os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))


@contextlib.contextmanager
def private_text_file(path: Path, *, newline: str = "\n") -> Iterator[TextIO]:
    """A handle to write ``path`` through, for text too big to hold at once (a CSV export of the whole
    cache): written to a 0600 temporary file beside it, flushed to disk and renamed over ``path`` when the
    block ends; if the block raises, ``path`` is left as it was."""
    private_dir(path.parent)
    fd, name = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    tmp = Path(name)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline=newline) as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        tmp.chmod(0o600)
        tmp.replace(path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
        raise


def write_private_text(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` atomically with mode 0600, flushed to disk before the rename."""
    with private_text_file(path) as handle:
        handle.write(text)
