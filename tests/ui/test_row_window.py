"""The inbox's row window: paging with opaque cursors, bounded memory, cursor kept across reloads."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sambat_tui.domain.model import Action, Status
from sambat_tui.services.inbox import Sort
from sambat_tui.ui.widgets.row_window import END_SLACK, PageSource, RowWindow
from tests.ui.fakes import FakeSession, make_records


def _window(session: FakeSession, tab: str = "semua", page_size: int = 10, max_rows: int = 40) -> RowWindow:
    inbox = session.inbox
    source = PageSource(
        first=lambda n: inbox.first(tab, "", Sort.DUE, False, n),
        last=lambda n: inbox.last(tab, "", Sort.DUE, False, n),
        after=inbox.after,
        before=inbox.before,
    )
    window = RowWindow(source, page_size=page_size, max_rows=max_rows)
    window.resize(8)
    return window


def _all_ids(session: FakeSession, tab: str = "semua") -> list[str]:
    return [r.id for r in session.inbox.first(tab, "", Sort.DUE, False, 10_000).rows]


def test_walking_down_visits_every_row_in_order_with_bounded_memory() -> None:
    session = FakeSession(make_records(137))
    window = _window(session)
    window.load_first()
    seen = [window.current.id] if window.current else []
    for _ in range(200):
        window.move_by(1)
        assert len(window.rows) <= window.max_rows + window.page_size
        assert window.current is not None
        if window.current.id != seen[-1]:
            seen.append(window.current.id)
    assert seen == _all_ids(session)


def test_walking_up_from_the_end_visits_every_row() -> None:
    session = FakeSession(make_records(95))
    window = _window(session)
    window.load_last()
    assert window.current is not None
    seen = [window.current.id]
    for _ in range(120):
        window.move_by(-1)
        assert window.current is not None
        if window.current.id != seen[-1]:
            seen.append(window.current.id)
    assert seen == list(reversed(_all_ids(session)))


def test_reload_keeps_the_cursor_on_the_next_row_when_the_acted_row_leaves_the_tab() -> None:
    session = FakeSession(make_records(240))
    for record in session.records:
        if record.status is Status.RECEIVED:
            record.status = Status.ASSIGNED  # start is allowed on every row of "Baru"
    window = _window(session, tab="baru")
    window.load_first()
    window.move_to(30)  # deep enough that the window's first page has been dropped or refetched
    acted = window.current
    assert acted is not None
    following = window.rows[window.cursor + 1].id
    session.actions.transition([acted.id], Action.START)  # assigned -> in_progress leaves "baru"
    window.reload(keep_id=following)
    assert window.current is not None and window.current.id == following
    assert acted.id not in {r.id for r in window.rows}


def test_the_viewport_is_always_filled_when_rows_exist() -> None:
    session = FakeSession(make_records(50))
    window = _window(session)
    window.load_first()
    window.move_to(49)
    assert window.current is not None and window.current.id == _all_ids(session)[-1]
    assert len(window.visible()) == 8


def test_empty_result_has_no_current_row() -> None:
    window = _window(FakeSession([]))
    window.load_first()
    window.move_by(5)
    assert window.current is None and window.visible() == []


def test_bad_sizes_are_refused() -> None:
    with pytest.raises(ValueError, match="max_rows"):
        RowWindow(_window(FakeSession([])).source, page_size=10, max_rows=15)


@settings(max_examples=25, deadline=None)
@given(moves=st.lists(st.integers(min_value=-70, max_value=70), min_size=1, max_size=25))
def test_any_walk_lands_where_the_full_list_says(moves: list[int]) -> None:
    session = FakeSession(make_records(150, seed=3))
    ids = _all_ids(session)
    window = _window(session)
    window.load_first()
    position = 0
    for delta in moves:
        window.move_by(delta)
        position = max(0, min(len(ids) - 1, position + delta))
        assert window.current is not None and window.current.id == ids[position]
        assert window.top <= window.cursor < window.top + window.height
        assert len(window.rows) <= window.max_rows + window.page_size


def test_a_move_fetches_only_what_the_screen_shows_and_read_ahead_the_margin() -> None:
    session = FakeSession(make_records(100))
    window = _window(session)  # pages of 10, a viewport of 8
    window.load_first()
    assert window.fetches == 1 and len(window.visible()) == 8  # the screen's rows, not the margin
    assert window.wants_read_ahead
    assert window.read_ahead()
    assert len(window.rows) >= 2 * 8 and not window.wants_read_ahead
    fetched = window.fetches
    window.move_by(7)  # a page down: its rows were read ahead
    assert window.fetches == fetched
    ids = _all_ids(session)
    position = 7
    for _ in range(16):  # to the end, reading ahead after each move as the list does
        window.move_by(7)
        position = min(position + 7, len(ids) - 1)
        shown = [r.id for r in window.visible()]
        assert window.current is not None and window.current.id == ids[position]
        first = ids.index(shown[0])
        assert shown == ids[first : first + 8] and ids[position] in shown
        window.read_ahead()
    assert window.current is not None and window.current.id == ids[-1]
    assert not window.read_ahead()  # nothing beyond either end to fetch


def test_g_and_shift_g_jump_between_the_ends_without_fetching_again_until_the_rows_change() -> None:
    session = FakeSession(make_records(100))
    window = _window(session)
    window.load_first()
    window.load_last()
    fetched = window.fetches
    ids = _all_ids(session)
    for _ in range(3):
        window.load_first()
        assert window.current is not None and window.current.id == ids[0]
        window.load_last()
        assert window.current is not None and window.current.id == ids[-1]
    assert window.fetches == fetched
    head, tail = window.end_screens()
    assert [r.id for r in head] == ids[:8] and [r.id for r in tail] == ids[-8:]
    # A change of the rows (an action, a sync) reloads the window: the ends are fetched again.
    acted = session.inbox.first("semua", "", Sort.DUE, False, 1).rows[0]
    session.actions.transition([acted.id], Action.START)
    window.reload()
    assert window.end_screens() == ([], [])
    window.load_first()
    assert window.fetches > fetched


def test_an_end_is_fetched_as_one_screenful_and_the_rest_read_ahead() -> None:
    session = FakeSession(make_records(300))
    ids = _all_ids(session)
    window = _window(session, page_size=60, max_rows=240)  # a viewport of 8
    window.load_last()
    assert [r.id for r in window.rows] == ids[-8 - END_SLACK :]
    window.load_first()
    assert [r.id for r in window.rows] == ids[: 8 + END_SLACK]  # a new search walks for these rows only
    window.resize(8 + END_SLACK)  # the search box closed: the list grew, and no fetch is needed for it
    assert window.fetches == 2 and len(window.visible()) == 8 + END_SLACK
    assert window.read_ahead()  # the margin follows after the frame, a whole page at a time
    assert [r.id for r in window.rows] == ids[: 8 + END_SLACK + 60]
