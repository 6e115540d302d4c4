"""Damaging a cache file the way a failing disk or a half-copied file does: pages overwritten with bytes that
are no b-tree page. Call them on a closed cache (its WAL folded into the file), or on one another process
has open: SQLite reads the damaged pages from the file the next time they are not in its page cache."""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterable
from pathlib import Path

GARBAGE = 0x5A
"""No b-tree page starts with this byte: SQLite reports the page as malformed, never misreads it."""


def page_size(path: Path) -> int:
    with path.open("rb") as file:
        file.seek(16)
        size = int.from_bytes(file.read(2), "big")
    return 65536 if size == 1 else size


def root_page(path: Path, name: str) -> int:
    """The root page of table or index ``name``."""
    with contextlib.closing(sqlite3.connect(path)) as conn:
        row = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = ?", (name,)).fetchone()
    if row is None:
        raise LookupError(f"no table or index {name!r} in {path}")
    return int(row[0])


def child_pages(path: Path, table: str) -> list[int]:
    """The pages right under the root of ``table``'s b-tree, in key order: its leaves when the table is two
    levels deep (the root itself when it is a single leaf)."""
    size = page_size(path)
    root = root_page(path, table)
    with path.open("rb") as file:
        file.seek((root - 1) * size)
        page = file.read(size)
    if page[0] != 0x05:  # not an interior table page: the root is the only page
        return [root]
    cells = int.from_bytes(page[3:5], "big")
    pointers = [int.from_bytes(page[12 + 2 * i : 14 + 2 * i], "big") for i in range(cells)]
    return [int.from_bytes(page[p : p + 4], "big") for p in pointers] + [int.from_bytes(page[8:12], "big")]


def spoil(path: Path, pages: Iterable[int]) -> None:
    """Overwrite ``pages`` (1-based) of the file with garbage."""
    size = page_size(path)
    with path.open("r+b") as file:
        for number in pages:
            file.seek((number - 1) * size)
            file.write(bytes([GARBAGE]) * size)


def spoil_all_but_the_header(path: Path) -> None:
    """Every page but the first (the header and the start of the schema): nothing else reads."""
    size = page_size(path)
    spoil(path, range(2, path.stat().st_size // size + 1))
