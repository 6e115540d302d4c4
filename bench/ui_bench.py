"""The inbox over a slow link: bytes written to the terminal, ours against a Textual ``DataTable``.

    python -m bench.ui_bench [--quick]

Each app runs in a real pseudo-terminal (120x36, xterm-256color), as over SSH; the bench counts the bytes
the app writes for its first frame, for a cursor move and for a page flip, and the time from process start
to the first frame. The baseline is a ``DataTable`` holding the same rows (ARCHITECTURE.md measured ~38 KB,
~1 KB and ~11 KB for it; the aim is half). Both use the in-memory session of the UI tests, so the figures
are about drawing, not about the store.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import pty
import select
import struct
import sys
import termios
import time
from dataclasses import dataclass

COLS, ROWS = 120, 36
QUIET = 0.6  # seconds without output that end a measurement
SLOW_LINK_BITS = 64_000  # 64 kbit/s, the weak field-office link of the design notes


def _child(kind: str, records: int) -> None:
    from sambat_tui.ui.app import SambatApp
    from sambat_tui.ui.ports import AppOptions
    from tests.ui.fakes import NOW, FakeSession, make_records

    session = FakeSession(make_records(records))
    if kind == "sambat":
        SambatApp(lambda: session, AppOptions(sync_interval_seconds=0), now=lambda: NOW).run()
        return
    from textual.app import App, ComposeResult
    from textual.widgets import DataTable

    rows = session.inbox.first("semua", "", "due", False, records).rows  # type: ignore[arg-type]

    class TableApp(App[None]):
        BINDINGS = [("q", "quit", "quit")]  # noqa: RUF012

        def compose(self) -> ComposeResult:
            table: DataTable[str] = DataTable(cursor_type="row")
            table.add_columns("Ref", "SLA", "Kategori", "Judul", "Kecamatan", "Status", "Petugas")
            for r in rows:
                table.add_row(
                    r.public_ref,
                    str(r.sla_days_left),
                    r.category_code or "",
                    r.title,
                    r.kecamatan or "",
                    r.status.value,
                    r.assignee_id or "",
                )
            yield table

    TableApp().run()


def _read_until_quiet(
    fd: int, quiet: float = QUIET, limit: float = 30.0, min_bytes: int = 1
) -> tuple[bytes, float]:
    """Everything the app writes until, with at least ``min_bytes`` read, it has been silent for ``quiet`` s.

    Also returns when the first byte came.
    """
    chunks: list[bytes] = []
    total = 0
    started = time.perf_counter()
    first_at = 0.0
    deadline = started + limit
    while time.perf_counter() < deadline:
        ready, _, _ = select.select([fd], [], [], quiet)
        if not ready:
            if total >= min_bytes:
                break
            continue
        try:
            data = os.read(fd, 65536)
        except OSError:
            break
        if not data:
            break
        if not chunks:
            first_at = time.perf_counter() - started
        chunks.append(data)
        total += len(data)
    return b"".join(chunks), first_at


@dataclass
class Figures:
    kind: str
    first_frame: int
    move: float
    page: float
    start_s: float


def measure(kind: str, records: int, moves: int) -> Figures:
    started = time.perf_counter()
    pid, fd = pty.fork()
    if pid == 0:
        fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", ROWS, COLS, 0, 0))
        os.environ["TERM"] = "xterm-256color"
        os.environ.update(COLUMNS=str(COLS), LINES=str(ROWS))  # they win over the pty's size
        os.environ.pop("TEXTUAL", None)
        _child(kind, records)
        os._exit(0)
    try:
        # A screen's worth of text at least: the terminal set-up comes first, the rows may take seconds.
        first, _ = _read_until_quiet(fd, quiet=1.5, min_bytes=COLS * ROWS, limit=120)
        start_s = time.perf_counter() - started
        move_bytes = 0
        for _ in range(moves):
            os.write(fd, b"j" if kind == "sambat" else b"\x1b[B")
            move_bytes += len(_read_until_quiet(fd)[0])
        page_bytes = 0
        for _ in range(max(1, moves // 4)):
            os.write(fd, b"\x1b[6~")  # page down
            page_bytes += len(_read_until_quiet(fd)[0])
        os.write(fd, b"q")
        _read_until_quiet(fd, quiet=0.5, limit=5)
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, 9)
        os.waitpid(pid, 0)
        os.close(fd)
    return Figures(kind, len(first), move_bytes / moves, page_bytes / max(1, moves // 4), start_s)


def main(argv: list[str]) -> int:
    quick = "--quick" in argv
    records, moves = (300, 8) if quick else (2000, 24)
    ours = measure("sambat", records, moves)
    table = measure("datatable", records, moves)
    print(f"ui_bench: bytes written to a {COLS}x{ROWS} terminal, {records} rows, mean of {moves} moves")
    print(f"{'':22}{'sambat-tui':>12}{'DataTable':>12}{'ratio':>8}")
    for label, a, b in (
        ("first frame (bytes)", ours.first_frame, table.first_frame),
        ("cursor move (bytes)", ours.move, table.move),
        ("page flip (bytes)", ours.page, table.page),
    ):
        print(f"{label:22}{a:>12.0f}{b:>12.0f}{a / b if b else 0:>8.2f}")
    for label, value in (("page flip", ours.page), ("cursor move", ours.move)):
        print(f"{label} at 64 kbit/s: {value * 8 / SLOW_LINK_BITS * 1000:.0f} ms")
    print(f"process start to quiet first frame: {ours.start_s:.2f} s (DataTable app {table.start_s:.2f} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
