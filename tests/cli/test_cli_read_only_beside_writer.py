"""``sambat-tui --read-only COMMAND`` while another process holds the profile's cache: the reading commands
work on readers only, ``sync`` says the other process syncs, and a cache it cannot read is one clear line."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from sambat_tui.cli import EXIT_FAILED, EXIT_OK, main
from sambat_tui.services.profiles import Profile
from sambat_tui.store.migrations import LATEST
from tests.support.cache import private_home, seeded_profile, wire_complaint
from tests.support.other_writer import OtherWriter


@pytest.fixture
def profile(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Profile:
    private_home(tmp_path, monkeypatch)
    return seeded_profile([wire_complaint() for _ in range(3)])


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    try:
        code = main(list(argv))
    except SystemExit as exit_:  # a refusal to open the cache ends the command this way
        code = int(exit_.code or 0)
    out = capsys.readouterr()
    return code, out.out, out.err


def test_list_reads_beside_the_other_process_only_with_read_only(
    profile: Profile, other_writer: OtherWriter, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = _run(capsys, "--lang", "en", "list", "--plain")
    assert code == EXIT_FAILED and out == ""
    assert "in use by another process" in err
    code, out, err = _run(capsys, "--read-only", "list", "--plain")
    assert (code, err) == (EXIT_OK, "")
    assert len(out.splitlines()) == 3
    added = wire_complaint()
    other_writer.add([added])
    code, out, _ = _run(capsys, "--read-only", "list", "--plain")
    assert code == EXIT_OK and added["public_ref"] in out


def test_sync_says_the_other_process_syncs(
    profile: Profile, other_writer: OtherWriter, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = _run(capsys, "--lang", "en", "--read-only", "sync")
    assert code == EXIT_FAILED
    assert err.strip() == (
        f"Profile {profile.name} is in use by another process, which syncs it; --read-only does not sync."
    )


def test_a_cache_at_another_schema_version_is_one_line_naming_the_file(
    profile: Profile, other_writer: OtherWriter, capsys: pytest.CaptureFixture[str]
) -> None:
    conn = sqlite3.connect(profile.cache_path)
    conn.execute(f"PRAGMA user_version = {LATEST + 1}")
    conn.close()
    code, out, err = _run(capsys, "--read-only", "list", "--plain")
    assert code == EXIT_FAILED and out == ""
    assert len(err.splitlines()) == 1
    assert str(profile.cache_path) in err and f"schema version {LATEST + 1}" in err
