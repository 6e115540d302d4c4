"""EXPLAIN QUERY PLAN of every inbox page statement: an index, never a full scan, no sort B-tree for walks."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from pathlib import Path

import pytest

from sambat_tui.domain.query import parse
from sambat_tui.store import complaints, inbox
from sambat_tui.store.db import Store
from sambat_tui.store.inbox import Cursor, Direction, QueryContext, Sort
from tests.store.factory import CALENDAR, NOW, USER, random_complaints
from tests.store.test_store_inbox_paging import plan_mode

CTX = QueryContext(now=NOW, user_id=USER, calendar=CALENDAR)
SORT_INDEX = {Sort.DUE: "inbox_due", Sort.AGE: "inbox_age", Sort.PRIORITY: "inbox_priority"}

STATUS_SETS = ("status:dikerjakan", "status:baru,ditunda", "", "-status:selesai")
FILTERS = (
    "",
    "cat:PJU kec:klojen",
    "desk:dpuprpkp.jalan,dlh.sampah -assignee:@me",
    "assignee:@me overdue",
    "-vis:rahasia due:<3d",
    "assignee:none due:>1d",
)


def table_scan(line: str) -> bool:
    return line == "SCAN c" or line.startswith("SCAN c ")


def walk_problems(lines: list[str], sort: Sort) -> list[str]:
    """What is wrong with a walk plan: a table scan, a sort B-tree, a lookup not through the sort's index."""
    problems = [line for line in lines if "TEMP B-TREE" in line]
    problems += [line for line in lines if table_scan(line)]
    searches = [line for line in lines if line.startswith("SEARCH c")]
    if not searches:
        problems.append("no index search at all")
    problems += [line for line in searches if f"INDEX {SORT_INDEX[sort]} (status=?" not in line]
    return problems


@pytest.fixture(scope="module")
def cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    store = Store.open(Path(tmp_path_factory.mktemp("plans")) / "cache.sqlite3")
    with store.transaction() as conn:
        complaints.upsert_many(conn, random_complaints(600, seed=3))
    try:
        yield store
    finally:
        store.close()


def test_the_checker_catches_bad_plans(cache: Store) -> None:
    with cache.read() as conn:
        sorted_by_title = [
            r[3] for r in conn.execute("EXPLAIN QUERY PLAN SELECT rid FROM complaints AS c ORDER BY title")
        ]
        scan = [
            r[3] for r in conn.execute("EXPLAIN QUERY PLAN SELECT rid FROM complaints AS c WHERE title = 'x'")
        ]
    assert walk_problems(sorted_by_title, Sort.DUE)
    assert walk_problems(scan, Sort.DUE)


@pytest.mark.parametrize("sort", list(Sort))
@pytest.mark.parametrize("direction", list(Direction))
def test_walk_pages_use_the_sort_index_without_sorting(
    cache: Store, sort: Sort, direction: Direction
) -> None:
    keys = {Sort.DUE: (1773161999,), Sort.AGE: (1773100000,), Sort.PRIORITY: (2, 1773161999)}[sort]
    with cache.read() as conn, plan_mode("walk"):
        for status, extra, with_cursor in itertools.product(STATUS_SETS, FILTERS, (False, True)):
            query = parse(f"{status} {extra}")
            cursor = Cursor(sort, keys, 300) if with_cursor else None
            kind, lines = inbox.explain(conn, query, CTX, sort=sort, direction=direction, after=cursor)
            assert kind == "walk"
            assert not walk_problems(lines, sort), (query.source, with_cursor, lines)
            if with_cursor:
                # The whole keyset row value bounds the index range: a seek on its first column only would
                # walk every tie of it (all complaints without a deadline, say) to reach a deep cursor.
                vector = {
                    Sort.DUE: "(due_at,tiebreak)",
                    Sort.AGE: "(created_at,tiebreak)",
                    Sort.PRIORITY: "(priority_order,due_at,tiebreak)",
                }[sort]
                searches = [line for line in lines if line.startswith("SEARCH c")]
                assert all(vector in line for line in searches), lines


def test_walk_with_words_probes_the_full_text_index_per_row(cache: Store) -> None:
    with cache.read() as conn, plan_mode("walk"):
        kind, lines = inbox.explain(conn, parse("jalan status:baru"), CTX, sort=Sort.AGE)
    assert kind == "walk"
    assert not walk_problems(lines, Sort.AGE), lines
    # A rowid lookup in the materialised match set per walked row: no copy of it, no FTS5 query per row.
    probes = [line for line in lines if "FOR IN-OPERATOR" in line]
    assert probes and all(line.startswith("USING ROWID SEARCH ON TABLE search_hits_") for line in probes), (
        lines
    )
    assert not [line for line in lines if "VIRTUAL TABLE" in line], lines


def test_rare_words_drive_from_the_full_text_index(cache: Store) -> None:
    with cache.read() as conn:
        kind, lines = inbox.explain(conn, parse('"MLG-2026-000123" -status:selesai'), CTX, sort=Sort.PRIORITY)
    assert kind == "text"
    assert lines[0].startswith("SCAN h"), lines  # the (small) match set drives
    assert "SEARCH c USING INTEGER PRIMARY KEY (rowid=?)" in lines
    assert not [line for line in lines if table_scan(line)]


@pytest.mark.parametrize(
    ("text", "index"),
    [
        ("cat:PJU", "complaints_category (category_code=?)"),
        ("assignee:field.dpuprpkp status:terbuka", "complaints_assignee (assignee_id=?)"),
        ("desk:dlh.sampah overdue", "complaints_desk (desk_id=?)"),
    ],
)
def test_rare_keys_drive_from_their_index(cache: Store, text: str, index: str) -> None:
    with cache.read() as conn, plan_mode("driven"):
        kind, lines = inbox.explain(conn, parse(text), CTX, sort=Sort.DUE)
    assert kind in ("category", "assignee", "desk")
    assert any(index in line for line in lines), lines
    assert not [line for line in lines if table_scan(line)]


@pytest.mark.parametrize("text", ["", "status:baru overdue", "-status:selesai cat:PJU", "jalan", "kec:sukun"])
def test_counts_read_an_index_not_the_table(cache: Store, text: str) -> None:
    with cache.read() as conn, plan_mode("walk"):
        kind, lines = inbox.explain_count(conn, parse(text), CTX)
    assert kind == "walk"
    assert any("COVERING INDEX inbox_due (status=?" in line for line in lines), lines
    assert not [line for line in lines if table_scan(line)]


def test_an_impossible_query_runs_nothing(cache: Store) -> None:
    with cache.read() as conn:
        assert inbox.explain(conn, parse("status:baru -status:baru"), CTX) == ("empty", [])
        assert inbox.page(conn, parse("overdue -overdue"), CTX).rows == ()
        assert inbox.count(conn, parse("vis:anonim -vis:anonim"), CTX) == 0
