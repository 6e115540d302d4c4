"""Keyset paging: every matching row exactly once, in order, forward and backward, for every sort x filter,
whichever plan finds the rows; cursors stay valid while rows arrive; counts agree with brute force."""

from __future__ import annotations

import math
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sambat_tui.domain.query import Query
from sambat_tui.store import complaints, inbox
from sambat_tui.store.db import Store
from sambat_tui.store.inbox import Direction, QueryContext, Sort
from tests.store.factory import (
    CALENDAR,
    NOW,
    PARSED,
    USER,
    complaint_fields,
    complaint_lists,
    fresh_cache,
    make_complaint,
    matches,
    random_complaints,
    sort_key,
)

CTX = QueryContext(now=NOW, user_id=USER, calendar=CALENDAR)
PLAN_MODES = ("natural", "walk", "driven", "probe", "probe-driven")


@contextmanager
def plan_mode(mode: str) -> Iterator[None]:
    """Force the walk (bounds 0: never "few enough") or the driven plans (bounds huge), or leave them be.

    Words: "walk" and "driven" always make the match set first (``search.hits``); "probe" and
    "probe-driven" never do, and check the walked rows two or three at a time (``search.matching``), so a
    page takes many batches, each continuing from the last row walked.
    """
    if mode == "natural":
        yield
        return
    limits = (10**9, 10**9) if mode.endswith("driven") else (0, 0)
    probing = mode.startswith("probe")
    with (
        mock.patch.object(inbox, "TEXT_BOUND_LIMITS", limits),
        mock.patch.object(inbox, "KEY_BOUND_LIMITS", limits),
        mock.patch.object(inbox, "PROBE_COST_RATIO", 0.0 if probing else math.inf),
        mock.patch.object(inbox, "PROBE_FIRST_BATCH", 2),
        mock.patch.object(inbox, "PROBE_MIN_WALK", 3),
        mock.patch.object(inbox, "PROBE_MAX_BATCH", 3),
    ):
        yield


@contextmanager
def loaded(items: Sequence[dict[str, Any]]) -> Iterator[Store]:
    with tempfile.TemporaryDirectory() as tmp:
        store = Store.open(fresh_cache(Path(tmp)))
        try:
            with store.transaction() as conn:
                complaints.upsert_many(conn, items, chunk_size=7)
            yield store
        finally:
            store.close()


def rid_of(store: Store) -> dict[str, int]:
    with store.read() as conn:
        return dict(conn.execute("SELECT id, rid FROM complaints").fetchall())


def expected_ids(
    items: Sequence[dict[str, Any]], rids: dict[str, int], query: Query, sort: Sort, direction: Direction
) -> list[str]:
    criteria = query.criteria()
    found = [c for c in items if matches(c, criteria)]
    found.sort(key=lambda c: sort_key(c, sort.value, rids[c["id"]]), reverse=direction is Direction.DESC)
    return [c["id"] for c in found]


def walk_forward(store: Store, query: Query, sort: Sort, direction: Direction, limit: int) -> list[str]:
    seen: list[str] = []
    cursor = None
    with store.read() as conn:
        for _ in range(1000):
            page = inbox.page(conn, query, CTX, sort=sort, direction=direction, after=cursor, limit=limit)
            assert len(page.rows) <= limit
            seen.extend(r.id for r in page.rows)
            if page.next_cursor is None:
                return seen
            assert page.next_cursor == page.rows[-1].cursor
            cursor = page.next_cursor
    raise AssertionError("paging did not end")


def walk_backward(store: Store, query: Query, sort: Sort, direction: Direction, limit: int) -> list[str]:
    pages: list[list[str]] = []
    with store.read() as conn:
        page = inbox.last_page(conn, query, CTX, sort=sort, direction=direction, limit=limit)
        for _ in range(1000):
            pages.append([r.id for r in page.rows])
            if page.next_cursor is None:
                return [row for chunk in reversed(pages) for row in chunk]
            assert page.next_cursor == page.rows[0].cursor
            page = inbox.page_before(
                conn, query, CTX, sort=sort, direction=direction, before=page.next_cursor, limit=limit
            )
    raise AssertionError("paging did not end")


# On 90 rows "natural" picks the driven plans whenever a query has words or keys, so the forced modes cover
# it; the properties below sample all of them.
@pytest.mark.parametrize("mode", ["walk", "driven", "probe", "probe-driven"])
def test_every_sort_and_filter_pages_every_row_once_both_ways(mode: str) -> None:
    items = random_complaints(90, seed=7)
    with loaded(items) as store, plan_mode(mode):
        rids = rid_of(store)
        for query in PARSED:
            for sort in Sort:
                for direction in Direction:
                    expected = expected_ids(items, rids, query, sort, direction)
                    context = (query.source, sort, direction, mode)
                    assert walk_forward(store, query, sort, direction, 7) == expected, context
                    assert walk_backward(store, query, sort, direction, 5) == expected, context
            with store.read() as conn:
                assert inbox.count(conn, query, CTX) == len(
                    expected_ids(items, rids, query, Sort.DUE, Direction.ASC)
                )
        with store.read() as conn:
            tabs = {q.source or "semua": q for q in PARSED}
            got = inbox.counts(conn, tabs, CTX)
        assert got == {name: sum(matches(c, q.criteria()) for c in items) for name, q in tabs.items()}


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    items=complaint_lists(30),
    query=st.sampled_from(PARSED),
    sort=st.sampled_from(list(Sort)),
    direction=st.sampled_from(list(Direction)),
    limit=st.integers(1, 6),
    mode=st.sampled_from(PLAN_MODES),
)
def test_paging_property(
    items: list[dict[str, Any]], query: Query, sort: Sort, direction: Direction, limit: int, mode: str
) -> None:
    with loaded(items) as store, plan_mode(mode):
        expected = expected_ids(items, rid_of(store), query, sort, direction)
        assert walk_forward(store, query, sort, direction, limit) == expected
        assert walk_backward(store, query, sort, direction, limit) == expected
        with store.read() as conn:
            assert inbox.count(conn, query, CTX) == len(expected)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    items=complaint_lists(25),
    arrivals=st.lists(complaint_fields(), max_size=15),
    query=st.sampled_from(PARSED),
    sort=st.sampled_from(list(Sort)),
    direction=st.sampled_from(list(Direction)),
    first=st.integers(1, 10),
)
def test_cursor_stays_valid_while_rows_arrive(
    items: list[dict[str, Any]],
    arrivals: list[dict[str, Any]],
    query: Query,
    sort: Sort,
    direction: Direction,
    first: int,
) -> None:
    new = [make_complaint(1000 + i, **fields) for i, fields in enumerate(arrivals)]
    with loaded(items) as store:
        with store.read() as conn:
            head = inbox.page(conn, query, CTX, sort=sort, direction=direction, limit=first)
        if head.next_cursor is None:
            return
        cursor = head.next_cursor
        cursor_row = next(c for c in items if c["id"] == head.rows[-1].id)
        with store.transaction() as conn:
            complaints.upsert_many(conn, new)
        rids = rid_of(store)
        everything = expected_ids([*items, *new], rids, query, sort, direction)
        position = sort_key(cursor_row, sort.value, rids[cursor_row["id"]])
        by_id = {c["id"]: c for c in [*items, *new]}

        def beyond(complaint_id: str) -> bool:
            key = sort_key(by_id[complaint_id], sort.value, rids[complaint_id])
            return key > position if direction is Direction.ASC else key < position

        rest: list[str] = []
        with store.read() as conn:
            page = inbox.page(conn, query, CTX, sort=sort, direction=direction, after=cursor, limit=4)
            rest.extend(r.id for r in page.rows)
            while page.next_cursor is not None:
                page = inbox.page(
                    conn, query, CTX, sort=sort, direction=direction, after=page.next_cursor, limit=4
                )
                rest.extend(r.id for r in page.rows)
        assert rest == [i for i in everything if beyond(i)]
        assert not set(rest) & {r.id for r in head.rows}


def test_rows_carry_what_the_inbox_shows(store: Store) -> None:
    item = make_complaint(
        1,
        status="in_progress",
        priority="urgent",
        assignee_id=USER,
        location={"kecamatan": "Sukun", "address": None},
    )
    with store.transaction() as conn:
        complaints.upsert_many(conn, [item])
    with store.read() as conn:
        (row,) = inbox.page(conn, PARSED[0], CTX).rows
    assert (row.id, row.public_ref, row.title, row.status.value, row.priority.value) == (
        item["id"],
        item["public_ref"],
        item["title"],
        "in_progress",
        "urgent",
    )
    assert row.kecamatan == "Sukun" and row.assignee_id == USER and row.pending == 0 and row.conflicts == 0
    assert row.due_at is not None and row.due_at.isoformat() == "2026-03-12T16:59:59+00:00"
    assert row.resolve_due is not None and row.created_at.tzinfo is not None


def test_cursor_tokens_round_trip_and_reject_garbage() -> None:
    cursor = inbox.Cursor(Sort.PRIORITY, (1, 1773300000), 42)
    assert inbox.Cursor.from_token(cursor.token()) == cursor
    for bad in ("", "due", "due:1", "priority:1:2", "nope:1:2", "due:x:1"):
        with pytest.raises(ValueError):
            inbox.Cursor.from_token(bad)


def test_cursor_of_another_sort_and_bad_limits_are_refused(store: Store) -> None:
    with store.transaction() as conn:
        complaints.upsert_many(conn, [make_complaint(i) for i in range(3)])
    with store.read() as conn:
        page = inbox.page(conn, PARSED[0], CTX, sort=Sort.AGE, limit=1)
        assert page.next_cursor is not None
        with pytest.raises(ValueError):
            inbox.page(conn, PARSED[0], CTX, sort=Sort.DUE, after=page.next_cursor)
        for limit in (0, inbox.MAX_LIMIT + 1):
            with pytest.raises(ValueError):
                inbox.page(conn, PARSED[0], CTX, limit=limit)


def test_me_and_due_terms_need_their_context(store: Store) -> None:
    from sambat_tui.domain.query import parse

    with store.transaction() as conn:
        complaints.upsert_many(conn, [make_complaint(1)])
    with store.read() as conn:
        with pytest.raises(ValueError):
            inbox.page(conn, parse("assignee:@me"), QueryContext(now=NOW))
        with pytest.raises(ValueError):
            inbox.page(conn, parse("due:<3d"), QueryContext(now=NOW, user_id=USER))
        assert inbox.page(conn, parse("due:<0d"), QueryContext(now=NOW)).rows == ()
