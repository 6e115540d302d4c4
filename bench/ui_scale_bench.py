"""The real app at a million cached complaints: cold start, keystroke to frame and memory, as ratios.

    python -m bench.ui_scale_bench [--quick] [--cache-dir DIR] [--keep] [--n N]

Issue 4's figures, all measured in one run on one machine, each against a baseline spawned the same way
(same python, same {cols}x{rows} pseudo-terminal, TERM=xterm-256color, COLUMNS/LINES pinned):

1. Cold start: process spawn to the first frame showing inbox rows (the first row's public reference has
   arrived), ``python -m sambat_tui.cli`` on a real profile and SQLite cache of N complaints, against a
   minimal Textual app showing one empty ``DataTable``. Runs alternate between the two; median and spread.
   Also: whether httpx or ``sambat_tui.sync`` were loaded by then (the app logs it), the bytes written
   until the screen went quiet, and, where valgrind is installed, the instructions each app runs to its
   first frame (a count does not move with the machine's load, as the times do).
2. Keystroke to frame at N: ``j``, ``pagedown``, ``G`` (after ``g``) and a search (``/``, words, enter, timed
   from the enter, which is sent once the screen has been quiet for {quiet_ms} ms after the words: the app
   reads the page while the field rests, ui/search_ahead.py). Also the search with the words and enter in
   one write, where nothing is read ahead (timed from that write, so it includes typing the words into the
   field). Two times per key press: the first byte of the answer, and the end of the burst (the last byte
   before the terminal stays quiet for {quiet_ms} ms; the quiet wait itself is not counted). The end of
   the burst is the figure the targets are read against: the frame is complete only then. A ``DataTable``
   holding 100k rows of the same cache gives the baseline for ``pagedown`` and for the first frame.
3. Resident memory (VmRSS, and the peak VmHWM, from /proc) after the first frame and after the keys: ours
   at 100k and at N, the minimal app.
4. Textual's floor for the moves (``bench._ui_children floor``): the same screen changes made by one line-API
   widget with no data, so that what the real app takes beyond it is ours and the rest is Textual's.

The cache is built once per size through ``complaints.upsert_many`` in bulk (``bench.store_bench``'s
synthetic city; full text rebuilt once) under ``--cache-dir`` and reused on later runs; without
``--cache-dir`` it goes to a temp dir removed at the end unless ``--keep``. Building 1M takes minutes.
Figures on a shared machine move with its load: the load average is printed beside each section.
"""

from __future__ import annotations

import argparse
import contextlib
import fcntl
import itertools
import json
import os
import pty
import re
import select
import shutil
import signal
import statistics
import struct
import sys
import tempfile
import termios
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

COLS, ROWS = 120, 36
QUIET = 0.06  # seconds of silence that end a burst of output
SEED = 1
USER = "operator.dpuprpkp"
ROOT = Path(__file__).resolve().parent.parent
WATCHED = ("httpx", "sambat_tui.sync", "pydantic")
KEYS = {"j": b"j", "pagedown": b"\x1b[6~", "G": b"G", "g": b"g", "down": b"\x1b[B"}
# Searches over the whole cache ("semua" tab), each word a prefix as the query language has it. Matches at
# 1M in the synthetic city: kecoa 5 %, sungai 5 %, halte rusak 6 %, brantas tiang 0.3 %, angklung 0.005 %,
# lampu mati 59 % (two of its commonest words); plus a public reference (one match).
SEARCH_WORDS = ("kecoa", "brantas tiang", "lampu mati", "sungai", "halte rusak", "angklung")

__doc__ = __doc__.format(cols=COLS, rows=ROWS, quiet_ms=int(QUIET * 1000))


def log(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def load_average() -> str:
    one, five, _ = os.getloadavg()
    return f"load {one:.2f}/{five:.2f} on {os.cpu_count()} CPUs"


# ------------------------------------------------------------------------------------------- the caches


@dataclass(frozen=True)
class Cache:
    n: int
    home: Path
    """SAMBAT_TUI_HOME of a signed-in profile (no token: the app never syncs) whose cache holds n rows."""
    db: Path
    first_ref: str
    """The public reference of the first row of the inbox's first tab: its arrival is the first frame."""
    semua_first_ref: str
    """The first row of the "semua" tab (every complaint, by deadline): the DataTable's first row."""
    semua_last_ref: str


def shown(ref: str) -> bytes:
    """What any frame showing ``ref``'s row writes of it: the inbox's 15-cell column cuts the synthetic
    city's 16-character references (7-digit numbers) to 14 characters and an ellipsis."""
    return ref[:14].encode()


def _build(directory: Path, n: int) -> None:
    from bench.store_bench import FEED_PAGE, synthetic
    from sambat_tui.services.profiles import profile_paths, save_profile
    from sambat_tui.store import complaints, search, sync_state
    from sambat_tui.store.db import Store
    from tests.support.cache import me_of, unused_loopback_port

    shutil.rmtree(directory, ignore_errors=True)
    home = directory / "home"
    os.environ["SAMBAT_TUI_HOME"] = str(home)
    try:
        profile = save_profile(
            profile_paths("default"),
            server_url=f"http://127.0.0.1:{unused_loopback_port()}",
            user_id=USER,
        )
    finally:
        del os.environ["SAMBAT_TUI_HOME"]
    profile.config_file.write_text("sync_interval_seconds = 0\n", encoding="utf-8")
    started = time.monotonic()
    with Store.open(profile.cache_path) as store:
        items = synthetic(n, SEED)
        done = 0
        while batch := list(itertools.islice(items, FEED_PAGE)):
            with store.transaction() as conn:
                complaints.upsert_many(conn, batch, index=False)
            done += len(batch)
            if done % 50_000 < FEED_PAGE or done == n:
                rate = done / (time.monotonic() - started)
                log(f"  cache {n:,}: {done:,} rows written ({rate:,.0f}/s, {load_average()})")
        log(f"  cache {n:,}: rebuilding the full-text index")
        with store.transaction() as conn:
            search.rebuild(conn)
            sync_state.set_user_id(conn, USER)
            sync_state.set_server_url(conn, profile.server_url)
            sync_state.put(conn, sync_state.SyncKey.ME, me_of(USER).model_dump_json(by_alias=True))
        store.checkpoint()
    log(f"  cache {n:,}: built in {time.monotonic() - started:.0f} s")


def prepare(directory: Path, n: int) -> Cache:
    """The cache of n complaints under ``directory``, built unless a complete one is there already."""
    from sambat_tui.services.inbox import BUILTIN_TABS, InboxService, Sort
    from sambat_tui.services.profiles import profile_paths
    from sambat_tui.services.session import Session

    directory = directory / f"n{n}"
    marker = directory / "READY"
    wanted = {"n": n, "seed": SEED, "user": USER}
    if not marker.is_file() or json.loads(marker.read_text(encoding="utf-8")) != wanted:
        log(f"building a cache of {n:,} complaints in {directory} ({load_average()})")
        _build(directory, n)
        marker.write_text(json.dumps(wanted), encoding="utf-8")
    home = directory / "home"
    os.environ["SAMBAT_TUI_HOME"] = str(home)
    try:
        profile = profile_paths("default")
        # Opening it once applies any new migration now, not inside a timed start; and finds the first rows.
        with Session.open(profile) as session:
            inbox: InboxService = session.inbox
            first = inbox.first(BUILTIN_TABS[0].id, "", Sort.DUE, False, 1).rows
            every = inbox.first("semua", "", Sort.DUE, False, 1).rows
            last = inbox.last("semua", "", Sort.DUE, False, 1).rows
    finally:
        del os.environ["SAMBAT_TUI_HOME"]
    if not first or not every or not last:
        raise SystemExit(f"the cache in {directory} has no row in the first tab; remove it and run again")
    return Cache(n, home, profile.cache_path, first[0].public_ref, every[0].public_ref, last[0].public_ref)


# ----------------------------------------------------------------------------------- the pseudo-terminal


@dataclass
class Child:
    """A process on the slave side of a pty; every byte it writes is kept with its arrival time."""

    pid: int
    fd: int
    spawned: float
    data: bytearray = field(default_factory=bytearray)
    marks: list[tuple[float, int]] = field(default_factory=list)
    """(arrival time, length of ``data`` after that read)"""

    @classmethod
    def spawn(cls, argv: list[str], env: dict[str, str], runner: list[str] | None = None) -> Child:
        """``python ARGV`` in a new pty; ``runner`` goes before python (e.g. valgrind and its options)."""
        full = {**os.environ, **env, "TERM": "xterm-256color", "COLUMNS": str(COLS), "LINES": str(ROWS)}
        full.pop("TEXTUAL", None)
        # An installed app runs from byte-code (pip compiles it); without it every start compiles ~400
        # modules again. The first (unmeasured) start of each app writes it.
        full.pop("PYTHONDONTWRITEBYTECODE", None)
        full["PYTHONPATH"] = str(ROOT)
        spawned = time.monotonic()
        pid, fd = pty.fork()
        if pid == 0:
            try:
                fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", ROWS, COLS, 0, 0))
                os.chdir(ROOT)
                command = [*(runner or []), sys.executable, *argv]
                os.execve(command[0], command, full)
            finally:
                os._exit(127)
        return cls(pid, fd, spawned)

    def _read(self, timeout: float) -> bool:
        ready, _, _ = select.select([self.fd], [], [], max(0.0, timeout))
        if not ready:
            return False
        try:
            chunk = os.read(self.fd, 1 << 16)
        except OSError:
            chunk = b""
        if not chunk:
            raise ChildGone(self.tail())
        self.data += chunk
        self.marks.append((time.monotonic(), len(self.data)))
        return True

    def wait_for(self, needle: bytes, since: int, limit: float) -> float:
        """When ``needle`` had arrived in the output after offset ``since``."""
        deadline = time.monotonic() + limit
        while needle not in self.data[max(0, since - len(needle)) :]:
            if time.monotonic() > deadline:
                raise TimeoutError(f"{needle!r} did not arrive in {limit} s; last output: {self.tail()}")
            self._read(deadline - time.monotonic())
        found = self.data.index(needle, max(0, since - len(needle))) + len(needle)
        return next(at for at, end in self.marks if end >= found)

    def settle(self, quiet: float = QUIET, limit: float = 30.0) -> float:
        """Read until ``quiet`` s pass without output; return when the last byte came (or now if none)."""
        deadline = time.monotonic() + limit
        last = self.marks[-1][0] if self.marks else time.monotonic()
        while time.monotonic() < deadline:
            if not self._read(quiet):
                break
            last = self.marks[-1][0]
        return last

    def press(self, key: bytes, quiet: float = QUIET, limit: float = 30.0) -> tuple[float, float, int]:
        """Write ``key``; (first byte s, end of burst s, bytes) of the answer. Raises if nothing answers."""
        self.settle(quiet)
        before = len(self.data)
        sent = time.monotonic()
        os.write(self.fd, key)
        deadline = sent + limit
        while len(self.data) == before:
            if time.monotonic() > deadline:
                raise TimeoutError(f"no answer to {key!r} in {limit} s")
            self._read(deadline - time.monotonic())
        first = next(at for at, end in self.marks if end > before)
        end = self.settle(quiet)
        return first - sent, end - sent, len(self.data) - before

    def send(self, keys: bytes, quiet: float = QUIET) -> None:
        """Write ``keys`` and read until the terminal is quiet; untimed (they may draw nothing at all)."""
        self.settle(quiet)
        os.write(self.fd, keys)
        self.settle(quiet)

    def memory(self) -> tuple[float, float]:
        """(VmRSS, VmHWM) in MiB."""
        values: dict[str, float] = {}
        for line in Path(f"/proc/{self.pid}/status").read_text(encoding="utf-8").splitlines():
            key, _, rest = line.partition(":")
            if key in ("VmRSS", "VmHWM"):
                values[key] = int(rest.split()[0]) / 1024
        return values["VmRSS"], values["VmHWM"]

    def tail(self) -> str:
        text = re.sub(rb"\x1b\[[0-9;?]*[a-zA-Z]", b"", bytes(self.data[-600:]))
        return text.decode("utf-8", errors="replace")

    def close(self) -> None:
        with contextlib.suppress(OSError):
            os.write(self.fd, b"q")
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            done, _ = os.waitpid(self.pid, os.WNOHANG)
            if done:
                break
            with contextlib.suppress(ChildGone, OSError):
                self._read(0.05)
        else:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.pid, signal.SIGKILL)
            os.waitpid(self.pid, 0)
        os.close(self.fd)


class ChildGone(RuntimeError):
    """The app exited (or crashed) while the bench waited for it."""


@contextlib.contextmanager
def running(argv: list[str], env: dict[str, str]) -> Iterator[Child]:
    child = Child.spawn(argv, env)
    try:
        yield child
    finally:
        child.close()


def ours(cache: Cache) -> tuple[list[str], dict[str, str]]:
    return ["-m", "sambat_tui.cli"], {"SAMBAT_TUI_HOME": str(cache.home), "SAMBAT_TUI_KEYRING": "file"}


MINIMAL: tuple[list[str], dict[str, str]] = (["-m", "bench._ui_children", "minimal"], {})
FLOOR: tuple[list[str], dict[str, str]] = (["-m", "bench._ui_children", "floor"], {})


# ------------------------------------------------------------------------------------------- measuring


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def spread(values: list[float]) -> str:
    return f"{statistics.median(values):6.3f} s  [{min(values):.3f}-{max(values):.3f}]"


@dataclass
class Start:
    seconds: float
    bytes_until_quiet: int
    rss: float
    hwm: float


def cold_start(argv: list[str], env: dict[str, str], marker: bytes) -> Start:
    with running(argv, env) as child:
        arrived = child.wait_for(marker, 0, limit=600)
        child.settle(0.5)
        rss, hwm = child.memory()
        return Start(arrived - child.spawned, len(child.data), rss, hwm)


def loaded_before_frame(cache: Cache, directory: Path) -> tuple[dict[str, float | None], float]:
    """For each watched module: seconds before (-) or after (+) the first inbox frame it began loading; and
    the resident memory (MiB) once that start's first sync has run: what a user's app holds, the sync's
    modules (httpx, pydantic and the wire contract) included.

    This one start runs with the sync on (as a user has it; the timed starts run without, so that they
    measure the same work every time): its first run, right after the first frame, loads the engine and
    httpx, and fails at once (no token; the server address is a closed local port).
    """
    notes = directory / "imports.log"
    config = cache.home / "config" / "default" / "config.toml"
    _, env = ours(cache)
    traced = ["-m", "bench._ui_children", "traced", str(notes)]
    config.write_text("sync_interval_seconds = 60\n", encoding="utf-8")
    try:
        with running(traced, env) as child:
            frame = child.wait_for(shown(cache.first_ref), 0, limit=600)
            child.settle(1.0)
            rss, _ = child.memory()
    finally:
        config.write_text("sync_interval_seconds = 0\n", encoding="utf-8")
    seen = dict(line.split() for line in notes.read_text(encoding="utf-8").splitlines())
    return {name: (float(seen[name]) - frame if name in seen else None) for name in WATCHED}, rss


def instructions_to_first_frame(cache: Cache) -> tuple[int, int] | None:
    """Instructions (valgrind's callgrind) each app runs from exec to its first frame: (ours, minimal), or
    None without valgrind. One run each: the count moves by well under 1 % between runs, where the times
    of the cold starts above spread by half their median on a busy machine."""
    valgrind = shutil.which("valgrind")
    if valgrind is None:
        return None
    counts = []
    with tempfile.TemporaryDirectory(prefix="sambat-callgrind-") as out:
        for app, env in (("ours", ours(cache)[1]), ("minimal", {})):
            path = Path(out) / f"{app}.callgrind"
            runner = [valgrind, "--tool=callgrind", f"--callgrind-out-file={path}"]
            child = Child.spawn(["-m", "bench._ui_children", "first-frame", app], env, runner)
            try:
                with contextlib.suppress(ChildGone):
                    child.settle(quiet=120.0, limit=900.0)  # it ends itself after its first frame
            finally:
                child.close()
            totals = re.search(r"^totals:\s+(\d+)", path.read_text(encoding="utf-8"), re.M)
            if totals is None:
                raise RuntimeError(f"no instruction count from {app}: {child.tail()}")
            counts.append(int(totals.group(1)))
    return counts[0], counts[1]


def measure_starts(cache: Cache, runs: int) -> tuple[list[Start], list[Start]]:
    mine: list[Start] = []
    base: list[Start] = []
    # One unmeasured start each: byte-code compiled, files in the page cache.
    cold_start(*ours(cache), shown(cache.first_ref))
    cold_start(*MINIMAL, b"MINIMAL-READY")
    for run in range(runs):
        started = cold_start(*ours(cache), shown(cache.first_ref))
        mine.append(started)
        base.append(cold_start(*MINIMAL, b"MINIMAL-READY"))
        log(f"  start {run + 1}/{runs}: ours {mine[-1].seconds:.3f} s, minimal {base[-1].seconds:.3f} s")
    return mine, base


@dataclass
class Keys:
    times: dict[str, tuple[list[float], list[float], list[int]]] = field(default_factory=dict)
    rss_after: tuple[float, float] = (0.0, 0.0)

    def add(self, name: str, answer: tuple[float, float, int]) -> None:
        first, end, size = self.times.setdefault(name, ([], [], []))
        first.append(answer[0] * 1000)
        end.append(answer[1] * 1000)
        size.append(answer[2])


def press_moves(child: Child, result: Keys, reps: int) -> None:
    """``j``, ``pagedown``, then ``g``/``G`` alternately, ``reps`` presses each, every frame timed."""
    for _ in range(reps):
        result.add("j", child.press(KEYS["j"]))
    for _ in range(reps):
        result.add("pagedown", child.press(KEYS["pagedown"]))
    for _ in range(reps):
        result.add("g", child.press(KEYS["g"]))
        result.add("G", child.press(KEYS["G"]))


def measure_keys(cache: Cache, reps: int) -> Keys:
    result = Keys()
    with running(*ours(cache)) as child:
        child.wait_for(shown(cache.first_ref), 0, limit=600)
        child.settle(1.0)
        child.press(b"5")  # the "semua" tab: every cached complaint
        press_moves(child, result, reps)
        searches = (*SEARCH_WORDS, cache.semua_last_ref)
        for words in itertools.islice(itertools.cycle(searches), reps):
            child.send(b"/")
            child.send(b"\x15")  # ctrl+u: the field keeps the last search
            child.send(words.encode())
            answer = child.press(b"\r")
            result.add("search", answer)
            result.add(f"search {words}", answer)
        # The words and enter in one write, as a paste or a packet typed ahead over SSH: the field never
        # rests, so no page is read ahead (ui/search_ahead.py) and enter reads it itself.
        for words in itertools.islice(itertools.cycle(searches), max(len(searches), reps // 2)):
            child.send(b"/")
            child.send(b"\x15")
            result.add("search, one burst", child.press(words.encode() + b"\r"))
        child.settle(0.5)
        result.rss_after = child.memory()
    return result


def measure_floor(reps: int) -> Keys:
    """Textual's own time for the same screen changes (``bench._ui_children floor``): the floor under ours."""
    result = Keys()
    with running(*FLOOR) as child:
        child.wait_for(b"FLOOR-READY", 0, limit=120)
        child.settle(1.0)
        press_moves(child, result, reps)
    return result


def measure_table(cache: Cache, rows: int, runs: int, reps: int) -> tuple[list[float], Keys, float]:
    starts: list[float] = []
    keys = Keys()
    rss = 0.0
    argv = ["-m", "bench._ui_children", "datatable", str(cache.db), str(rows)]
    with running(argv, {}) as child:
        starts.append(child.wait_for(shown(cache.semua_first_ref), 0, limit=1800) - child.spawned)
        child.settle(1.0)
        rss = child.memory()[0]
        for _ in range(reps):
            keys.add("pagedown", child.press(KEYS["pagedown"]))
            keys.add("down", child.press(KEYS["down"]))
    for _ in range(runs - 1):
        with running(argv, {}) as child:
            starts.append(child.wait_for(shown(cache.semua_first_ref), 0, limit=1800) - child.spawned)
    return starts, keys, rss


# --------------------------------------------------------------------------------------------- the report


def verdict(ok: bool) -> str:
    return "met" if ok else "MISSED"


def key_line(name: str, keys: Keys) -> str:
    first, end, size = keys.times[name]
    return (
        f"  {name:<10} end p50 {pct(end, 0.5):7.1f}  p99 {pct(end, 0.99):7.1f}"
        f"   first byte p50 {pct(first, 0.5):7.1f}  p99 {pct(first, 0.99):7.1f}"
        f"   {statistics.mean(size):8,.0f} B  (n={len(end)})"
    )


@dataclass(frozen=True)
class Sizes:
    n: int
    small: int
    table_rows: int
    runs: int
    table_runs: int
    reps: int


def run(directory: Path, sizes: Sizes, command: str) -> int:
    import sqlite3

    import textual

    log(f"preparing caches in {directory}")
    big = prepare(directory, sizes.n)
    small = prepare(directory, sizes.small)
    print(
        f"ui_scale_bench: {COLS}x{ROWS} pty, python {sys.version.split()[0]}, Textual {textual.__version__},"
        f" SQLite {sqlite3.sqlite_version}\ncommand: {command}\nat start: {load_average()}"
    )

    log(f"cold starts at {big.n:,} ({load_average()})")
    mine, base = measure_starts(big, sizes.runs)
    starts_load = load_average()
    log(f"cold starts at {small.n:,}")
    mine_small, _ = measure_starts(small, max(2, sizes.runs // 2))
    imports, synced_rss = loaded_before_frame(big, directory)
    log(f"instructions to the first frame ({load_average()})")
    instructions = instructions_to_first_frame(big)
    log(f"keys at {big.n:,} ({load_average()})")
    keys = measure_keys(big, sizes.reps)
    keys_load = load_average()
    log(f"keys at {small.n:,}")
    keys_small = measure_keys(small, max(10, sizes.reps // 4))
    log(f"DataTable with {sizes.table_rows:,} rows ({load_average()})")
    table_starts, table_keys, table_rss = measure_table(small, sizes.table_rows, sizes.table_runs, sizes.reps)
    table_load = load_average()
    log(f"Textual's floor ({load_average()})")
    floor = measure_floor(sizes.reps)
    floor_load = load_average()

    ours_start = statistics.median(s.seconds for s in mine)
    base_start = statistics.median(s.seconds for s in base)
    print(
        f"\n1. cold start to the first frame, median [min-max] of {sizes.runs} alternating runs"
        f" ({starts_load})"
    )
    print(f"  sambat-tui, {big.n:>9,} cached   {spread([s.seconds for s in mine])}")
    print(f"  sambat-tui, {small.n:>9,} cached   {spread([s.seconds for s in mine_small])}")
    print(f"  minimal app (empty DataTable)  {spread([s.seconds for s in base])}")
    ratio = ours_start / base_start
    print(f"  ratio at {big.n:,}: {ratio:.2f}x (target <= 1.2x: {verdict(ratio <= 1.2)})")
    if instructions is None:
        print("  instructions to the first frame: valgrind not found, not counted")
    else:
        mine_ir, base_ir = instructions
        print(
            f"  instructions to the first frame (valgrind): ours {mine_ir / 1e9:.3f} G, minimal"
            f" {base_ir / 1e9:.3f} G: {mine_ir / base_ir:.2f}x (the same start, counted; not timed)"
        )
    print(
        f"  bytes written until quiet: ours {statistics.median(s.bytes_until_quiet for s in mine):,.0f},"
        f" minimal {statistics.median(s.bytes_until_quiet for s in base):,.0f}"
    )
    when = ", ".join(
        f"{name} {'never' if at is None else f'{at * 1000:+.0f} ms'}" for name, at in imports.items()
    )
    late = all(at is not None and at > 0 for name, at in imports.items() if name != "pydantic")
    print(f"  first load against the first inbox frame (a start with the sync on): {when}  ({verdict(late)})")

    print(f"\n2. key press to frame, ms, 'semua' tab at {big.n:,} cached ({keys_load})")
    for name in ("j", "pagedown", "g", "G", "search"):
        print(key_line(name, keys))
    per_query = [
        f"{name.removeprefix('search ')} {pct(times[1], 0.5):.0f}/{pct(times[1], 0.99):.0f}"
        for name, times in keys.times.items()
        if name.startswith("search ") and name != "search, one burst"
    ]
    print(f"    search end p50/p99 ms by query: {', '.join(per_query)}")
    print(key_line("search, one burst", keys))
    print("    (words and enter in one write: nothing is read ahead; timed from the write, typing included)")
    moves = max(pct(keys.times[k][1], 0.99) for k in ("j", "pagedown", "G"))
    search = pct(keys.times["search"][1], 0.99)
    print(
        f"  moves p99 {moves:.1f} ms (target < 16: {verdict(moves < 16)});"
        f" search p99 {search:.1f} ms (target < 50: {verdict(search < 50)})"
    )
    print(f"  Textual's floor: the same screen changes by one line-API widget, no data ({floor_load}):")
    for name in ("j", "pagedown", "G"):
        print(key_line(name, floor))
    over = ", ".join(
        f"{name} +{pct(keys.times[name][1], 0.5) - pct(floor.times[name][1], 0.5):.1f}"
        f"/+{pct(keys.times[name][1], 0.99) - pct(floor.times[name][1], 0.99):.1f}"
        for name in ("j", "pagedown", "G")
    )
    floor_moves = max(pct(floor.times[k][1], 0.99) for k in ("j", "pagedown", "G"))
    print(f"    ours over the floor, p50/p99 ms: {over}; the floor's own moves p99 {floor_moves:.1f} ms")
    print(f"  at {small.n:,} cached, for comparison:")
    for name in ("j", "pagedown", "G", "search"):
        print(key_line(name, keys_small))
    print(f"  DataTable with {sizes.table_rows:,} rows ({table_load}):")
    for name in ("pagedown", "down"):
        print(key_line(name, table_keys))
    table_start = statistics.median(table_starts)
    print(f"    first frame {spread(table_starts)} ({len(table_starts)} runs)")
    page_ratio = pct(table_keys.times["pagedown"][1], 0.5) / pct(keys.times["pagedown"][1], 0.5)
    start_ratio = table_start / ours_start
    print(
        f"  DataTable {sizes.table_rows:,} / ours {big.n:,}: pagedown p50 {page_ratio:.1f}x,"
        f" first frame {start_ratio:.1f}x (target >= 50x: {verdict(page_ratio >= 50)},"
        f" {verdict(start_ratio >= 50)})"
    )

    base_rss = statistics.median(s.rss for s in base)
    base_hwm = statistics.median(s.hwm for s in base)
    print("\n3. resident memory, MiB (VmRSS / VmHWM)")
    print(f"  minimal app after its first frame       {base_rss:6.1f} / {base_hwm:6.1f}")
    for cache, runs, after in ((small, mine_small, keys_small), (big, mine, keys)):
        rss = statistics.median(s.rss for s in runs)
        hwm = statistics.median(s.hwm for s in runs)
        print(
            f"  sambat-tui {cache.n:>9,}: first frame {rss:6.1f} / {hwm:6.1f} ({rss / base_rss:.2f}x),"
            f" after the keys {after.rss_after[0]:6.1f} / {after.rss_after[1]:6.1f}"
            f" ({after.rss_after[0] / base_rss:.2f}x)"
        )
    print(
        f"  sambat-tui {big.n:,} with the sync on, once its first run has loaded httpx, pydantic and the"
        f" engine: {synced_rss:6.1f} ({synced_rss / base_rss:.2f}x)"
    )
    print(f"  DataTable {sizes.table_rows:,} rows after its first frame {table_rss:6.1f}")
    worst = max(keys.rss_after[0], statistics.median(s.rss for s in mine)) / base_rss
    print(f"  worst ratio at {big.n:,}: {worst:.2f}x (target <= 1.3x: {verdict(worst <= 1.3)})")
    print(f"at end: {load_average()}")
    return 0


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes and few runs: a smoke test")
    parser.add_argument("--n", type=int, help="cached complaints (default 1,000,000; --quick 20,000)")
    parser.add_argument("--cache-dir", type=Path, help="build the caches here and keep them for later runs")
    parser.add_argument("--keep", action="store_true", help="keep the temp dir of the caches")
    parser.add_argument("--runs", type=int, help="cold starts of each app (default 7; --quick 3)")
    parser.add_argument("--reps", type=int, help="presses of each key (default 200; --quick 30)")
    args = parser.parse_args(argv)
    if args.quick:
        sizes = Sizes(args.n or 20_000, 5_000, 5_000, args.runs or 3, 1, args.reps or 30)
    else:
        sizes = Sizes(args.n or 1_000_000, 100_000, 100_000, args.runs or 7, 2, args.reps or 200)
    directory = args.cache_dir or Path(tempfile.mkdtemp(prefix="sambat-ui-scale-"))
    directory.mkdir(parents=True, exist_ok=True)
    command = "python -m bench.ui_scale_bench " + " ".join(argv)
    try:
        return run(directory, sizes, command)
    finally:
        if args.cache_dir is None and not args.keep:
            shutil.rmtree(directory, ignore_errors=True)
        elif args.cache_dir is None:
            log(f"caches kept in {directory}")


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
