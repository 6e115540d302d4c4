"""The cyclic collector on the app's clock: it still frees cycles, a generation at a time as Python would, and
the app started from the command line hands collection to it."""

from __future__ import annotations

import gc
import weakref
from collections.abc import Iterator

import pytest

from sambat_tui.ui import collector
from tests.ui.harness import running


@pytest.fixture
def python_collector() -> Iterator[None]:
    thresholds = gc.get_threshold()
    enabled = gc.isenabled()
    try:
        yield
    finally:
        gc.unfreeze()
        gc.set_threshold(*thresholds)
        if enabled:
            gc.enable()


class _Node:
    def __init__(self) -> None:
        self.other: _Node | None = None


def _cycle() -> weakref.ref[_Node]:
    a, b = _Node(), _Node()
    a.other, b.other = b, a
    return weakref.ref(a)


def test_a_tick_frees_cycles_once_enough_was_made_and_goes_up_a_generation_as_python_does(
    python_collector: None,
) -> None:
    collector.take_over()
    gc.disable()  # nothing but the ticks collects in this test
    gc.collect()
    assert collector.tick() is None  # nothing made since
    cycle = _cycle()
    assert collector.tick() is None and cycle() is not None  # too little made to be worth a collection
    kept = [[] for _ in range(collector.YOUNG + 50)]
    assert collector.tick() == 0
    assert cycle() is None  # the cycle is gone
    seen = []
    for _ in range(2 * collector.OLDER_EVERY * collector.OLDER_EVERY):
        kept.extend([] for _ in range(collector.YOUNG + 50))
        seen.append(collector.tick())
    assert seen.count(1) >= collector.OLDER_EVERY - 1 and seen.count(2) >= 1
    assert gc.get_threshold() == (collector.SAFETY_THRESHOLD, collector.OLDER_EVERY, collector.OLDER_EVERY)


async def test_started_from_the_command_line_the_app_collects_on_its_clock(
    python_collector: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    ticks: list[None] = []
    monkeypatch.setattr(collector, "tick", lambda: ticks.append(None))
    gc.disable()  # as cli.run_app leaves it for the first frame
    async with running() as run:
        await run.pilot.pause(4 * collector.TICK_SECONDS)
        assert gc.isenabled()
        assert gc.get_threshold()[0] == collector.SAFETY_THRESHOLD
        assert len(ticks) >= 2
