"""The central server at city size: ``python -m bench.central_bench [--quick] [--no-million]``.

Seeds a city (100,000 complaints; 10,000 with ``--quick``) in a temporary directory, starts a real
``sambat-central serve`` on 127.0.0.1 (a free port) and measures, over loopback:

- the change feed for one client: a full sync from an empty cursor with the coordinator's token and one
  long-lived ``httpx.Client`` (pages of 1000), in complaints and in changes per second;
- posting an update: ``PUT /v1/complaints/{id}/updates/{uuid}`` (an internal note) from 20 threads at once,
  each with its own long-lived client and an operator's token, a bounded number of requests each: p50, p99;
- the seed itself: the city above, and 1,000,000 complaints (``--no-million`` skips it; ``--quick`` seeds
  100,000 instead), with the server stopped.

Prints a table; exits non-zero if a request failed.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import httpx

from sambat_tui.central.auth import new_token, token_hash
from sambat_tui.central.seed import SeedReport, seed
from sambat_tui.central.storage import DB_FILENAME, Storage

NOW = datetime(2026, 11, 27, 3, 0, tzinfo=UTC)
FEED_PAGE = 1000
WRITERS = 20
READY_TIMEOUT = 120.0


@dataclass(frozen=True)
class Row:
    what: str
    figure: str
    note: str = ""


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _progress(label: str) -> Callable[[int, int], None]:
    began = time.perf_counter()
    last = [0.0]

    def report(done: int, total: int) -> None:
        now = time.perf_counter()
        if now - last[0] >= 5 or done >= total:
            last[0] = now
            rate = done / (now - began)
            print(f"  {label}: {done:,}/{total:,} ({rate:,.0f}/s)", file=sys.stderr, flush=True)

    return report


def _cpu_seconds() -> float:
    """CPU time of this process and of its reaped children (the seeder's worker processes)."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def _seed(data_dir: Path, complaints: int) -> tuple[SeedReport, float]:
    """The seed's report and the CPU seconds it took in all its processes (machines are shared)."""
    storage = Storage.open(data_dir)
    before = _cpu_seconds()
    try:
        report = seed(storage, complaints=complaints, seed=1, now=NOW, progress=_progress("seed"))
    finally:
        storage.close()
    return report, _cpu_seconds() - before


def _tokens(data_dir: Path, users: list[str]) -> list[str]:
    storage = Storage.open(data_dir)
    try:
        tokens = [new_token() for _ in users]
        with storage.write(datetime.now(UTC)) as tx:
            for user, token in zip(users, tokens, strict=True):
                tx.add_token(token_hash(token), user)
        return tokens
    finally:
        storage.close()


@contextmanager
def served_city(data_dir: Path, log: Path) -> Iterator[str]:
    port = free_port()
    command = [sys.executable, "-m", "sambat_tui.central.cli", "serve", "--data-dir", str(data_dir)]
    command += [
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--job-interval",
        "3600",
        "--log-level",
        "warning",
        # The server's own speed: one client walking a 100k city's feed asks for hundreds of pages within
        # seconds, which the default limit (600 a minute per token) would pace.
        "--rate-limit",
        "0",
    ]
    with log.open("wb") as sink:
        process = subprocess.Popen(command, stdout=sink, stderr=subprocess.STDOUT)
        base = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + READY_TIMEOUT
            while True:
                if process.poll() is not None:
                    raise RuntimeError(f"the server exited: {log.read_text(errors='replace')}")
                try:
                    if httpx.get(f"{base}/v1/me", timeout=2).status_code == 401:
                        break
                except httpx.TransportError:
                    pass
                if time.monotonic() > deadline:
                    raise RuntimeError(f"the server did not come up: {log.read_text(errors='replace')}")
                time.sleep(0.2)
            yield base
        finally:
            if process.poll() is None:
                process.send_signal(signal.SIGINT)
                try:
                    process.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()


def full_feed(base: str, token: str, page_size: int = FEED_PAGE) -> tuple[int, int, float]:
    """Complaints and changes of a bootstrap from an empty cursor, and the seconds it took (the data is
    dropped: the feed's own rate, as fast as one client can ask)."""
    complaints = changes = 0
    cursor = ""
    headers = {"Authorization": f"Bearer {token}"}
    with httpx.Client(base_url=base, headers=headers, timeout=60) as client:
        began = time.perf_counter()
        while True:
            answer = client.get("/v1/changes", params={"cursor": cursor, "limit": page_size})
            answer.raise_for_status()
            page = answer.json()
            changes += len(page["changes"])
            complaints += sum(1 for change in page["changes"] if change["entity"] == "complaint")
            cursor = page["next_cursor"]
            if not page["has_more"]:
                break
        return complaints, changes, time.perf_counter() - began


def _writer_targets(data_dir: Path, per_writer: int) -> list[tuple[str, list[str]]]:
    """(operator, complaint ids in their desks) for each writer, operators taken in turn."""
    db = sqlite3.connect(data_dir / DB_FILENAME)
    try:
        operators = [
            (user_id, desks)
            for user_id, desks in db.execute("SELECT id, desk_ids FROM users WHERE roles LIKE '%operator%'")
        ]
        targets = []
        for n in range(WRITERS):
            user_id, desks_json = operators[n % len(operators)]
            desks = [d.strip('"') for d in desks_json.strip("[]").split(",") if d]
            marks = ", ".join("?" for _ in desks)
            ids = [
                row[0]
                for row in db.execute(
                    f"SELECT id FROM complaints WHERE desk_id IN ({marks}) ORDER BY id LIMIT ?",
                    (*desks, per_writer),
                )
            ]
            if ids:
                targets.append((user_id, ids))
        return targets
    finally:
        db.close()


def _post_updates(
    base: str, writers: list[tuple[str, list[str]]], tokens: list[str], per_writer: int
) -> list[float]:
    latencies: list[float] = []
    failures: list[str] = []
    lock = threading.Lock()
    start = threading.Barrier(len(writers))

    def work(token: str, ids: list[str]) -> None:
        mine: list[float] = []
        headers = {"Authorization": f"Bearer {token}"}
        with httpx.Client(base_url=base, headers=headers, timeout=60) as client:
            start.wait()
            for n in range(per_writer):
                complaint_id = ids[n % len(ids)]
                body = {
                    "kind": "internal_note",
                    "body": f"Catatan tindak lanjut nomor {n}: sudah dicek ke lokasi.",
                    "authored_at": datetime.now(UTC).isoformat(),
                }
                began = time.perf_counter()
                answer = client.put(f"/v1/complaints/{complaint_id}/updates/{uuid.uuid4()}", json=body)
                mine.append(time.perf_counter() - began)
                if answer.status_code != 201:
                    with lock:
                        failures.append(f"{answer.status_code} {answer.text[:200]}")
        with lock:
            latencies.extend(mine)

    threads = [
        threading.Thread(target=work, args=(token, ids))
        for (_, ids), token in zip(writers, tokens, strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if failures:
        raise RuntimeError(f"{len(failures)} update(s) failed, e.g. {failures[0]}")
    return latencies


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def _database_size(data_dir: Path) -> str:
    size = sum(p.stat().st_size for p in data_dir.iterdir() if p.name.startswith(DB_FILENAME))
    return f"{size / 1e9:.2f} GB" if size >= 1e9 else f"{size / 1e6:.0f} MB"


def run(city: int, seed_size: int | None, per_writer: int, keep: bool) -> list[Row]:
    rows: list[Row] = []
    work = Path(tempfile.mkdtemp(prefix="central-bench-"))
    try:
        data_dir = work / "city"
        print(f"seeding a city of {city:,} complaints in {data_dir}", file=sys.stderr, flush=True)
        report, cpu = _seed(data_dir, city)
        rows.append(
            Row(
                f"seed {city:,} complaints",
                f"{report.seconds:.1f} s",
                f"{city / report.seconds:,.0f}/s, {cpu:.0f} CPU s, {report.updates:,} updates,"
                f" {_database_size(data_dir)}",
            )
        )
        writers = _writer_targets(data_dir, per_writer)
        tokens = _tokens(data_dir, ["coordinator"] + [user for user, _ in writers])
        with served_city(data_dir, work / "server.log") as base:
            complaints, changes, seconds = full_feed(base, tokens[0])
            rows.append(
                Row(
                    "change feed, full sync, 1 client",
                    f"{complaints / seconds:,.0f} complaints/s",
                    f"{changes / seconds:,.0f} changes/s; {complaints:,} complaints, {changes:,} changes"
                    f" in {seconds:.1f} s",
                )
            )
            latencies = _post_updates(base, writers, tokens[1:], per_writer)
            total = len(latencies)
            rows.append(
                Row(
                    f"PUT update, {len(writers)} clients, p50",
                    f"{statistics.median(latencies) * 1000:.1f} ms",
                    f"{total:,} requests",
                )
            )
            rows.append(
                Row(
                    f"PUT update, {len(writers)} clients, p99",
                    f"{_percentile(latencies, 0.99) * 1000:.1f} ms",
                )
            )
        if seed_size is not None:
            big = work / "big"
            print(f"seeding {seed_size:,} complaints in {big}", file=sys.stderr, flush=True)
            report, cpu = _seed(big, seed_size)
            rows.append(
                Row(
                    f"seed {seed_size:,} complaints",
                    f"{report.seconds:.1f} s",
                    f"{seed_size / report.seconds:,.0f}/s, {cpu:.0f} CPU s, {report.updates:,} updates,"
                    f" {report.dispositions:,} dispositions, {_database_size(big)}",
                )
            )
    finally:
        if keep:
            print(f"kept {work}", file=sys.stderr)
        else:
            shutil.rmtree(work, ignore_errors=True)
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.central_bench", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--quick", action="store_true", help="a 10,000-complaint city; seed 100,000, not 1M")
    parser.add_argument(
        "--million",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="also time seeding 1,000,000 complaints (default: on)",
    )
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory")
    args = parser.parse_args(argv)
    city = 10_000 if args.quick else 100_000
    seed_size = (100_000 if args.quick else 1_000_000) if args.million else None
    per_writer = 25 if args.quick else 100
    rows = run(city, seed_size, per_writer, args.keep)
    cores = os.cpu_count() or 1
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"\nsambat-central at city size ({cores} cores, loopback; load average at the end {load})\n")
    width = max(len(r.what) for r in rows)
    figure = max(len(r.figure) for r in rows)
    for r in rows:
        print(f"  {r.what:<{width}}  {r.figure:>{figure}}  {r.note}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
