"""The supervisor's aggregates against brute force over small random caches, and their query plans."""

from __future__ import annotations

import random
import statistics
import uuid
from collections import Counter, defaultdict
from collections.abc import Iterator
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from typing import Any

import pytest

from sambat_tui.domain.calendar import JAKARTA, jakarta_date
from sambat_tui.domain.weeks import IsoWeek, last_weeks
from sambat_tui.store import complaints, supervision, timeline
from sambat_tui.store.db import Store
from sambat_tui.store.inbox import QueryContext
from sambat_tui.store.supervision import BacklogBy, Group, Measure
from tests.store.factory import CALENDAR, NOW, active_due, fresh_cache, iso, make_complaint

OPEN = ("received", "assigned", "in_progress", "on_hold", "responded", "returned")
ALL = (*OPEN, "closed", "archived")
DESKS = ("dpuprpkp.jalan", "dpuprpkp.pju", "dlh.kebersihan", None)
PEOPLE = ("operator.dpuprpkp", "field.dpuprpkp", "supervisor.dpuprpkp", None)
KECAMATAN = ("Klojen", "klojen ", "Sukun", None)
TODAY = datetime.combine(jakarta_date(NOW), time.min, tzinfo=JAKARTA)


def _us(moment: datetime) -> int:
    return (moment - datetime(1970, 1, 1, tzinfo=UTC)) // timedelta(microseconds=1)


def _epoch(moment: datetime) -> int:
    return int(moment.timestamp())


def random_cache(
    seed: int, n: int = 60
) -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[dict[str, Any]]]:
    """Complaints spread over 14 weeks, with status histories (some takes today) and escalations."""
    rnd = random.Random(seed)
    items, updates, dispositions = [], [], []
    for i in range(n):
        created = NOW - timedelta(
            days=rnd.randint(0, 95), hours=rnd.randint(0, 23), minutes=rnd.randint(0, 59)
        )
        status = rnd.choice(ALL)
        first = (
            created + timedelta(days=rnd.randint(0, 12), hours=rnd.randint(0, 9))
            if rnd.random() < 0.6
            else None
        )
        if first is not None and first > NOW:
            first = None
        closed = None
        if status == "closed":
            closed = (first or created) + timedelta(days=rnd.randint(0, 20))
            closed = min(closed, NOW)
        response_due = CALENDAR.add_working_days(created, 5)
        data = make_complaint(
            i,
            status=status,
            desk_id=rnd.choice(DESKS),
            assignee_id=rnd.choice(PEOPLE),
            category_code=rnd.choice(("JALAN_RUSAK", "PJU", "SAMPAH", None)),
            location={
                "lat": None,
                "lon": None,
                "address": None,
                "kelurahan": None,
                "kecamatan": rnd.choice(KECAMATAN),
            },
            created_at=iso(created),
            updated_at=iso(created),
            first_response_at=None if first is None else iso(first),
            closed_at=None if closed is None else iso(closed),
            duplicate_of=str(uuid.UUID(int=1)) if rnd.random() < 0.1 else None,
            sla={
                "class": "normatif",
                "verify_due": iso(CALENDAR.add_working_days(created, 3)),
                "response_due": iso(response_due),
                "resolve_due": iso(CALENDAR.add_working_days(created, rnd.choice((2, 5, 14)))),
                "reply_due": None,
            },
        )
        items.append(data)
        routed = rnd.random() < 0.7
        if routed:
            dispositions.append(_disposition(data["id"], "auto_route", created))
        moment, current = created, "assigned" if routed else "received"
        for _ in range(rnd.randint(0, 4)):
            # Histories end near now so that "today" holds takes and other moves; ties in time happen.
            moment = rnd.choice(
                [
                    moment,
                    moment + timedelta(hours=rnd.randint(1, 40)),
                    TODAY + timedelta(hours=rnd.randint(0, 9)),
                ]
            )
            after = rnd.choice([current, current, "in_progress", "on_hold", "assigned"])
            updates.append(_status_change(data["id"], after, rnd.choice(PEOPLE[:3]), moment))
            current = after
        if rnd.random() < 0.3:
            dispositions.append(
                _disposition(data["id"], "escalate", created + timedelta(days=rnd.randint(1, 30)))
            )
    return items, updates, dispositions


def _status_change(complaint_id: str, after: str, author: str, at: datetime) -> dict[str, Any]:
    return {
        "id": str(uuid.uuid4()),
        "complaint_id": complaint_id,
        "kind": "status_change",
        "body": "",
        "status_after": after,
        "author_id": author,
        "authored_at": iso(at),
        "recorded_at": iso(at),
    }


def _disposition(complaint_id: str, kind: str, at: datetime) -> dict[str, Any]:
    return {
        "id": str(uuid.uuid4()),
        "complaint_id": complaint_id,
        "kind": kind,
        "from_agency_id": None,
        "from_desk_id": None,
        "to_agency_id": "dpuprpkp",
        "to_desk_id": None,
        "to_user_id": None,
        "reason": f"{kind} reason",
        "actor_id": None,
        "rule_id": "sla.response" if kind == "escalate" else "r1",
        "matched": [],
        "created_at": iso(at),
    }


@pytest.fixture(params=[1, 2, 3, 4])
def filled(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[Store, Any]]:
    items, updates, dispositions = random_cache(request.param)
    store = Store.open(fresh_cache(tmp_path))
    with store.transaction() as conn:
        complaints.upsert_many(conn, items)
        timeline.upsert_updates(conn, updates)
        timeline.upsert_dispositions(conn, dispositions)
    try:
        yield store, (items, updates, dispositions)
    finally:
        store.close()


# --- brute force ---


def _takes(
    items: list[dict[str, Any]],
    updates: list[dict[str, Any]],
    dispositions: list[dict[str, Any]],
    start: datetime,
    end: datetime,
) -> list[tuple[str, str]]:
    """(complaint id, author) of every take in [start, end), by walking each history."""
    routed = {d["complaint_id"] for d in dispositions if d["kind"] == "auto_route"}
    found = []
    for item in items:
        history = sorted(
            (u for u in updates if u["complaint_id"] == item["id"]),
            key=lambda u: (_us(datetime.fromisoformat(u["recorded_at"])), u["id"]),
        )
        before = "assigned" if item["id"] in routed else "received"
        for update in history:
            at = datetime.fromisoformat(update["recorded_at"])
            if start <= at < end and update["status_after"] == before:
                found.append((item["id"], update["author_id"]))
            before = update["status_after"]
    return found


def test_workload_matches_brute_force(filled: tuple[Store, Any]) -> None:
    store, (items, updates, dispositions) = filled
    context = QueryContext(now=NOW, calendar=CALENDAR)
    soon = context.due_cutoff(1)
    takes = _takes(items, updates, dispositions, TODAY, TODAY + timedelta(days=1))
    assert takes, "the random data should hold takes today"
    for group, column in ((Group.DESK, "desk_id"), (Group.PERSON, "assignee_id")):
        expected: dict[str | None, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
        for item in items:
            if item["status"] not in OPEN:
                continue
            row = expected[item[column]]
            due = active_due(item)
            row[0] += 1
            if due is not None and int(due.timestamp()) < context.now_epoch():
                row[2] += 1
            elif due is not None and int(due.timestamp()) <= soon:
                row[1] += 1
        by_id = {i["id"]: i for i in items}
        taken: dict[str | None, set[str]] = defaultdict(set)
        for complaint_id, author in takes:
            taken[by_id[complaint_id]["desk_id"] if group is Group.DESK else author].add(complaint_id)
        for key, ids in taken.items():
            expected[key][3] = len(ids)
        with store.read() as conn:
            got = supervision.workload(
                conn,
                group,
                now=context.now_epoch(),
                due_soon_until=soon,
                day_start_us=_us(TODAY),
                day_end_us=_us(TODAY + timedelta(days=1)),
            )
        assert {load.key: [load.open, load.due_soon, load.overdue, load.taken_today] for load in got} == dict(
            expected
        )


def test_escalations_are_the_open_ones_oldest_first(filled: tuple[Store, Any]) -> None:
    store, (items, _, dispositions) = filled
    by_id = {i["id"]: i for i in items}
    expected = sorted(
        (
            (_us(datetime.fromisoformat(d["created_at"])), d["id"], d["complaint_id"])
            for d in dispositions
            if d["kind"] == "escalate" and by_id[d["complaint_id"]]["status"] in OPEN
        ),
    )
    with store.read() as conn:
        got = supervision.escalations(conn)
        everything = supervision.escalations(conn, open_only=False)
        start, end = _us(NOW - timedelta(days=30)), _us(NOW)
        counted = supervision.escalations_between(conn, start, end)
    assert [(e.escalated_at_us, e.complaint_id) for e in got] == [(at, cid) for at, _, cid in expected]
    assert len(everything) == sum(1 for d in dispositions if d["kind"] == "escalate")
    assert counted == sum(
        1
        for d in dispositions
        if d["kind"] == "escalate" and start <= _us(datetime.fromisoformat(d["created_at"])) < end
    )


def test_backlog_matches_brute_force(filled: tuple[Store, Any]) -> None:
    store, (items, _, _) = filled
    now = int(NOW.timestamp())
    open_items = [i for i in items if i["status"] in OPEN]

    def overdue(item: dict[str, Any]) -> bool:
        due = active_due(item)
        return due is not None and int(due.timestamp()) < now

    with store.read() as conn:
        by_category = supervision.backlog(conn, BacklogBy.CATEGORY, now=now)
        by_kecamatan = supervision.backlog(conn, BacklogBy.KECAMATAN, now=now)
    assert {b.key: (b.open, b.overdue) for b in by_category} == {
        key: (n, sum(1 for i in open_items if i["category_code"] == key and overdue(i)))
        for key, n in Counter(i["category_code"] for i in open_items).items()
    }

    def folded(item: dict[str, Any]) -> str | None:
        name = item["location"]["kecamatan"]
        return None if name is None else " ".join(name.split()).casefold()

    assert {b.key: (b.open, b.overdue) for b in by_kecamatan} == {
        key: (n, sum(1 for i in open_items if folded(i) == key and overdue(i)))
        for key, n in Counter(folded(i) for i in open_items).items()
    }
    assert [b.open for b in by_category] == sorted((b.open for b in by_category), reverse=True)


def test_weekly_response_sla_matches_brute_force(filled: tuple[Store, Any]) -> None:
    store, (items, _, _) = filled
    weeks = last_weeks(IsoWeek.of(NOW), 12)
    origin = _epoch(weeks[0].start)
    now = _epoch(NOW)
    expected: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    for item in items:
        due = int(datetime.fromisoformat(item["sla"]["response_due"]).timestamp())
        if item["status"] == "archived" or item["duplicate_of"] is not None:
            continue
        if not origin <= due < _epoch(weeks[-1].end):
            continue
        week = (due - origin) // (7 * 86400)
        first = item["first_response_at"]
        answered = None if first is None else int(datetime.fromisoformat(first).timestamp())
        if answered is not None and answered <= due:
            expected[week][0] += 1
        elif answered is not None or due < now:
            expected[week][1] += 1
        else:
            expected.setdefault(week, [0, 0])
    with store.read() as conn:
        got = supervision.response_sla(conn, origin=origin, weeks=12, now=now)
    assert {w.week: [w.met, w.missed] for w in got} == dict(expected)


@pytest.mark.parametrize("measure", list(Measure))
def test_medians_match_brute_force_with_the_working_calendar(
    filled: tuple[Store, Any], measure: Measure
) -> None:
    store, (items, _, _) = filled
    weeks = last_weeks(IsoWeek.of(NOW), 12)
    start, end = weeks[0].start, weeks[-1].end
    column = "first_response_at" if measure is Measure.FIRST_RESPONSE else "closed_at"
    per_desk: dict[str | None, list[int]] = defaultdict(list)
    per_week: dict[int, list[int]] = defaultdict(list)
    for item in items:
        if item[column] is None or item["duplicate_of"] is not None:
            continue
        if measure is Measure.CLOSE and item["status"] != "closed":
            continue
        done = datetime.fromisoformat(item[column])
        if not int(start.timestamp()) <= int(done.timestamp()) < int(end.timestamp()):
            continue
        made = datetime.fromisoformat(item["created_at"])
        days = CALENDAR.working_days_between(jakarta_date(made), jakarta_date(done))
        per_desk[item["desk_id"]].append(days)
        per_week[(int(done.timestamp()) - int(start.timestamp())) // (7 * 86400)].append(days)
    with store.read() as conn:
        by_desk = supervision.medians(
            conn, measure, Group.DESK, start=_epoch(start), end=_epoch(end), calendar=CALENDAR
        )
        by_week = supervision.medians(
            conn, measure, Group.WEEK, start=_epoch(start), end=_epoch(end), calendar=CALENDAR
        )
    assert {m.key: (m.median_days, m.count) for m in by_desk} == {
        k: (float(statistics.median(v)), len(v)) for k, v in per_desk.items()
    }
    assert {m.key: (m.median_days, m.count) for m in by_week} == {
        k: (float(statistics.median(v)), len(v)) for k, v in per_week.items()
    }


def test_nothing_in_range_gives_no_medians(store: Store) -> None:
    with store.read() as conn:
        assert supervision.medians(conn, Measure.CLOSE, Group.DESK, start=0, end=10, calendar=CALENDAR) == []


def test_week_counts_match_brute_force(filled: tuple[Store, Any]) -> None:
    store, (items, _, _) = filled
    week = IsoWeek.of(NOW - timedelta(days=14))
    start, end = _epoch(week.start), _epoch(week.end)

    def inside(text: str | None) -> bool:
        return text is not None and start <= int(datetime.fromisoformat(text).timestamp()) < end

    with store.read() as conn:
        assert supervision.opened_between(conn, start, end) == sum(
            1 for i in items if inside(i["created_at"])
        )
        assert supervision.closed_between(conn, start, end) == sum(
            1 for i in items if i["status"] == "closed" and inside(i["closed_at"])
        )


def test_no_aggregate_scans_the_complaints_or_the_timeline(filled: tuple[Store, Any]) -> None:
    store, _ = filled
    statements: list[str] = []
    weeks = last_weeks(IsoWeek.of(NOW), 12)
    start, end = _epoch(weeks[0].start), _epoch(weeks[-1].end)
    with store.read() as conn:
        conn.set_trace_callback(statements.append)
        try:
            for group in (Group.DESK, Group.PERSON):
                supervision.workload(conn, group, now=1, due_soon_until=2, day_start_us=0, day_end_us=1 << 60)
            supervision.escalations(conn)
            for by in BacklogBy:
                supervision.backlog(conn, by, now=1)
            supervision.response_sla(conn, origin=start, weeks=12, now=end)
            for measure in Measure:
                for group in (Group.DESK, Group.WEEK):
                    supervision.medians(conn, measure, group, start=start, end=end, calendar=CALENDAR)
            supervision.opened_between(conn, start, end)
            supervision.closed_between(conn, start, end)
        finally:
            conn.set_trace_callback(None)
        selects = [s for s in statements if s.lstrip().upper().startswith(("SELECT", "WITH"))]
        assert len(selects) >= 14
        for sql in selects:
            rows = conn.execute("EXPLAIN QUERY PLAN " + sql).fetchall()
            plan = [r[3] for r in rows]
            scans = [
                step
                for step in plan
                if step.startswith("SCAN") and ("complaints" in step or "timeline" in step)
            ]
            assert not scans, (sql, plan)
            # A correlated subquery runs once per outer row: it must seek one complaint's rows, not a range.
            correlated = {r[0] for r in rows if r[3].startswith("CORRELATED")}
            inner = [r[3] for r in rows if r[1] in correlated]
            assert all("complaint_id=" in step for step in inner), (sql, plan)
