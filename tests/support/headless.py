"""``sambat-tui`` and ``sambat-central`` commands run in this process, as a script would run them."""

from __future__ import annotations

import io
from contextlib import redirect_stderr, redirect_stdout

from sambat_tui import cli
from sambat_tui.central import cli as central_cli


def headless(*args: str) -> tuple[int, str, str]:
    """``sambat-tui ARGS``: its exit code, what it printed, what it said on stderr."""
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        try:
            code = cli.main(list(args))
        except SystemExit as stop:
            code = int(stop.code or 0)
    return code, out.getvalue(), err.getvalue()


def central(*args: str) -> int:
    """``sambat-central ARGS``, quietly: its exit code."""
    with redirect_stdout(io.StringIO()), redirect_stderr(io.StringIO()):
        return central_cli.main(list(args))
