"""Another process holding a cache's writer, as a second app window or a running ``sambat-tui sync`` does.

The child opens the cache with ``Store.open`` (the writer and its flock'ed lock file) and then, for each line
the test sends, commits one transaction and answers ``ok``: wire complaints upserted (``add``), or a change
queued in the outbox (``queue``). Closing its standard input makes it close the store and exit.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from types import TracebackType
from typing import Any

import pytest

from sambat_tui.services.profiles import Profile

_CHILD = """
import json, sys, uuid
from datetime import UTC, datetime
from sambat_tui.store import complaints, outbox
from sambat_tui.store.db import Store

store = Store.open(sys.argv[1])
print("ready", flush=True)
for line in sys.stdin:
    asked = json.loads(line)
    with store.transaction() as conn:
        if "complaints" in asked:
            complaints.upsert_many(conn, asked["complaints"])
        else:
            outbox.append(
                conn,
                mutation_id=str(uuid.uuid4()),
                complaint_id=asked["queue"],
                op="transition",
                payload={"action": "take"},
                base_version=1,
                authored_at=datetime.now(UTC),
                actor="operator.dpuprpkp",
            )
    print("ok", flush=True)
store.close()
"""

_ROOT = Path(__file__).resolve().parents[2]


class OtherWriter:
    """``with OtherWriter(path) as other: other.add(items)``: ``path``'s writer, held by a child process."""

    def __init__(self, path: Path) -> None:
        self._child = subprocess.Popen(
            [sys.executable, "-c", _CHILD, str(path)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            cwd=_ROOT,
        )
        self._expect("ready")

    def _expect(self, word: str) -> None:
        assert self._child.stdout is not None
        line = self._child.stdout.readline().strip()
        if line != word:
            self._child.kill()
            self._child.wait(timeout=60)
            raise AssertionError(f"the writer process answered {line!r}, not {word!r}")

    def add(self, items: list[dict[str, Any]]) -> None:
        """Upsert wire complaints ``items`` in one writer transaction; returns once it has committed."""
        self._ask({"complaints": items})

    def queue(self, complaint_id: str) -> None:
        """Queue a take of ``complaint_id`` in the outbox, as a window acting on it does."""
        self._ask({"queue": complaint_id})

    def _ask(self, what: dict[str, Any]) -> None:
        assert self._child.stdin is not None
        self._child.stdin.write(json.dumps(what) + "\n")
        self._child.stdin.flush()
        self._expect("ok")

    def kill(self) -> None:
        """End the process as a crash or ``kill -9`` would: no close, the system drops its lock."""
        self._child.kill()
        self._child.wait(timeout=60)
        for stream in (self._child.stdin, self._child.stdout):
            if stream is not None:
                stream.close()

    def close(self) -> None:
        if self._child.returncode is not None and self._child.returncode < 0:
            return  # killed
        if self._child.stdin is not None and not self._child.stdin.closed:
            self._child.stdin.close()
        try:
            self._child.wait(timeout=60)
        finally:
            if self._child.stdout is not None:
                self._child.stdout.close()
        assert self._child.returncode == 0, f"the writer process exited with {self._child.returncode}"

    def __enter__(self) -> OtherWriter:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, value: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()


@pytest.fixture
def other_writer(profile: Profile) -> Iterator[OtherWriter]:
    """Another process holding the writer of ``profile``'s cache (``profile`` is the requesting module's)."""
    with OtherWriter(profile.cache_path) as holding:
        yield holding
