"""The headless commands over a filled cache, offline: what they print, what they queue, their exit codes."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from sambat_tui import __version__
from sambat_tui.cli import build_parser, main, parse_app_start
from sambat_tui.domain.query import QueryError, parse
from sambat_tui.services.exports import csv_cell
from sambat_tui.services.profiles import profile_paths, save_profile
from tests.support.cache import private_home, seeded_profile, wire_complaint
from tests.support.server import free_port

HOSTILE = "Lampu mati \x1b]52;c;ZXZpbA==\x07 [bold]x[/bold] \u202eabc\u202c di\tgang"


@pytest.fixture
def items(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    private_home(tmp_path, monkeypatch)
    made = [
        wire_complaint(title=HOSTILE),
        wire_complaint(title='=HYPERLINK("http://evil")', status="in_progress"),
        wire_complaint(status="closed"),
    ]
    seeded_profile(made)
    return made


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def _terminal_safe(text: str) -> None:
    assert "\x1b" not in text and "\x07" not in text and "\u202e" not in text


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as done:
        main(["--version"])
    assert done.value.code == 0 and __version__ in capsys.readouterr().out


def test_list_plain_is_one_safe_tab_separated_line_per_complaint(
    items: list[dict[str, Any]], capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = _run(capsys, "list", "--plain")
    assert code == 0 and err == ""
    lines = out.splitlines()
    assert len(lines) == 3
    _terminal_safe(out)
    by_ref = {line.split("\t")[0]: line.split("\t") for line in lines}
    first = by_ref[items[0]["public_ref"]]
    assert len(first) == 5 and first[1] == "assigned" and first[3] == "dpuprpkp/dpuprpkp.jalan"
    assert "[bold]x[/bold]" in first[4], "markup stays text"
    assert by_ref[items[2]["public_ref"]][2] == "-", "a closed complaint has no deadline running"


def test_list_takes_a_query_and_a_tab(
    items: list[dict[str, Any]], capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = _run(capsys, "list", "--plain", "status:dikerjakan")
    assert code == 0 and [line.split("\t")[0] for line in out.splitlines()] == [items[1]["public_ref"]]
    code, out, _ = _run(capsys, "list", "--plain", "--tab", "baru")
    assert code == 0 and [line.split("\t")[0] for line in out.splitlines()] == [items[0]["public_ref"]]
    code, _, err = _run(capsys, "list", "--plain", 'kec:"unclosed')
    assert code == 1 and "sambat-tui:" in err
    # In the profile's language, like every other message of the command line.
    code, _, indonesian = _run(capsys, "list", "--plain", "foo:bar")
    code_en, _, english = _run(capsys, "--lang", "en", "list", "--plain", "foo:bar")
    assert code == code_en == 1
    assert parse_error("foo:bar").message("id") in indonesian
    assert parse_error("foo:bar").message("en") in english and indonesian != english


def test_show_prints_the_complaint_and_json_is_ascii(
    items: list[dict[str, Any]], capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = _run(capsys, "show", items[0]["public_ref"])
    assert code == 0 and items[0]["public_ref"] in out
    _terminal_safe(out)
    code, out, _ = _run(capsys, "show", items[0]["id"], "--json")
    assert code == 0 and out.isascii()
    data = json.loads(out)
    assert data["complaint"]["title"] == HOSTILE, "JSON keeps the text exact, escaped"
    assert "take" in data["allowed"]
    code, _, err = _run(capsys, "show", "MLG-1999-000001")
    assert code == 1 and "MLG-1999-000001" in err


def test_acts_queue_and_say_so_and_how_much_waits(
    items: list[dict[str, Any]], capsys: pytest.CaptureFixture[str]
) -> None:
    ref = items[0]["public_ref"]
    code, out, err = _run(capsys, "take", ref)
    assert code == 0 and "take" in out and ref in out and "sambat-tui sync" in out
    assert "1 perubahan menunggu" in err
    assert _run(capsys, "status", ref, "start")[0] == 0
    assert _run(capsys, "note", ref, "Survei besok pagi")[0] == 0
    assert _run(capsys, "respond", ref, "Sudah ditambal.")[0] == 0
    code, out, err = _run(capsys, "outbox", "--plain")
    rows = [line.split("\t") for line in out.splitlines()]
    assert [(r[1], r[2]) for r in rows] == [("pending", ref)] * 4
    assert [r[3].split(":")[0] for r in rows] == ["take", "start", "internal_note", "public_response"]
    assert "4 perubahan menunggu" in err


def test_refusals_exit_1_and_say_why(items: list[dict[str, Any]], capsys: pytest.CaptureFixture[str]) -> None:
    ref = items[2]["public_ref"]
    code, out, err = _run(capsys, "status", ref, "start")
    assert code == 1 and out == "" and "status sekarang tidak memungkinkan" in err
    code, _, err = _run(capsys, "status", items[0]["public_ref"], "archive", "--reason", "duplikat")
    assert code == 1 and "peran Anda tidak boleh" in err
    code, _, err = _run(capsys, "note", items[0]["public_ref"], "   ")
    assert code == 1 and "kosong" in err
    code, _, err = _run(capsys, "take", "MLG-1999-000001")
    assert code == 1


def test_return_needs_its_reason_and_reads_text_from_stdin(
    items: list[dict[str, Any]], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    with pytest.raises(SystemExit) as usage:
        main(["return", items[0]["public_ref"]])
    assert usage.value.code == 2
    capsys.readouterr()
    assert _run(capsys, "return", items[0]["public_ref"], "--reason", "Bukan wewenang")[0] == 0
    monkeypatch.setattr(sys, "stdin", io.StringIO("Catatan\ndari berkas\n"))
    assert _run(capsys, "note", items[1]["public_ref"], "-")[0] == 0
    _, out, _ = _run(capsys, "outbox", "--plain")
    assert "Catatan ⏎ dari berkas" in out


def test_english_messages_come_from_the_config(
    items: list[dict[str, Any]], capsys: pytest.CaptureFixture[str]
) -> None:
    profile = profile_paths()
    profile.config_file.write_text('lang = "en"\n')
    code, out, err = _run(capsys, "take", items[0]["public_ref"])
    assert code == 0 and out.startswith("Queued: take") and "1 change(s) waiting" in err


def test_export_csv_defuses_formulas_and_streams_every_row(
    items: list[dict[str, Any]], capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, out, _ = _run(capsys, "export", "--csv")
    assert code == 0
    rows = list(csv.reader(io.StringIO(out)))
    assert rows[0][0] == "public_ref" and len(rows) == 4
    titles = {r[0]: r[-1] for r in rows[1:]}
    assert titles[items[1]["public_ref"]] == '\'=HYPERLINK("http://evil")'
    _terminal_safe(out)
    target = tmp_path / "export.csv"
    assert _run(capsys, "export", "--csv", "-o", str(target), "status:selesai")[0] == 0
    assert len(list(csv.reader(target.open(encoding="utf-8")))) == 2


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        ("=1+1", "'=1+1"),
        ("+62 812", "'+62 812"),
        ("-5", "-5"),
        ("-13", "-13"),
        ("+2.5e3", "+2.5e3"),
        ("-1+2", "'-1+2"),
        ("-", "'-"),
        ("@sum", "'@sum"),
        ("\tx", "'\tx"),
        ("ok", "ok"),
    ],
)
def test_csv_cells(value: str, cell: str) -> None:
    assert csv_cell(value) == cell


def test_locate_prints_paths_and_never_the_token(
    items: list[dict[str, Any]], capsys: pytest.CaptureFixture[str]
) -> None:
    profile = profile_paths()
    profile.data_dir.joinpath("token").write_text("sbt_very_secret\n")
    profile.data_dir.joinpath("token").chmod(0o600)
    code, out, _ = _run(capsys, "locate")
    fields = dict(line.split("\t", 1) for line in out.splitlines())
    assert code == 0 and fields["cache"] == str(profile.cache_path) and fields["logs"] == str(profile.log_dir)
    assert "sbt_very_secret" not in out and fields["token"].endswith("token")


def test_the_profile_option_works_before_and_after_the_command(
    items: list[dict[str, Any]], capsys: pytest.CaptureFixture[str]
) -> None:
    seeded_profile([wire_complaint()], name="kedua")
    after = _run(capsys, "list", "--plain", "--profile", "kedua")[1]
    before = _run(capsys, "--profile", "kedua", "list", "--plain")[1]
    assert after == before and len(after.splitlines()) == 1
    code, _, err = _run(capsys, "list", "--profile", "Bad Name")
    assert code == 1 and "profile name" in err


def test_sync_without_a_server_exits_2_and_says_nothing_is_lost(
    items: list[dict[str, Any]], capsys: pytest.CaptureFixture[str]
) -> None:
    save_profile(profile_paths(), server_url=f"http://127.0.0.1:{free_port()}", user_id="operator.dpuprpkp")
    profile_paths().data_dir.joinpath("token").write_text("sbt_t\n")
    profile_paths().data_dir.joinpath("token").chmod(0o600)
    assert _run(capsys, "take", items[0]["public_ref"])[0] == 0
    code, out, err = _run(capsys, "sync")
    assert code == 2 and out == ""
    assert "tidak terjangkau" in err and "1 perubahan menunggu" in err


def test_sync_without_signing_in_says_how(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    private_home(tmp_path, monkeypatch)
    code, _, err = _run(capsys, "sync")
    assert code == 2 and "sambat-tui login" in err


def test_login_refuses_plain_http_to_another_host(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    private_home(tmp_path, monkeypatch)
    code, _, err = _run(capsys, "login", "--server", "http://sambat.malangkota.go.id", "--token", "sbt_x")
    assert code == 1 and "https" in err


def test_no_command_opens_the_app_or_says_it_is_missing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    private_home(tmp_path, monkeypatch)
    monkeypatch.setitem(sys.modules, "sambat_tui.ui.app", None)
    code, _, err = _run(capsys)
    assert code == 2 and "sambat-tui --help" in err


@pytest.mark.parametrize(
    "argv",
    [
        [],
        ["--read-only"],
        ["--profile", "kedua", "--lang", "en"],
        ["--prof=kedua", "--re", "--la", "id"],  # abbreviations, as argparse allows them
        ["--profile", "a", "--profile", "b"],
    ],
)
def test_a_plain_start_is_read_as_the_full_parser_reads_it(
    argv: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SAMBAT_TUI_PROFILE", "dari-env")  # the default profile comes from the environment
    quick = parse_app_start(argv)
    assert quick is not None
    full = vars(build_parser().parse_args(argv))
    assert full.pop("run", None) is None
    assert vars(quick) == full


@pytest.mark.parametrize(
    "argv",
    [
        ["list"],
        ["--profile", "kedua", "sync"],
        ["-h"],
        ["--he"],
        ["--version"],
        ["--ver"],
        ["--lang", "xx"],
        ["--profile"],
        ["--bogus"],
        ["--"],
        ["--read-only", "extra"],
    ],
)
def test_anything_but_a_plain_start_goes_to_the_full_parser(argv: list[str]) -> None:
    assert parse_app_start(argv) is None


def test_a_plain_start_builds_no_command_parser() -> None:
    probe = (
        "import json, sys\n"
        "from sambat_tui import cli\n"
        "def commands(): return sorted(m for m in sys.modules if m.startswith('sambat_tui.cli_'))\n"
        "started = cli.parse_app_start(['--read-only']) is not None\n"
        "before = commands()\n"
        "cli.build_parser()\n"
        "print(json.dumps([started, before, commands()]))\n"
    )
    found = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    # The full parser loads them (so the probe would see them): a plain start does not.
    assert json.loads(found.stdout) == [True, [], ["sambat_tui.cli_demo", "sambat_tui.cli_supervisor"]]


def test_a_start_without_arguments_reads_no_parser() -> None:
    probe = (
        "import json, sys\n"
        "sys.argv = ['sambat-tui']\n"
        "from sambat_tui import cli\n"
        "start = vars(cli.parse_app_start(None))\n"
        "print(json.dumps([start, 'argparse' in sys.modules]))\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "SAMBAT_TUI_PROFILE"}
    found = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True, env=env)
    start, argparse_loaded = json.loads(found.stdout)
    assert start == {"profile": "default", "read_only": False, "lang": None, "command": None}
    assert not argparse_loaded


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        ([], "sambat-tui perlu terminal"),
        (["--lang", "en", "--read-only"], "sambat-tui needs a terminal"),
        (["demo"], "sambat-tui perlu terminal"),
    ],
)
def test_the_app_without_a_terminal_says_so_and_exits(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, argv: list[str], expected: str
) -> None:
    """Without a terminal Textual's input loop spun at most of a core for as long as it ran, unseen."""
    private_home(tmp_path, monkeypatch)
    done = subprocess.run(
        [sys.executable, "-m", "sambat_tui.cli", *argv],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 2
    assert done.stdout == ""
    assert expected in done.stderr and "--help" in done.stderr


def parse_error(text: str) -> QueryError:
    try:
        parse(text)
    except QueryError as error:
        return error
    raise AssertionError(f"{text!r} parsed")


def test_outbox_at_a_terminal_says_what_each_change_does_in_the_profile_s_language(
    items: list[dict[str, Any]], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    ref = items[0]["public_ref"]
    assert _run(capsys, "take", ref)[0] == 0
    assert _run(capsys, "return", items[1]["public_ref"], "--reason", "Bukan wewenang")[0] == 0
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True)  # a person, not a script
    code, out, _ = _run(capsys, "outbox")
    assert code == 0
    lines = out.splitlines()
    assert "Menunggu kirim" in lines[0] and "Ambil" in lines[0] and ref in lines[0]
    assert "Bukan wewenang" in lines[1]
    for wire_word in ("pending", "take", "return:"):
        assert wire_word not in out, wire_word
    profile_paths().config_file.write_text('lang = "en"\n')
    _, out, _ = _run(capsys, "outbox")
    assert "Waiting to send" in out.splitlines()[0] and "Take" in out.splitlines()[0]


def test_a_change_on_a_full_disk_says_so_in_one_line_and_queues_nothing(
    items: list[dict[str, Any]], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from sambat_tui.services.session import Session
    from sambat_tui.store import db

    Session.open(profile_paths()).close()  # the first start's writes done: only the change is left to write
    opened = db._open_writer

    def on_a_full_disk(path: Path) -> tuple[Any, int]:
        conn, lock = opened(path)
        pages = conn.execute("PRAGMA page_count").fetchone()[0]
        conn.execute(f"PRAGMA max_page_count = {pages}")  # SQLite's own "database or disk is full"
        return conn, lock

    monkeypatch.setattr(db, "_open_writer", on_a_full_disk)
    code, out, err = _run(capsys, "note", items[0]["public_ref"], "Sudah dicek di lapangan. " * 600)
    assert code == 1 and out == ""
    assert (
        err.startswith("Disk penuh atau tidak bisa ditulis: perubahan ini tidak tersimpan")
        and len(err.splitlines()) == 1
    )
    monkeypatch.setattr(db, "_open_writer", opened)  # room again
    assert _run(capsys, "outbox", "--plain")[1].startswith("Kotak keluar kosong")
    assert _run(capsys, "note", items[0]["public_ref"], "Sudah dicek di lapangan.")[0] == 0


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs Linux's /dev/full")
def test_an_export_to_a_full_disk_says_so_in_one_line(
    items: list[dict[str, Any]], capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = _run(capsys, "export", "--csv", "-o", "/dev/full")  # every write: ENOSPC
    assert code == 1 and out == ""
    assert err.startswith("Disk penuh: berkas tidak bisa ditulis") and len(err.splitlines()) == 1


def test_the_app_runs_with_a_short_switch_interval_and_the_collector_paused_until_its_first_frame(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import gc

    from sambat_tui import cli

    seen: list[tuple[float, bool]] = []

    def app_runs(args: Any) -> int:
        seen.append((sys.getswitchinterval(), gc.isenabled()))
        return 0

    monkeypatch.setattr(cli, "_run_app", app_runs)
    before = sys.getswitchinterval()
    assert cli.run_app(cli.parse_app_start([]) or build_parser().parse_args([])) == 0
    assert seen == [(pytest.approx(cli.APP_SWITCH_INTERVAL), False)]
    assert before > cli.APP_SWITCH_INTERVAL  # shorter than Python's 5 ms, which the frames waited for
    assert sys.getswitchinterval() == before and gc.isenabled()  # both as they were after the app


def test_a_log_file_that_cannot_be_opened_does_not_keep_the_app_from_opening(
    items: list[dict[str, Any]], monkeypatch: pytest.MonkeyPatch
) -> None:
    import logging

    from sambat_tui import cli
    from sambat_tui.ui.app import SambatApp

    # What a `sudo sambat-tui` once, a read-only or a full disk leave: a log path nobody can open.
    profile_paths().log_dir.joinpath("sambat-tui.log").mkdir(parents=True)
    seen: list[str | None] = []

    def runs(app: SambatApp) -> None:
        seen.append(app.options.log_problem)

    monkeypatch.setattr(cli, "_without_terminal", lambda args: None)
    monkeypatch.setattr(SambatApp, "run", runs)
    handlers = list(logging.getLogger().handlers)
    assert cli.run_app(build_parser().parse_args([])) == 0
    assert len(seen) == 1 and seen[0] is not None and "Is a directory" in seen[0]
    assert logging.getLogger().handlers == handlers
    profile_paths().log_dir.joinpath("sambat-tui.log").rmdir()
    assert cli.run_app(build_parser().parse_args([])) == 0
    assert seen[1] is None and profile_paths().log_dir.joinpath("sambat-tui.log").is_file()
    assert logging.getLogger().handlers == handlers
