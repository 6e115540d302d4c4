"""One process at a time owns a data directory: the server for as long as it runs, ``restore`` while it swaps
the database file.

Both take an exclusive ``flock`` on ``central.sqlite3.lock`` in the directory without waiting, and refuse in
one line when another process holds it. The kernel lets the lock go when its holder's last descriptor closes,
a SIGKILL included, so a crashed server leaves nothing to clear by hand. The file is never deleted: two
processes could then each lock a different file of the same name. Commands made to run beside the server
(``backup``, ``token``, ``users``, ...) do not take it. The holder writes its process id and command into the
file, only so that the refusal can say who holds it.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sambat_tui.central.storage import DB_FILENAME, StorageError

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows: no lock, as the client's store (store/db.py)
    fcntl = None  # type: ignore[assignment]

LOCK_FILENAME = f"{DB_FILENAME}.lock"


class DataDirInUse(StorageError):
    """Another process owns the data directory."""


@contextmanager
def owning(data_dir: Path, command: str) -> Iterator[None]:
    """Own ``data_dir`` (created 0700 if missing) for the block, as ``command`` (``serve``, ``restore``);
    ``DataDirInUse`` at once when another process owns it."""
    data_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    path = data_dir / LOCK_FILENAME
    fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
    try:
        if fcntl is not None:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                raise DataDirInUse(
                    f"cannot {command}: {data_dir} is in use by {_holder(path)}; stop it first"
                ) from None
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()} {command}\n".encode("ascii"))
        yield
    finally:
        os.close(fd)  # lets the lock go


def _holder(path: Path) -> str:
    try:
        pid, command = path.read_text(encoding="ascii").split()
    except (OSError, UnicodeDecodeError, ValueError):
        return "another sambat-central process"  # it has not written its name yet
    return f"sambat-central {command} (process {pid})"
