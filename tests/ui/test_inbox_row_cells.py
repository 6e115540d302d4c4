"""A drawn inbox row says how many cells it takes without measuring its texts, so it must be right."""

from __future__ import annotations

import contextlib
import random
from collections.abc import AsyncIterator
from datetime import datetime, timedelta

from rich.cells import cell_len
from textual.strip import Strip

from sambat_tui.domain.model import Status
from sambat_tui.ui.ports import InboxRow
from sambat_tui.ui.widgets.inbox_list import InboxList, layout_for
from tests.ui.scenarios import BY_NAME, build

AWKWARD = (
    "Jalan rusak depan SDN 3",
    "道路损坏 学校前面的路坏了",  # two cells a character
    "Lampu mati 💡🔦 di gang 5",  # emoji, two cells
    "e\u0301e\u0301 Kali Brantas",  # combining accents, no cell of their own
    "zero\u200bwidth\u200dspace",
    "x" * 500,
    "",
    "é" * 40 + "中" * 40,
)


def _random_title(rng: random.Random) -> str:
    alphabet = "abc XYZ 019 éñ ü 中文字 한국 ﾃｽﾄ 💡🚧 \u0301\u200b-–—…"
    return "".join(rng.choice(alphabet) for _ in range(rng.randrange(0, 160)))


def _measured(strip: Strip) -> int:
    return sum(cell_len(segment.text) for segment in strip if not segment.control)


@contextlib.asynccontextmanager
async def _first_row() -> AsyncIterator[tuple[InboxList, InboxRow, datetime]]:
    """The inbox scenario's list, ready to draw, with its first row and its clock."""
    scenario = BY_NAME["inbox"]
    app, _session = build(scenario)
    async with app.run_test(size=scenario.size) as pilot:
        await pilot.pause()
        listing = app.screen.query_one(InboxList)
        assert listing.window is not None and listing.window.rows
        listing.render_line(1)  # reads the styles
        yield listing, listing.window.rows[0], listing._now()


async def test_every_row_takes_the_cells_it_says_at_every_width() -> None:
    rng = random.Random(4)
    titles = [*AWKWARD, *(_random_title(rng) for _ in range(300))]
    async with _first_row() as (listing, row, now):
        checked = 0
        for width in (24, 40, 60, 80, 100, 120, 200):
            for title in titles:
                for status in Status:
                    for pending, conflict in ((0, False), (1, False), (1, True)):
                        variant = row._replace(
                            title=title,
                            status=status,
                            pending=pending,
                            conflict=conflict,
                            assignee_id="field.dpuprpkp" if pending else None,
                        )
                        strip = listing._row_strip(variant, pending == 1, conflict, width, listing._base, now)
                        assert strip.cell_length == width, (width, title)
                        assert _measured(strip) == width, (width, title, status, pending, conflict)
                        checked += 1
        assert checked == 7 * len(titles) * len(Status) * 3


async def test_a_cut_cell_ends_with_an_ellipsis_and_a_whole_one_does_not() -> None:
    async with _first_row() as (listing, row, now):
        title_width = next(c.width for c in layout_for(80).columns if c.id == "title")

        def drawn(title: str) -> str:
            return "".join(
                s.text
                for s in listing._row_strip(row._replace(title=title), False, False, 80, listing._base, now)
            )

        whole = "x" * title_width
        assert whole + " " in drawn(whole) and "…" not in drawn(whole)
        cut = drawn("Galian kabel tidak ditutup kembali")
        assert "Galian kabel tidak ditutup kembali"[: title_width - 1] + "… " in cut
        wide = drawn(
            "中" * title_width
        )  # a wide character that would straddle the edge gives way to the mark
        assert "中" * ((title_width - 1) // 2) + " " * ((title_width - 1) % 2) + "…" in wide


async def test_a_long_overdue_sla_and_an_old_age_keep_their_meaning_in_their_cells() -> None:
    async with _first_row() as (listing, row, now):

        def cells(**changed: object) -> str:
            variant = row._replace(**changed)
            return "".join(s.text for s in listing._row_strip(variant, False, False, 120, listing._base, now))

        assert "   -5 hk " in cells(sla_days_left=-5)
        assert " -737hk " in cells(sla_days_left=-737)  # not "-737 h": h alone reads as calendar days
        assert "  -1234 " in cells(sla_days_left=-1234)  # no unit rather than a wrong one
        assert " 3th " in cells(created_at=now - timedelta(days=1097))  # not "1097": a number without unit
