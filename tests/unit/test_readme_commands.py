"""Every command line the README shows is one the programs accept: the docs cannot drift from the parsers.

Found the hard way: the README said ``sambat-tui demo --lang en`` while ``--lang`` was only read before the
command, so the first thing a newcomer copied failed with "unrecognized arguments".
"""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest

from sambat_tui.central.cli import build_parser as central_parser
from sambat_tui.cli import build_parser as client_parser

README = Path(__file__).resolve().parents[2] / "README.md"
PROGRAMS = {"sambat-tui": client_parser, "sambat-central": central_parser}
_COMMAND = re.compile(r"^(?:\.venv/bin/)?(sambat-tui|sambat-central)\s+(.*)$")


def readme_commands() -> list[tuple[str, list[str]]]:
    """(program, argv) of each command line in the README's code blocks, without comment or redirection."""
    found: list[tuple[str, list[str]]] = []
    in_block = False
    for line in README.read_text(encoding="utf-8").splitlines():
        if line.startswith("```"):
            in_block = not in_block
            continue
        match = _COMMAND.match(line.strip()) if in_block else None
        if match is None:
            continue
        words = shlex.split(match.group(2), comments=True)
        if ">" in words:
            words = words[: words.index(">")]
        # "[--json]" shows an optional flag: the line is checked with it.
        found.append((match.group(1), [w.strip("[]") for w in words]))
    return found


COMMANDS = readme_commands()


def test_the_readme_shows_commands_of_both_programs() -> None:
    programs = {program for program, _ in COMMANDS}
    assert programs == set(PROGRAMS) and len(COMMANDS) >= 15


@pytest.mark.parametrize(("program", "argv"), COMMANDS, ids=[" ".join([p, *a])[:60] for p, a in COMMANDS])
def test_each_readme_command_parses(program: str, argv: list[str]) -> None:
    args = PROGRAMS[program]().parse_args(argv)
    assert getattr(args, "command", None) == argv[0]


@pytest.mark.parametrize(
    "argv",
    [
        ["demo", "--lang", "en", "--as", "supervisor"],
        ["--lang", "en", "demo", "--as", "supervisor"],
        ["list", "--read-only", "--lang", "en"],
        ["--read-only", "--lang", "en", "list"],
    ],
)
def test_the_app_options_are_read_before_and_after_the_command(argv: list[str]) -> None:
    args = client_parser().parse_args(argv)
    assert args.lang == "en"
    assert args.read_only is ("--read-only" in argv)


def test_after_the_command_wins_and_before_it_stays_when_absent() -> None:
    parse = client_parser().parse_args
    assert parse(["--lang", "en", "list", "--lang", "id"]).lang == "id"
    assert parse(["--lang", "en", "--read-only", "list", "--plain"]).lang == "en"
    assert parse(["--read-only", "list", "--plain"]).read_only is True
    defaults = parse(["demo"])
    assert defaults.lang is None and defaults.read_only is False


def test_a_bad_language_after_the_command_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stopped:
        client_parser().parse_args(["demo", "--lang", "fr"])
    assert stopped.value.code == 2 and "invalid choice: 'fr'" in capsys.readouterr().err


def test_the_demo_takes_no_profile(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        client_parser().parse_args(["demo", "--profile", "x"])
    assert "unrecognized arguments: --profile x" in capsys.readouterr().err
