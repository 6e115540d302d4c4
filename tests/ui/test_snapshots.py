"""Every screen state of ``scenarios.SCENARIOS`` against its accepted SVG (``--snapshot-update`` to accept).

``make screens`` renders the same list into ``screens/``, so the gallery and the tests cannot drift apart.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tests.ui.scenarios import SCENARIOS, Scenario, build


@pytest.mark.parametrize("scenario", SCENARIOS, ids=[s.name for s in SCENARIOS])
def test_screen(scenario: Scenario, snap_compare: Callable[..., bool]) -> None:
    app, _session = build(scenario)
    assert snap_compare(app, press=scenario.press, terminal_size=scenario.size)


def test_scenario_names_are_unique_file_names() -> None:
    names = [s.name for s in SCENARIOS]
    assert len(names) == len(set(names))
    assert all(n.replace("_", "").isalnum() and n.islower() for n in names)
