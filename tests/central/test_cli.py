"""sambat-central's commands, called in-process: token create, users, migrate, the seed hook."""

from __future__ import annotations

from pathlib import Path

import pytest

from sambat_tui.central import cli
from sambat_tui.central.auth import TOKEN_PREFIX, token_hash
from sambat_tui.central.storage import Storage


def test_token_create_prints_only_a_working_token(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["token", "create", "--data-dir", str(tmp_path), "--user", "operator.dpuprpkp"]) == 0
    out = capsys.readouterr().out
    assert out.count("\n") == 1 and out.startswith(TOKEN_PREFIX)
    storage = Storage.open(tmp_path)
    try:
        with storage.read() as tx:
            user = tx.user_for_token(token_hash(out.strip()))
    finally:
        storage.close()
    assert user is not None and user.id == "operator.dpuprpkp"


def test_token_create_for_an_unknown_user_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["token", "create", "--data-dir", str(tmp_path), "--user", "nobody"]) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and "unknown user 'nobody'" in captured.err


def test_users_lists_the_standard_users(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["users", "--data-dir", str(tmp_path)]) == 0
    lines = capsys.readouterr().out.splitlines()
    ids = [line.split()[0] for line in lines]
    assert "coordinator" in ids and "auditor" in ids and "supervisor.dlh" in ids
    operator = next(line for line in lines if line.startswith("operator.dpuprpkp "))
    assert "dpuprpkp.jalan dpuprpkp.drainase" in operator


def test_migrate_reports_the_schema_version(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["migrate", "--data-dir", str(tmp_path)]) == 0
    assert "schema at version" in capsys.readouterr().err


def test_unknown_arguments_are_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(SystemExit) as exit_:
        cli.main(["users", "--data-dir", str(tmp_path), "--bogus"])
    assert exit_.value.code == 2


def test_seed_says_so_when_no_seeder_is_installed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cli, "SEED_MODULE", "sambat_tui.central.no_such_seeder")
    assert cli.main(["seed", "--data-dir", str(tmp_path), "--anything", "5"]) == 2
    assert "seeding is not available" in capsys.readouterr().err


def test_the_data_dir_defaults_to_the_platform_user_data_dir() -> None:
    parser = cli.build_parser()
    args = parser.parse_args(["users"])
    assert args.data_dir.name == "sambat-central"


def test_token_revoke_ends_every_token_of_the_user(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    base = ["--data-dir", str(tmp_path), "--user", "field.dlh"]
    tokens = []
    for _ in range(2):
        assert cli.main(["token", "create", *base]) == 0
        tokens.append(capsys.readouterr().out.strip())
    assert cli.main(["token", "revoke", *base]) == 0
    assert "revoked 2 token(s)" in capsys.readouterr().err
    storage = Storage.open(tmp_path)
    try:
        with storage.read() as tx:
            assert all(tx.user_for_token(token_hash(token)) is None for token in tokens)
    finally:
        storage.close()
    assert cli.main(["token", "revoke", "--data-dir", str(tmp_path), "--user", "nobody"]) == 2
