"""``sambat-tui login`` and ``sambat-tui sync`` against a real server: the exit codes scripts rely on."""

from __future__ import annotations

from pathlib import Path

import pytest

from sambat_tui.cli import main
from tests.support.server import CentralServer

pytestmark = pytest.mark.e2e

USER = "operator.dpuprpkp"


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_login_then_sync_in_sync_then_conflicts_wait(
    central_server: CentralServer, client_home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    complaint = central_server.intake()
    token = central_server.token(USER)
    code, out, _ = _run(capsys, "login", "--server", central_server.url, "--token", token)
    assert code == 0 and USER in out and token not in out
    code, out, _ = _run(capsys, "sync")
    assert code == 0 and "Sinkron" in out
    assert _run(capsys, "status", complaint["public_ref"], "start")[0] == 0
    central_server.act(complaint["id"], "hold", "coordinator")
    code, out, err = _run(capsys, "sync")
    assert code == 3 and "1 konflik" in err
    code, out, _ = _run(capsys, "outbox", "--plain")
    assert out.split("\t")[1] == "conflict"


def test_login_with_a_refused_token_fails_and_keeps_nothing(
    central_server: CentralServer, client_home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = _run(capsys, "login", "--server", central_server.url, "--token", "sbt_not_a_real_token")
    assert code == 1 and "401" in err
    assert not (client_home / "data" / "default" / "token").exists()


def test_login_as_someone_else_is_refused_while_work_waits(
    central_server: CentralServer, client_home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    complaint = central_server.intake()
    assert (
        _run(capsys, "login", "--server", central_server.url, "--token", central_server.token(USER))[0] == 0
    )
    assert _run(capsys, "sync")[0] == 0
    assert _run(capsys, "take", complaint["public_ref"])[0] == 0
    other = central_server.token("supervisor.dpuprpkp")
    code, _, err = _run(capsys, "login", "--server", central_server.url, "--token", other)
    assert code == 1 and "--profile" in err
    assert _run(capsys, "sync")[0] == 0
    code, out, _ = _run(capsys, "login", "--server", central_server.url, "--token", other)
    assert code == 0 and "supervisor.dpuprpkp" in out
