"""A full disk under a cache, made by SQLite itself: ``PRAGMA max_page_count`` on the Store's writer.

The writer may then use no page beyond those the file has: a write that needs one more fails as a full disk
does (SQLITE_FULL, "database or disk is full"). A write that fits in a page's free room still succeeds, so
the tests that use it write more than a page.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sambat_tui.store.db import Store

ROOMY = 1_073_741_823  # SQLite's default max_page_count


@contextmanager
def full_disk(store: Store) -> Iterator[None]:
    with store.transaction() as conn:
        pages = conn.execute("PRAGMA page_count").fetchone()[0]
        conn.execute(f"PRAGMA max_page_count = {pages}")
    try:
        yield
    finally:
        with store.transaction() as conn:  # room again ("free some space")
            conn.execute(f"PRAGMA max_page_count = {ROOMY}")
