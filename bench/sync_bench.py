"""A first sync at city size: ``python -m bench.sync_bench [--quick] [--sizes 100000,1000000]``.

For each size (100,000 and 1,000,000 complaints; ``--quick``: 10,000) it seeds a city with
``sambat-central seed --complaints N`` into a temporary data directory, starts ``sambat-central serve`` on
127.0.0.1 (a free port) and measures, with the coordinator's token (everything in scope):

- the server's raw change-feed rate: a plain ``httpx`` loop fetching every page of ``/v1/changes`` (pages of
  500, the client's size), parsing each answer only for its cursor and discarding the data;
- a full first sync of ``sambat-tui`` into a fresh cache: ``sambat-tui login`` then ``sambat-tui sync`` as a
  child process (its own profile under a temporary ``SAMBAT_TUI_HOME``), timed from start to exit, with
  its peak RSS and CPU time (``os.wait4``); throughput as a ratio to the raw rate;
- on the synced cache, read-only as the UI has it (helpers of ``bench.store_bench``): full-text search, a
  new search and the next page, p50/p99 over common, middling and rare words; keyset pages of 50 for each
  sort (first, deep after a random row's cursor, last), p50/p99.

Prints a table. Sizes whose seed is missing are seeded; ``--keep`` keeps the temporary directory.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import partial
from pathlib import Path

from bench.central_bench import full_feed, served_city
from bench.store_bench import pct, random_cursor, timed
from sambat_tui.domain.calendar import WorkingCalendar
from sambat_tui.domain.query import Query, parse
from sambat_tui.store import inbox, search
from sambat_tui.store.db import Store
from sambat_tui.store.inbox import Cursor, QueryContext, Sort

NOW = datetime(2026, 11, 27, 3, 0, tzinfo=UTC)
FEED_PAGE = 500
"""The page size ``sambat-tui sync`` asks for (``SyncEngine`` default)."""
USER = "coordinator"
WORDS = (
    "jalan",
    "sampah",
    "lampu mati",
    "banjir",
    "pohon tumbang",
    "bau",
    "parkir liar",
    "trotoar",
    "jembatan",
)
"""Search words, common to rare in a seeded Malang."""


@dataclass(frozen=True)
class Row:
    what: str
    figure: str
    note: str = ""


def _bin(name: str) -> str:
    found = shutil.which(name, path=str(Path(sys.executable).parent))
    if found is None:
        raise SystemExit(f"{name} is not installed next to {sys.executable}")
    return found


def _say(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


def _seed(data_dir: Path, complaints: int) -> float:
    command = [_bin("sambat-central"), "seed", "--data-dir", str(data_dir), "--complaints", str(complaints)]
    command += ["--seed", "1", "--now", NOW.isoformat()]
    began = time.perf_counter()
    subprocess.run(command, check=True)
    return time.perf_counter() - began


def _token(data_dir: Path) -> str:
    command = [_bin("sambat-central"), "token", "create", "--user", USER, "--data-dir", str(data_dir)]
    return subprocess.run(command, check=True, capture_output=True, text=True).stdout.strip()


@dataclass(frozen=True)
class Feed:
    complaints: int
    changes: int
    seconds: float

    @property
    def rate(self) -> float:
        return self.changes / self.seconds


def _raw_feed(base: str, token: str) -> Feed:
    """Every page of the feed from an empty cursor, as fast as one client can ask; the data is dropped."""
    complaints, changes, seconds = full_feed(base, token, FEED_PAGE)
    return Feed(complaints, changes, seconds)


@dataclass(frozen=True)
class Synced:
    seconds: float
    cpu_seconds: float
    peak_rss_mib: float
    cache: Path


def _first_sync(base: str, token: str, home: Path) -> Synced:
    env = {**os.environ, "SAMBAT_TUI_HOME": str(home), "SAMBAT_TUI_KEYRING": "file"}
    tui = _bin("sambat-tui")
    subprocess.run(
        [tui, "login", "--server", base, "--token", "-"],
        input=token,
        text=True,
        env=env,
        check=True,
        capture_output=True,
    )
    began = time.perf_counter()
    process = subprocess.Popen([tui, "sync"], env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL)
    # wait4 gives this child's own resource use (RUSAGE_CHILDREN would mix in the server's).
    _pid, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - began
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise RuntimeError(f"sambat-tui sync exited with {process.returncode}")
    located = subprocess.run([tui, "locate"], env=env, check=True, capture_output=True, text=True).stdout
    cache = Path(dict(line.split("\t", 1) for line in located.splitlines() if "\t" in line)["cache"])
    return Synced(seconds, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, cache)


def _summary(times: list[float]) -> str:
    return f"{pct(times, 0.5):.2f} / {pct(times, 0.99):.2f} ms"


def _words_by_hits(conn: sqlite3.Connection) -> list[tuple[str, int]]:
    """The search words with their hit counts, most hits first (common, middling and rare ones)."""
    found = []
    for text in WORDS:
        expression = search.match_expression(parse(text).words)
        hits = conn.execute(
            "SELECT count(*) FROM complaints_fts WHERE complaints_fts MATCH ?", (expression,)
        ).fetchone()[0]
        found.append((text, int(hits)))
    return sorted(found, key=lambda pair: -pair[1])


def _cache_figures(cache: Path, repeat: int, label: str) -> list[Row]:
    rows: list[Row] = []
    ctx = QueryContext(now=NOW, user_id=USER, calendar=WorkingCalendar.load())
    rnd = random.Random(1)
    store = Store.open(cache)
    try:
        with store.read() as conn:
            total = int(conn.execute("SELECT count(*) FROM complaints").fetchone()[0])
            top = int(conn.execute("SELECT max(rid) FROM complaints").fetchone()[0])
            words = _words_by_hits(conn)
            new: list[float] = []
            more: list[float] = []
            for text, _hits in words:
                query = parse(text)

                def cold(q: Query = query) -> object:
                    search.forget_hits(conn)
                    return inbox.page(conn, q, ctx)

                new += timed(cold, max(3, repeat // 3))
                after = inbox.page(conn, query, ctx).next_cursor
                if after is not None:
                    more += timed(partial(inbox.page, conn, query, ctx, after=after), repeat)
            spread = ", ".join(f"{w} {h:,}" for w, h in words)
            rows.append(Row(f"{label}: search, new (p50 / p99)", _summary(new), f"hits: {spread}"))
            rows.append(Row(f"{label}: search, next page (p50 / p99)", _summary(more)))
            everything = parse("")
            page_note = f"keyset pages of {inbox.DEFAULT_LIMIT} below"
            rows.append(Row(f"{label}: cached complaints", f"{total:,}", page_note))
            for sort in Sort:
                first = timed(partial(inbox.first_page, conn, everything, ctx, sort=sort), repeat)
                cursors = iter([random_cursor(conn, sort, rnd, top) for _ in range(repeat + 1)])

                def deeper(s: Sort = sort, at: Iterator[Cursor] = cursors) -> object:
                    return inbox.page(conn, everything, ctx, sort=s, after=next(at))

                deep = timed(deeper, repeat)
                last = timed(partial(inbox.last_page, conn, everything, ctx, sort=sort), repeat)
                rows.append(
                    Row(
                        f"{label}: keyset page by {sort.value} (p50 / p99)",
                        _summary(first),
                        f"first page; deep {_summary(deep)} (after a random row); last {_summary(last)}",
                    )
                )
    finally:
        store.close()
    return rows


def _size_label(n: int) -> str:
    return f"{n // 1_000_000}M" if n % 1_000_000 == 0 else f"{n // 1000}k"


def run_size(work: Path, n: int, repeat: int) -> list[Row]:
    label = _size_label(n)
    data_dir = work / f"city-{label}"
    _say(f"seeding {n:,} complaints into {data_dir}")
    seeded = _seed(data_dir, n)
    rows = [Row(f"{label}: seed", f"{seeded:.0f} s", f"{n / seeded:,.0f} complaints/s")]
    token = _token(data_dir)
    with served_city(data_dir, work / f"server-{label}.log") as base:
        _say("raw change feed ...")
        raw = _raw_feed(base, token)
        rows.append(
            Row(
                f"{label}: raw feed (httpx, pages of {FEED_PAGE})",
                f"{raw.rate:,.0f} changes/s",
                f"{raw.changes:,} changes ({raw.complaints:,} complaints) in {raw.seconds:.1f} s",
            )
        )
        _say("first sync of sambat-tui ...")
        synced = _first_sync(base, token, work / f"client-{label}")
        rate = raw.changes / synced.seconds
        rows.append(
            Row(
                f"{label}: sambat-tui first sync",
                f"{rate:,.0f} changes/s",
                f"{synced.seconds:.1f} s wall, {synced.cpu_seconds:.1f} s CPU (client); "
                f"{rate / raw.rate:.2f} x the raw feed",
            )
        )
        size = sum(p.stat().st_size for p in synced.cache.parent.glob(synced.cache.name + "*"))
        rows.append(
            Row(
                f"{label}: sambat-tui sync peak RSS",
                f"{synced.peak_rss_mib:,.0f} MiB",
                f"cache {size / 2**20:,.0f} MiB",
            )
        )
    _say("cache reads ...")
    rows += _cache_figures(synced.cache, repeat, label)
    return rows


def _print(rows: list[Row]) -> None:
    cores = os.cpu_count() or 1
    print(f"\nsambat-tui first sync at city size ({cores} cores, loopback, load {os.getloadavg()[0]:.1f})\n")
    width = max(len(r.what) for r in rows)
    figure = max(len(r.figure) for r in rows)
    for r in rows:
        print(f"  {r.what:<{width}}  {r.figure:>{figure}}  {r.note}")


def _sizes(text: str) -> list[int]:
    try:
        sizes = [int(part.replace("_", "")) for part in text.split(",") if part.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r}: comma-separated whole numbers") from None
    if not sizes or min(sizes) < 1:
        raise argparse.ArgumentTypeError(f"{text!r}: at least one size, each at least 1")
    return sizes


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.sync_bench", description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a 10,000-complaint city only")
    parser.add_argument(
        "--sizes", type=_sizes, default=None, help="cities to measure, e.g. 100000 (default: 100000,1000000)"
    )
    parser.add_argument("--repeat", type=int, default=30, help="timed runs per cache measurement")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory")
    args = parser.parse_args(argv)
    sizes = args.sizes or ([10_000] if args.quick else [100_000, 1_000_000])
    work = Path(tempfile.mkdtemp(prefix="sambat-sync-bench-"))
    rows: list[Row] = []
    began = time.perf_counter()
    try:
        for n in sizes:
            rows += run_size(work, n, args.repeat)
            _print(rows)
    finally:
        if args.keep:
            _say(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    _say(f"done in {time.perf_counter() - began:.0f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
