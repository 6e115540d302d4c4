"""Entry point of ``sambat-tui``: the terminal app and its headless twins for scripts and cron."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from sambat_tui import __version__


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="sambat-tui",
        description="Kotak masuk pengaduan untuk operator OPD / complaint inbox for agency operators.",
    )
    parser.add_argument("--version", action="version", version=f"sambat-tui {__version__}")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    parser.parse_args(argv)
    parser.print_help(sys.stderr)
    return 2


if __name__ == "__main__":
    raise SystemExit(main())
