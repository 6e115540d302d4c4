"""The search's first page is read while the user pauses in the field; enter shows it without reading again,
and only when it is exactly the search entered on the data as it is."""

from __future__ import annotations

import pytest

from sambat_tui.domain.model import Status
from sambat_tui.services.inbox import Sort
from sambat_tui.ui import search_ahead
from sambat_tui.ui.search_ahead import DELAY
from tests.ui.harness import Running, record_drawn_rows, running

_REST = DELAY * 4  # long enough for the field to rest and its page to be read


async def _rests(r: Running, query: str) -> None:
    """Let the field rest until its page is read (a loaded machine may fire the timer late)."""
    await r.pilot.pause(_REST)
    for _ in range(100):
        if query in r.session.inbox.first_reads:
            return
        await r.pilot.pause(0.02)
    raise AssertionError(f"the page of {query!r} was not read while the field rested")


def _rows(r: Running) -> list[str]:
    window = r.inbox.listing.window
    assert window is not None
    return [row.id for row in window.rows]


def _expected(r: Running, query: str) -> list[str]:
    limit = r.inbox.listing.first_page_limit()
    return [row.id for row in r.session.inbox.first("semua", query, Sort.DUE, False, limit).rows]


async def test_a_search_is_read_while_the_field_rests_and_enter_does_not_read_it_again() -> None:
    async with running() as r:
        await r.press("5")
        await r.burst("/", *"kec:klojen")
        await _rests(r, "kec:klojen")
        assert r.session.inbox.first_reads.count("kec:klojen") == 1
        expected = _expected(r, "kec:klojen")
        await r.press("enter")
        assert r.session.inbox.first_reads.count("kec:klojen") == 2  # ours just now, not the app's
        assert r.inbox.query_text == "kec:klojen"
        assert _rows(r)[: len(expected)] == expected and expected


async def test_letters_arriving_together_read_once_for_the_whole_search() -> None:
    async with running() as r:
        await r.press("5")
        await r.burst("/", *"kec:klojen")
        await _rests(r, "kec:klojen")
        searched = [q for q in r.session.inbox.first_reads if q]
        assert searched == ["kec:klojen"]


async def test_a_change_of_the_data_after_the_read_makes_enter_read_again() -> None:
    async with running() as r:
        await r.press("5")
        await r.burst("/", *"kec:klojen")
        await _rests(r, "kec:klojen")
        # A sync lands: a complaint elsewhere moves to Klojen, due before every other one.
        moved = next(rec for rec in r.session.records if rec.kecamatan != "Klojen" and rec.status.is_open)
        moved.kecamatan = "Klojen"
        moved.resolve_due = min(rec.resolve_due for rec in r.session.records if rec.resolve_due is not None)
        moved.status = Status.IN_PROGRESS
        r.inbox.reload()
        await r.press("enter")
        assert r.session.inbox.first_reads.count("kec:klojen") == 2
        assert moved.id in _rows(r)
        assert _rows(r)[: len(_expected(r, "kec:klojen"))] == _expected(r, "kec:klojen")


async def test_a_page_read_for_other_words_is_not_shown(monkeypatch: pytest.MonkeyPatch) -> None:
    async with running() as r:
        await r.press("5")
        await r.burst("/", *"kec:klojen")
        await _rests(r, "kec:klojen")
        monkeypatch.setattr(search_ahead, "DELAY", 60.0)  # from here on the field never rests long enough
        await r.burst("backspace", "enter")  # enter before the field rests again: "kec:kloje" is not read
        assert r.inbox.query_text == "kec:kloje"
        assert r.session.inbox.first_reads.count("kec:kloje") == 1  # by enter itself
        assert _rows(r) == _expected(r, "kec:kloje")


async def test_nothing_is_read_for_a_malformed_search_or_an_empty_field() -> None:
    async with running() as r:
        await r.press("5")
        reads = len(r.session.inbox.first_reads)
        await r.burst("/", *"foo:bar")
        await r.pilot.pause(_REST)
        await r.press("ctrl+u")
        await r.pilot.pause(_REST)
        assert len(r.session.inbox.first_reads) == reads


async def test_a_page_read_for_a_search_closed_with_escape_is_not_kept(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    async with running() as r:
        await r.press("5")
        await r.burst("/", *"kec:klojen")
        await _rests(r, "kec:klojen")
        monkeypatch.setattr(search_ahead, "DELAY", 60.0)  # from here on the field never rests long enough
        await r.press("escape")  # the page read for the words is gone with the field
        await r.burst("/", "ctrl+u", *"kec:klojen", "enter")  # the same words, entered before they rest
        assert r.inbox.query_text == "kec:klojen"
        assert r.session.inbox.first_reads.count("kec:klojen") == 2
        assert _rows(r)[: len(_expected(r, "kec:klojen"))] == _expected(r, "kec:klojen")


async def test_the_rows_a_search_shows_were_drawn_while_its_field_rested() -> None:
    async with running(records=400) as r:
        await r.press("5")
        await r.burst("/", *"kec:klojen")
        await _rests(r, "kec:klojen")
        drawn = record_drawn_rows(r.inbox.listing)
        await r.press("enter")
        window = r.inbox.listing.window
        assert window is not None and window.height > 10
        shown = {row.id for row in window.visible()}
        assert shown and not set(drawn) & shown, len(set(drawn) & shown)
