"""The local cache at size: ``python -m bench.store_bench --n 100000``.

Writes N synthetic complaints through ``complaints.upsert_many`` (the sync's path: one transaction per feed
page of 500, full text indexed per batch; ``--bulk`` skips indexing and rebuilds once at the end), then
times, on a read-only connection as the UI has it:

- full-text search, first page of 50 by due date, for common, middling and rare words, a two-letter prefix,
  a phrase and a public reference;
- keyset pages of 50 for each sort and a few tab filters: the first page, deep pages (after a random row's
  cursor), the last page;
- the tab counts.

Shapes like a city's cache after a few years: most complaints closed or archived, words and categories
Zipf-distributed, many ties on creation time and deadlines.
"""

from __future__ import annotations

import argparse
import bisect
import itertools
import os
import random
import shutil
import sqlite3
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Any

from sambat_tui.domain.calendar import WorkingCalendar
from sambat_tui.domain.query import Query, parse
from sambat_tui.domain.reference import load_reference
from sambat_tui.store import complaints, inbox, search
from sambat_tui.store.db import Store
from sambat_tui.store.inbox import Cursor, Direction, QueryContext, Sort

NOW = datetime(2026, 11, 27, 3, 0, tzinfo=UTC)
PAGE = 50
FEED_PAGE = 500

STATUSES = (
    ("received", 2.0),
    ("assigned", 4.0),
    ("in_progress", 4.0),
    ("on_hold", 1.0),
    ("responded", 3.0),
    ("returned", 0.5),
    ("closed", 80.0),
    ("archived", 5.5),
)
# Codes and desks of the shipped reference data (domain/data), most used first.
CATEGORIES = [c.code for c in load_reference().categories]
DESKS = [d.id for d in load_reference().desks]
KECAMATAN = ("Blimbing", "Kedungkandang", "Klojen", "Lowokwaru", "Sukun")
_WORDS = (
    "jalan rusak lampu mati sampah menumpuk banjir genangan saluran mampet lubang aspal trotoar parkir liar "
    "pohon tumbang bau asap air keruh pdam macet angkot sekolah guru pungutan puskesmas antre obat nyamuk "
    "demam pedagang kaki lima bangunan reklame izin ktp kk akta bansos warga rt rw gang kampung pasar "
    "terminal stasiun jembatan retak licin gelap malam pagi siang sore minggu bulan tahun mohon segera "
    "diperbaiki ditindaklanjuti tolong bapak ibu dinas petugas kendaraan motor mobil truk bus sepeda anak "
    "lansia difabel kursi roda ramp tangga halte rambu marka zebra cross traffic light apill kabel listrik "
    "tiang miring roboh rumah kos kontrakan tetangga anjing kucing tikus kecoa limbah pabrik sungai brantas "
    "kali got selokan tutup hilang besi dicuri preman pungli oknum lambat pelayanan kantor kelurahan camat"
)
WORDS = _WORDS.split()
RARE = ("ondel", "gamelan", "wayang", "angklung", "sinden", "tumpeng", "klepon", "serabi", "lupis", "rujak")


class Weighted:
    """Draw from a Zipf-like distribution quickly (bisect on cumulative weights)."""

    def __init__(self, values: tuple[Any, ...] | list[Any], weights: list[float]) -> None:
        self.values = list(values)
        self.cumulative = list(itertools.accumulate(weights))
        self.total = self.cumulative[-1]

    def __call__(self, rnd: random.Random) -> Any:
        return self.values[bisect.bisect_right(self.cumulative, rnd.random() * self.total)]


def zipf(values: tuple[Any, ...] | list[Any]) -> Weighted:
    return Weighted(values, [1 / (i + 1) for i in range(len(values))])


def synthetic(n: int, seed: int) -> Iterator[dict[str, Any]]:
    rnd = random.Random(seed)
    status = Weighted([s for s, _ in STATUSES], [w for _, w in STATUSES])
    category, desk, word = zipf(CATEGORIES), zipf(DESKS), zipf(WORDS)
    users = [f"field.u{i:03d}" for i in range(120)]
    start = NOW - timedelta(days=3 * 365)
    span = int((NOW - start).total_seconds())
    for i in range(n):
        # Old complaints are closed; the open ones are recent.
        st = status(rnd)
        age = rnd.random() ** (3 if st not in ("closed", "archived") else 0.7)
        created = NOW - timedelta(seconds=int(age * span) // 60 * 60)
        day = created.replace(hour=16, minute=59, second=59, microsecond=999_999)
        title_words = [word(rnd) for _ in range(rnd.randint(2, 6))]
        body = [word(rnd) for _ in range(rnd.randint(8, 40))]
        if rnd.random() < 0.0005:
            body.append(rnd.choice(RARE))
        closed = st in ("closed", "archived")
        yield {
            "id": str(uuid.UUID(int=rnd.getrandbits(128), version=4)),
            "public_ref": f"MLG-{created.year}-{i:07d}",
            "channel": rnd.choice(("web", "sms", "app", "whatsapp", "lapor")),
            "classification": "pengaduan",
            "title": " ".join(title_words).capitalize(),
            "description": " ".join(body),
            "category_code": category(rnd),
            "location": {
                "lat": None,
                "lon": None,
                "address": f"Jl. {word(rnd).capitalize()} No. {rnd.randint(1, 200)}",
                "kelurahan": None,
                "kecamatan": rnd.choice(KECAMATAN),
            },
            "media": [],
            "visibility": rnd.choice(("public", "public", "public", "anonim", "rahasia")),
            "status": st,
            "agency_id": "dpuprpkp",
            "desk_id": desk(rnd),
            "assignee_id": None if rnd.random() < 0.3 else rnd.choice(users),
            "priority": rnd.choice(("low", "normal", "normal", "normal", "high", "urgent")),
            "sla": {
                "class": "normatif",
                "verify_due": (day + timedelta(days=3)).isoformat(),
                "response_due": (day + timedelta(days=rnd.choice((5, 7)))).isoformat(),
                "resolve_due": (day + timedelta(days=rnd.choice((7, 14, 60)))).isoformat(),
                "reply_due": None,
            },
            "duplicate_of": None,
            "external_refs": [],
            "version": 1,
            "created_at": created.isoformat(),
            "updated_at": created.isoformat(),
            "closed_at": (created + timedelta(days=9)).isoformat() if closed else None,
            "first_response_at": None,
            "escalation_level": 0,
        }


def load(store: Store, n: int, seed: int, *, bulk: bool) -> tuple[float, float, float]:
    """Write N complaints in feed-page transactions.

    Returns (wall seconds writing, CPU seconds writing, wall seconds rebuilding); generating the synthetic
    dicts is not counted.
    """
    items = synthetic(n, seed)
    wall = cpu = 0.0
    while True:
        batch = list(itertools.islice(items, FEED_PAGE))
        if not batch:
            break
        started, started_cpu = time.perf_counter(), time.process_time()
        with store.transaction() as conn:
            complaints.upsert_many(conn, batch, index=not bulk)
        wall += time.perf_counter() - started
        cpu += time.process_time() - started_cpu
    rebuilt = 0.0
    if bulk:
        started = time.perf_counter()
        with store.transaction() as conn:
            search.rebuild(conn)
        rebuilt = time.perf_counter() - started
    return wall, cpu, rebuilt


def timed(call: Callable[[], object], repeat: int) -> list[float]:
    call()  # warm the page cache and the statement cache once
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        call()
        times.append((time.perf_counter() - started) * 1000)
    return times


def pct(times: list[float], q: float) -> float:
    ordered = sorted(times)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def summary(times: list[float]) -> str:
    return f"p50 {pct(times, 0.5):8.2f} ms  p99 {pct(times, 0.99):8.2f} ms"


def random_cursor(conn: Any, sort: Sort, rnd: random.Random, top: int) -> Cursor:
    """The position of a random row, as the UI would hold after scrolling to it."""
    while True:
        row = conn.execute(
            "SELECT rid, due_at, created_at, priority_order FROM complaints WHERE rid = ?",
            (rnd.randint(1, top),),
        ).fetchone()
        if row is not None:
            rid, due, created, order = row
            keys = {Sort.DUE: (due,), Sort.AGE: (created,), Sort.PRIORITY: (order, due)}[sort]
            return Cursor(sort, keys, rid)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000, help="complaints to generate")
    parser.add_argument("--repeat", type=int, default=30, help="timed runs per measurement")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--bulk", action="store_true", help="skip per-batch indexing; rebuild once at the end"
    )
    parser.add_argument("--dir", type=Path, default=None, help="where to put the cache (default: a temp dir)")
    parser.add_argument("--keep", action="store_true", help="keep the cache file")
    args = parser.parse_args()

    directory = args.dir or Path(tempfile.mkdtemp(prefix="sambat-store-bench-"))
    path = directory / "bench.sqlite3"
    store = Store.open(path)
    try:
        run(store, args)
    finally:
        store.close()
        if not args.keep:
            for suffix in ("", "-wal", "-shm", ".lock"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
            if args.dir is None:
                shutil.rmtree(directory, ignore_errors=True)


def run(store: Store, args: argparse.Namespace) -> None:
    n: int = args.n
    print(f"load average at start: {os.getloadavg()[0]:.1f} ({os.cpu_count()} CPUs)")
    written, cpu, rebuilt = load(store, n, args.seed, bulk=args.bulk)
    store.checkpoint()
    size = store.path.stat().st_size / 2**20
    mode = "bulk (no index) + rebuild" if args.bulk else f"per-batch FTS, {FEED_PAGE} per transaction"
    print(f"complaints: {n:,}   cache: {size:,.0f} MiB   SQLite: {sqlite3.sqlite_version}")
    rebuild = f", rebuild {rebuilt:.1f} s" if args.bulk else ""
    print(f"insert ({mode}): {n / written:,.0f} rows/s wall, {n / cpu:,.0f} rows/s per CPU second{rebuild}")

    ctx = QueryContext(now=NOW, user_id="field.u007", calendar=WorkingCalendar.load())
    rnd = random.Random(args.seed)
    repeat: int = args.repeat
    with store.read() as conn:
        top = int(conn.execute("SELECT max(rid) FROM complaints").fetchone()[0])
        print("\nfull-text search, page of 50 by due date: new search (matches materialised) | next pages")
        for text in (
            "jalan",
            "lampu mati",
            "kecoa",
            "brantas",
            "wayang",
            "ja",
            '"jalan rusak"',
            "MLG-2026-0000123",
        ):
            for suffix in ("", " status:terbuka"):
                query = parse(text + suffix)
                expression = search.match_expression(query.words)
                hits = int(
                    conn.execute(
                        "SELECT count(*) FROM complaints_fts WHERE complaints_fts MATCH ?", (expression,)
                    ).fetchone()[0]
                )

                def cold(q: Query = query) -> object:
                    search.forget_hits(conn)
                    return inbox.page(conn, q, ctx)

                new = timed(cold, max(3, repeat // 3))
                after = inbox.page(conn, query, ctx).next_cursor
                more = timed(partial(inbox.page, conn, query, ctx, after=after), repeat)
                plan = inbox.page(conn, query, ctx).plan
                print(
                    f"  {text + suffix:<32} {hits:>9,} hits  {plan:<5}"
                    f" new {pct(new, 0.5):7.2f} / {pct(new, 0.99):7.2f} | next {summary(more)}"
                )

        tabs: dict[str, Query] = {
            "semua": parse(""),
            "baru": parse("status:baru"),
            "dikerjakan": parse("status:dikerjakan,ditunda"),
            "jatuh_tempo": parse("overdue status:terbuka"),
            "menunggu_pelapor": parse("status:menunggu_pelapor"),
            "assignee": parse("assignee:@me"),
            "rare_cat": parse("cat:LUAR_KEWENANGAN"),
            "due_soon": parse("due:<3d -status:responded"),
        }
        print("\nkeyset pages of 50, p50 / p99 ms: first | deep (after a random row's cursor) | last | up")
        print("  (up = page_before from a random cursor, descending)")
        for name, query in tabs.items():
            for sort in Sort:
                first = timed(partial(inbox.first_page, conn, query, ctx, sort=sort), repeat)
                cursors = [random_cursor(conn, sort, rnd, top) for _ in range(repeat + 1)]
                deep_iter = iter(cursors)
                deep = timed(
                    lambda: inbox.page(conn, query, ctx, sort=sort, after=next(deep_iter)),  # noqa: B023 - used now
                    repeat,
                )
                last = timed(partial(inbox.last_page, conn, query, ctx, sort=sort), repeat)
                up = timed(
                    partial(
                        inbox.page_before,
                        conn,
                        query,
                        ctx,
                        sort=sort,
                        direction=Direction.DESC,
                        before=cursors[0],
                    ),
                    repeat,
                )
                plan = inbox.page(conn, query, ctx, sort=sort).plan
                print(
                    f"  {name:<17} {sort.value:<8} {plan:<8}"
                    f" first {pct(first, 0.5):6.2f} / {pct(first, 0.99):6.2f}"
                    f" | deep {pct(deep, 0.5):6.2f} / {pct(deep, 0.99):6.2f}"
                    f" | last {pct(last, 0.5):6.2f} / {pct(last, 0.99):6.2f}"
                    f" | up {pct(up, 0.5):6.2f} / {pct(up, 0.99):6.2f}"
                )

        print("\ncounts")
        badges = {k: tabs[k] for k in ("baru", "dikerjakan", "jatuh_tempo", "menunggu_pelapor")}
        times = timed(lambda: inbox.counts(conn, badges, ctx), max(5, repeat // 3))
        print(
            f"  4 open-status tab badges, one statement: {summary(times)}  {inbox.counts(conn, badges, ctx)}"
        )
        times = timed(lambda: inbox.counts(conn, {"semua": tabs["semua"]}, ctx), max(5, repeat // 3))
        print(f"  'semua' (every row):                    {summary(times)}")
        times = timed(lambda: inbox.count(conn, parse("jalan"), ctx), max(5, repeat // 3))
        print(f"  count of a common word (jalan):         {summary(times)}")
        print(f"load average at end: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
