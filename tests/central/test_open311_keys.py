"""``sambat-central apikey create|revoke``: a key printed alone, kept only as a hash, usable, revocable."""

from __future__ import annotations

import contextlib
import io
import sqlite3
from pathlib import Path

import pytest

from sambat_tui.central import cli
from sambat_tui.central.app import create_app
from sambat_tui.central.context import Settings
from sambat_tui.central.open311.keys import KEY_PREFIX, key_hash
from sambat_tui.central.storage import DB_FILENAME
from tests.central.open311_support import BASE
from tests.central.support import AsgiClient, Clock


def _run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = cli.main(list(argv))
    return code, out.getvalue(), err.getvalue()


def test_create_prints_only_the_key_and_stores_only_its_hash(tmp_path: Path) -> None:
    code, out, err = _run("apikey", "create", "--name", "lapor-malang", "--data-dir", str(tmp_path))
    assert code == 0 and err == ""
    key = out.removesuffix("\n")
    assert "\n" not in key and key.startswith(KEY_PREFIX) and len(key) > 40
    with contextlib.closing(sqlite3.connect(tmp_path / DB_FILENAME)) as db:
        rows = db.execute("SELECT key_hash, name, revoked FROM open311_api_keys").fetchall()
        dump = "\n".join(db.iterdump())
    assert rows == [(key_hash(key), "lapor-malang", 0)]
    assert key not in dump


@pytest.mark.parametrize("name", ["", "dua kata", "-awal", "x" * 61, "nama/app"])
def test_a_bad_app_name_is_a_usage_error(tmp_path: Path, name: str) -> None:
    code, out, err = _run("apikey", "create", f"--name={name}", "--data-dir", str(tmp_path))
    assert code == 2 and out == "" and "app name" in err


def test_a_created_key_posts_and_a_revoked_one_does_not(tmp_path: Path) -> None:
    _, out, _ = _run("apikey", "create", "--name", "app-warga", "--data-dir", str(tmp_path))
    key = out.strip()
    fields = {
        "api_key": key,
        "service_code": "PJU",
        "address_string": "Jl. Kawi",
        "description": "Lampu mati",
    }

    def post() -> int:
        app = create_app(Settings(data_dir=tmp_path, clock=Clock(), job_interval_seconds=None))
        client = AsgiClient(app)
        try:
            return client.post(f"{BASE}/requests.json", data=fields).status_code
        finally:
            client.close()
            app.state.context.storage.close()

    assert post() == 201
    code, out, err = _run("apikey", "revoke", "--name", "app-warga", "--data-dir", str(tmp_path))
    assert code == 0 and out == "" and "revoked 1 key" in err
    assert post() == 403
    code, _, err = _run("apikey", "revoke", "--name", "app-warga", "--data-dir", str(tmp_path))
    assert code == 1 and "revoked 0 key" in err
