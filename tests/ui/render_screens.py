"""Render every scenario of ``tests/ui/scenarios.py`` to ``<out>/<name>.svg`` (``make screens``).

    python -m tests.ui.render_screens screens [name ...]

The pictures come from the same scenario list as the snapshot tests, so the gallery shows what the tests
check.
"""

from __future__ import annotations

import asyncio
import logging
import sys
from pathlib import Path

from tests.ui.scenarios import BY_NAME, SCENARIOS, Scenario, build


async def render(scenario: Scenario) -> str:
    app, _session = build(scenario)
    async with app.run_test(size=scenario.size) as pilot:
        await pilot.pause()
        for key in scenario.press:
            await pilot.press(key)
            await pilot.pause()
        await pilot.wait_for_scheduled_animations()
        await pilot.pause()
        return app.export_screenshot(title=f"sambat-tui — {scenario.title}")


def main(argv: list[str]) -> int:
    # The "open_failed" scenario logs the failure it shows; the gallery run needs no traceback on stderr.
    logging.getLogger("sambat_tui").addHandler(logging.NullHandler())
    logging.getLogger("sambat_tui").propagate = False
    if not argv:
        print("usage: python -m tests.ui.render_screens OUT_DIR [scenario ...]", file=sys.stderr)
        return 2
    out = Path(argv[0])
    names = argv[1:]
    unknown = [n for n in names if n not in BY_NAME]
    if unknown:
        print(f"unknown scenario(s): {', '.join(unknown)}; known: {', '.join(BY_NAME)}", file=sys.stderr)
        return 2
    chosen = [BY_NAME[n] for n in names] if names else list(SCENARIOS)
    out.mkdir(parents=True, exist_ok=True)
    for scenario in chosen:
        svg = asyncio.run(render(scenario))
        (out / f"{scenario.name}.svg").write_text(svg, encoding="utf-8")
        print(f"{out / scenario.name}.svg  {scenario.title}")
    if not names:
        (out / "README.md").write_text(index(SCENARIOS), encoding="utf-8")
    return 0


def index(scenarios: tuple[Scenario, ...]) -> str:
    """A gallery page: one heading and picture per scenario, in the order of the list."""
    lines = [
        "# sambat-tui screens",
        "",
        "Made by `make screens` (`python -m tests.ui.render_screens screens`) from `tests/ui/scenarios.py`,",
        "the same list the snapshot tests check. Do not edit by hand.",
        "",
    ]
    for scenario in scenarios:
        width, height = scenario.size
        lines += [
            f"## {scenario.title} ({width}x{height}, {scenario.lang})",
            "",
            f"![{scenario.name}]({scenario.name}.svg)",
            "",
        ]
    return "\n".join(lines)


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
