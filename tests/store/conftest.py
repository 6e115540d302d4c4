"""A fresh cache file per test."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from sambat_tui.store import complaints
from sambat_tui.store.db import Store
from tests.store.factory import make_complaint


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    opened = Store.open(tmp_path / "cache.sqlite3")
    try:
        yield opened
    finally:
        opened.close()


@pytest.fixture
def conn(store: Store) -> Iterator[sqlite3.Connection]:
    """A write transaction on a cache holding complaints 1 and 2 of the factory."""
    with store.transaction() as conn:
        complaints.upsert_many(conn, [make_complaint(1), make_complaint(2)])
        yield conn
