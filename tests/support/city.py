"""A seeded city behind a real server: ``sambat-central seed`` into a data directory, then ``serve`` on it.

For tests whose pulls must be more than a page or two (kills while pulling): a city of a few hundred
complaints, each with its history, gives a supervisor's cache several feed pages.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.support.server import CentralServer, ServerError


def seed_city(data_dir: Path, complaints: int, seed: int) -> None:
    command = [sys.executable, "-m", "sambat_tui.central.cli", "seed", "--data-dir", str(data_dir)]
    command += ["--complaints", str(complaints), "--seed", str(seed)]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise ServerError(f"sambat-central seed exited with {done.returncode}: {done.stderr[-2000:]}")


@contextmanager
def seeded_server(
    root: Path, complaints: int, seed: int, serve_options: tuple[str, ...] = ()
) -> Iterator[CentralServer]:
    """A started server on a freshly seeded city under ``root``, stopped at the end."""
    data_dir = root / "central"
    seed_city(data_dir, complaints, seed)
    server = CentralServer(data_dir=data_dir, serve_options=serve_options).start()
    try:
        yield server
    finally:
        server.stop()
