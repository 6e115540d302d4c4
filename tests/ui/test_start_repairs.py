"""The app makes the cache's start-up repairs once its first frame is out, before any sync; when they fail it
says so and goes on (they are made at the next start)."""

from __future__ import annotations

from typing import Any

import pytest

from sambat_tui.services.actions import StoreFull
from sambat_tui.ui.widgets.inbox_list import InboxList
from tests.ui.fakes import FakeSession, make_records
from tests.ui.harness import running


async def test_the_repairs_come_after_the_first_frame_and_before_the_first_sync(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    session = FakeSession(make_records(30))
    render_lines = InboxList.render_lines

    def painted(self: InboxList, crop: Any) -> Any:
        if "painted" not in session.calls:
            session.calls.append("painted")
        return render_lines(self, crop)

    monkeypatch.setattr(InboxList, "render_lines", painted)
    run_once = session.sync.run_once

    def synced(*args: Any, **kwargs: Any) -> Any:
        session.calls.append("sync")
        return run_once(*args, **kwargs)

    monkeypatch.setattr(session.sync, "run_once", synced)
    async with running(session, sync_interval_seconds=3600) as run:
        await run.app.workers.wait_for_complete()
        order = [c for c in session.calls if c in ("painted", "finish_opening", "sync")]
        assert order[:3] == ["painted", "finish_opening", "sync"]


async def test_repairs_that_fail_are_said_and_the_app_goes_on() -> None:
    session = FakeSession(make_records(30))
    session.repair_error = StoreFull("database or disk is full")
    async with running(session) as run:
        said = [str(n.message) for n in run.app._notifications]
        assert any("Perbaikan data lokal" in m and "disk is full" in m for m in said), said
        before = run.cursor_ref()
        await run.pilot.press("j")
        assert run.cursor_ref() != before
