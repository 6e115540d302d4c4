"""The status bar keeps its left half whole: at 80 columns the user's name gives way to the role first."""

from __future__ import annotations

import pytest

from sambat_tui.ui.widgets.status_bar import StatusBar
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
