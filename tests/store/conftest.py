"""A fresh cache file per test."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from sambat_tui.store.db import Store


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    opened = Store.open(tmp_path / "cache.sqlite3")
    try:
        yield opened
    finally:
        opened.close()
