"""The supervisor's screens on the real services and store, offline (a filled cache, no server): the views
read the SQL aggregates, the reassign dialog queues a real outbox mutation."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from textual.widgets import DataTable

from sambat_tui.services.session import Session
from sambat_tui.store import outbox, reference
from sambat_tui.store.reference import RefEntity
from sambat_tui.ui.app import SambatApp
from sambat_tui.ui.dialogs.dispose import DisposeDialog
from sambat_tui.ui.ports import AppOptions
from sambat_tui.ui.screens.dashboard import DashboardScreen
from sambat_tui.ui.screens.inbox import InboxScreen
from sambat_tui.ui.screens.workload import WorkloadScreen
from sambat_tui.ui.widgets.bar_chart import BarChart
from tests.support.cache import CREATED, private_home, seeded_profile, wire_complaint

NOW = CREATED + timedelta(days=2)


@pytest.fixture
def session(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Session:
    private_home(tmp_path, monkeypatch)
    items = [
        wire_complaint(assignee_id="field.dpuprpkp"),
        wire_complaint(),
        wire_complaint(category_code="PJU"),
    ]
    opened = Session.open(seeded_profile(items, user_id="supervisor.dpuprpkp"), now=lambda: NOW)
    with opened.store.transaction() as conn:
        reference.upsert_many(
            conn,
            RefEntity.USER,
            [{"id": "field.dpuprpkp", "name": "Sari", "agency_id": "dpuprpkp", "roles": ["field_officer"]}],
            version=1,
        )
    return opened


async def test_views_and_a_reassign_on_the_real_services(session: Session) -> None:
    app = SambatApp(lambda: session, AppOptions(sync_interval_seconds=0), now=lambda: NOW)
    try:
        async with app.run_test(size=(120, 36)) as pilot:
            await pilot.pause()
            assert isinstance(app.screen, InboxScreen)
            await pilot.press("W")
            await pilot.pause()
            assert isinstance(app.screen, WorkloadScreen)
            assert app.screen.query_one("#desks", DataTable).row_count == 1
            await pilot.press("D")
            await pilot.pause()
            assert isinstance(app.screen, DashboardScreen)
            assert len(app.screen.query_one("#by-category", BarChart).rows) == 2
            await pilot.press("escape", "escape")
            await pilot.pause()
            assert isinstance(app.screen, InboxScreen)
            await pilot.press("5", "a")  # "Semua", then reassign the cursor row
            await pilot.pause()
            assert isinstance(app.screen, DisposeDialog)
            await pilot.press(*"sari", "enter", *"Cek", "enter")
            await pilot.pause()
            assert isinstance(app.screen, InboxScreen)
    finally:
        app.close_session()
    with Session.open(session.profile) as again, again.store.read() as conn:
        [entry] = outbox.list_entries(conn)
    assert entry.op == "disposition"
    assert (entry.payload["kind"], entry.payload["to_user"], entry.payload["reason"]) == (
        "reassign",
        "field.dpuprpkp",
        "Cek",
    )
