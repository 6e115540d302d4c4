"""The inbox tabs and pages, the complaint detail, and the outbox actions, over a filled cache."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from sambat_tui.domain.model import Action
from sambat_tui.domain.query import QueryError, parse
from sambat_tui.services.config import AppConfig, SavedFilter, save_config
from sambat_tui.services.inbox import BUILTIN_TABS, InboxPage, Sort, combine
from sambat_tui.services.outbox import OutboxActionRefused
from sambat_tui.services.profiles import profile_paths
from sambat_tui.services.session import Session
from sambat_tui.store import outbox, timeline
from sambat_tui.store.outbox import OutboxState
from sambat_tui.sync.pull import refetch_requests
from tests.support.cache import private_home, seeded_profile, wire_complaint

STATUSES = ["assigned", "assigned", "in_progress", "on_hold", "responded", "closed", "assigned"]


@pytest.fixture
def items(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    private_home(tmp_path, monkeypatch)
    return [wire_complaint(status=s) for s in STATUSES]


@pytest.fixture
def session(items: list[dict[str, Any]]) -> Iterator[Session]:
    profile = seeded_profile(items)
    save_config(profile, AppConfig(filters=(SavedFilter("Ditunda saja", "status:ditunda"),)))
    with Session.open(profile_paths()) as opened:
        yield opened


def _all_refs(pages: list[InboxPage]) -> list[str]:
    return [r.public_ref for p in pages for r in p.rows]


def test_tabs_are_the_builtin_ones_then_the_saved_filters(session: Session) -> None:
    tabs = session.inbox.tabs()
    assert tabs[: len(BUILTIN_TABS)] == BUILTIN_TABS
    assert (tabs[-1].label_key, tabs[-1].query) == ("Ditunda saja", "status:ditunda")
    counts = session.inbox.counts()
    assert counts["baru"] == 3 and counts["dikerjakan"] == 2 and counts["semua"] == len(STATUSES)
    assert counts[tabs[-1].id] == 1


def test_a_typed_query_narrows_the_tab_and_never_widens_it(session: Session) -> None:
    assert session.inbox.first("baru", "status:selesai", Sort.DUE, False, 10).rows == ()
    closed = session.inbox.first("semua", "status:selesai", Sort.DUE, False, 10).rows
    assert [r.status.value for r in closed] == ["closed"]
    both = combine(parse("overdue").criteria(), parse("-overdue").criteria())
    assert both.empty
    with pytest.raises(QueryError):
        session.inbox.first("semua", 'status:"unterminated', Sort.DUE, False, 10)
    with pytest.raises(KeyError):
        session.inbox.first("no-such-tab", "", Sort.DUE, False, 10)


@pytest.mark.parametrize("sort", list(Sort))
def test_paging_forward_and_back_visits_every_row_once(session: Session, sort: Sort) -> None:
    whole = _all_refs([session.inbox.first("semua", "", sort, False, 100)])
    pages = [session.inbox.first("semua", "", sort, False, 2)]
    assert not pages[0].has_before
    while pages[-1].has_after:
        pages.append(session.inbox.after(pages[-1].after, 2))
    assert _all_refs(pages) == whole and len(whole) == len(STATUSES)
    back = [session.inbox.last("semua", "", sort, False, 3)]
    while back[-1].has_before:
        back.append(session.inbox.before(back[-1].before, 3))
    assert _all_refs(list(reversed(back))) == whole
    reverse = _all_refs([session.inbox.first("semua", "", sort, True, 100)])
    assert sorted(reverse) == sorted(whole)
    with pytest.raises(TypeError):
        session.inbox.after("not a cursor", 2)


@pytest.mark.parametrize("sort", list(Sort))
def test_an_export_reads_the_list_a_page_at_a_time_in_its_order(
    session: Session, sort: Sort, monkeypatch: pytest.MonkeyPatch
) -> None:
    from sambat_tui.store import inbox as store_inbox

    reads: list[int] = []
    real_page = store_inbox.page

    def page(*args: Any, **kwargs: Any) -> store_inbox.Page:
        reads.append(kwargs["limit"])
        return real_page(*args, **kwargs)

    whole = _all_refs([session.inbox.first("semua", "", sort, True, 100)])
    monkeypatch.setattr(store_inbox, "page", page)
    rows = session.inbox.rows("semua", "", sort, True, page=2)
    first = next(rows)
    assert reads == [2], "one page read for the first row, not the whole list"
    assert [first.public_ref, *(r.public_ref for r in rows)] == whole
    assert reads == [2, 2, 2, 2]
    with pytest.raises(QueryError):
        session.inbox.rows("semua", 'status:"unterminated', sort, True)


def test_an_inbox_export_lands_in_the_export_folder_private(session: Session) -> None:
    import csv
    import stat

    from sambat_tui.services.exports import INBOX_COLUMNS

    done = session.inbox.export("semua", "status:ditunda", Sort.DUE, False)
    assert done.rows == 1 and done.path.parent == session.profile.data_dir / "exports"
    assert done.path.name.startswith("inbox-") and stat.S_IMODE(done.path.stat().st_mode) == 0o600
    rows = list(csv.reader(done.path.open(encoding="utf-8", newline="")))
    assert tuple(rows[0]) == INBOX_COLUMNS and rows[1][1] == "on_hold"


def test_rows_carry_the_sla_clock_and_the_pending_mark(session: Session, items: list[dict[str, Any]]) -> None:
    session.actions.transition([items[0]["id"]], Action.TAKE)
    rows = {r.id: r for r in session.inbox.first("semua", "", Sort.AGE, False, 100).rows}
    assert rows[items[0]["id"]].pending == 1 and not rows[items[0]["id"]].conflict
    assert rows[items[0]["id"]].sla_days_left is not None and rows[items[0]["id"]].sla_state is not None
    assert rows[items[5]["id"]].sla_days_left is None, "a closed complaint runs no clock"


def test_the_complaint_detail_offers_what_the_role_may_do(
    session: Session, items: list[dict[str, Any]]
) -> None:
    detail = session.complaints.get(items[0]["public_ref"].lower())
    assert detail is not None and detail.data["id"] == items[0]["id"]
    assert detail.allowed == frozenset(
        {Action.TAKE, Action.START, Action.HOLD, Action.RESPOND, Action.RETURN}
    )
    assert session.complaints.get(items[0]["id"]) is not None
    assert session.complaints.get("MLG-1999-000000") is None
    assert detail.reporter is None


def _entries(session: Session) -> list[outbox.OutboxEntry]:
    with session.store.read() as conn:
        return outbox.list_entries(conn)


def _conflict(session: Session, seq: int) -> None:
    with session.store.transaction() as conn:
        outbox.mark_conflict(conn, seq, "Ditolak server", "403 forbidden")


def test_outbox_entries_say_what_and_why_in_one_safe_line(
    session: Session, items: list[dict[str, Any]]
) -> None:
    session.actions.return_(items[0]["id"], "Bukan \x1b]52;c;ZXZpbA==\x07 wewenang\nkami")
    (entry,) = session.outbox.entries()
    assert entry.public_ref == items[0]["public_ref"] and entry.state == "pending"
    assert entry.summary.startswith("return: Bukan ") and "\x1b" not in entry.summary
    assert "\n" not in entry.summary
    counts = session.outbox.counts()
    assert (counts.pending, counts.failed, counts.conflicts, counts.waiting) == (1, 0, 0, 1)


def test_retry_puts_a_conflict_back_in_the_queue(session: Session, items: list[dict[str, Any]]) -> None:
    (mutation_id,) = session.actions.transition([items[0]["id"]], Action.START).queued
    _conflict(session, _entries(session)[0].seq)
    assert session.outbox.counts().conflicts == 1
    session.outbox.retry(mutation_id)
    (entry,) = _entries(session)
    assert entry.state is OutboxState.PENDING
    with pytest.raises(KeyError):
        session.outbox.retry("no-such-mutation")


def test_discard_drops_the_mutation_and_its_unsent_text(
    session: Session, items: list[dict[str, Any]]
) -> None:
    (mutation_id,) = session.actions.note(items[1]["id"], "Salah ketik").queued
    session.outbox.discard(mutation_id)
    assert session.outbox.entries() == ()
    with session.store.read() as conn:
        assert timeline.for_complaint(conn, items[1]["id"]) == []
        assert refetch_requests(conn) == [items[1]["id"]], "the next sync shows the server's copy again"
    detail = session.complaints.get(items[1]["id"])
    assert detail is not None and detail.pending == 0


def test_a_mutation_being_sent_cannot_be_discarded(session: Session, items: list[dict[str, Any]]) -> None:
    (mutation_id,) = session.actions.note(items[1]["id"], "Sedang terkirim").queued
    with session.store.transaction() as conn:
        outbox.mark_sending(conn, _entries(session)[0].seq)
    with pytest.raises(OutboxActionRefused):
        session.outbox.discard(mutation_id)


def test_edit_replaces_an_unsent_text(session: Session, items: list[dict[str, Any]]) -> None:
    (mutation_id,) = session.actions.note(items[1]["id"], "Salah ketik").queued
    update_id = _entries(session)[0].payload["update_id"]
    session.outbox.edit(mutation_id, "Sudah dibetulkan")
    (entry,) = _entries(session)
    assert entry.payload["body"] == "Sudah dibetulkan" and entry.payload["update_id"] == update_id
    detail = session.complaints.get(items[1]["id"])
    assert detail is not None and [e.body for e in detail.timeline] == ["Sudah dibetulkan"]


def test_edit_after_a_conflict_takes_a_new_update_id(session: Session, items: list[dict[str, Any]]) -> None:
    (mutation_id,) = session.actions.note(items[1]["id"], "Ditolak").queued
    first = _entries(session)[0]
    _conflict(session, first.seq)
    session.outbox.edit(mutation_id, "Versi kedua")
    (entry,) = _entries(session)
    assert entry.state is OutboxState.PENDING and entry.payload["update_id"] != first.payload["update_id"]
    detail = session.complaints.get(items[1]["id"])
    assert detail is not None and [(e.id, e.body) for e in detail.timeline] == [
        (entry.payload["update_id"], "Versi kedua")
    ]


def test_edit_is_refused_when_the_text_may_already_be_on_the_server(
    session: Session, items: list[dict[str, Any]]
) -> None:
    (mutation_id,) = session.actions.note(items[1]["id"], "Terkirim?").queued
    with session.store.transaction() as conn:
        outbox.mark_sending(conn, _entries(session)[0].seq)
        outbox.reset_sending(conn)
    with pytest.raises(OutboxActionRefused):
        session.outbox.edit(mutation_id, "Berubah")
    (transition_id,) = session.actions.transition([items[0]["id"]], Action.TAKE).queued
    with pytest.raises(OutboxActionRefused):
        session.outbox.edit(transition_id, "bukan teks")
