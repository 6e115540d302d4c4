"""The status bar: what it claims about the link and the last sync; at 80 columns the user's name gives way
to the role before the counts are cut."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from sambat_tui.ui.widgets.status_bar import BarState, StatusBar
from tests.ui.fakes import FakeSession, make_records
from tests.ui.harness import running


@pytest.mark.parametrize(("width", "name_shown"), [(80, False), (120, True)])
async def test_a_read_only_bar_drops_the_name_before_it_cuts_the_counts(width: int, name_shown: bool) -> None:
    session = FakeSession(make_records(5), read_only=True)
    async with running(session, size=(width, 24), read_only=True) as run:
        text = run.app.screen.query_one(StatusBar).render().plain
    assert len(text) <= width
    assert "0 konflik" in text and "…" not in text, text
    assert "Hanya baca" in text and "Operator" in text
    assert ("Budi Santoso" in text) is name_shown


SYNCED = datetime(2026, 11, 27, 4, 58, tzinfo=UTC)  # 11.58 WIB


@pytest.mark.parametrize(
    ("state", "starts_with"),
    [
        (BarState(), "◌ Belum pernah sinkron · 0 menunggu kirim"),
        # A start on a cache synced before: not "never synced", whatever the server says next.
        (BarState(last_sync_at=SYNCED), "◌ Terakhir sinkron 11.58 · 0 menunggu kirim"),
        (BarState(online=True, last_sync_at=SYNCED), "● Daring · Terakhir sinkron 11.58 · 0"),
        (BarState(online=False, last_sync_at=SYNCED), "○ Luring · Terakhir sinkron 11.58 · 0"),
        (BarState(syncing=True, last_sync_at=SYNCED), "⟳ Sinkron… · 0 menunggu kirim"),
    ],
)
async def test_the_bar_says_what_it_knows_of_link_and_last_sync(state: BarState, starts_with: str) -> None:
    async with running(FakeSession(make_records(5)), size=(120, 24)) as run:
        bar = run.app.screen.query_one(StatusBar)
        bar.state = state
        text = bar.render().plain
    assert text.startswith(starts_with), text
