"""The name of a database file set aside rather than deleted: ``<name>.<why>-<UTC time>``, numbered when a
file of that name, or one of its side files, exists. The client's cache repair and the server's restore both
set a SQLite database aside this way."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path


def aside_name(path: Path, why: str, now: datetime, side_files: Sequence[str]) -> Path:
    """``<path>.<why>-<UTC time>`` (``cache.sqlite3.damaged-20261129T090000Z``), then ``-2``, ``-3`` ..."""
    stamp = now.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    target = path.with_name(f"{path.name}.{why}-{stamp}")
    number = 1
    while any(Path(f"{target}{side}").exists() for side in side_files):
        number += 1
        target = path.with_name(f"{path.name}.{why}-{stamp}-{number}")
    return target
