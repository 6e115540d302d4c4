"""``sambat-central backup`` beside a running server that takes complaints meanwhile, a restored backup that
serves, and a database that cannot be read: every command says what to do, nothing is changed."""

from __future__ import annotations

import errno
import re
import sqlite3
import stat
import threading
from contextlib import closing
from datetime import UTC, datetime
from pathlib import Path

import pytest

from sambat_tui.central import backup, cli
from sambat_tui.central.backup import back_up, backup_name
from sambat_tui.central.storage import DB_FILENAME, StorageError
from tests.central.support import meta_of
from tests.support.server import CentralServer

NOW = datetime(2026, 11, 29, 9, 0, tzinfo=UTC)


def _complaint_ids(db: Path) -> set[str]:
    with closing(sqlite3.connect(f"{db.as_uri()}?mode=ro", uri=True)) as conn:
        return {str(row[0]) for row in conn.execute("SELECT id FROM complaints")}


@pytest.mark.e2e
def test_a_backup_of_a_busy_server_is_one_consistent_checked_copy_that_serves_once_restored(
    fresh_server: CentralServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = {fresh_server.intake(title=f"Sampah menumpuk di pasar nomor {n}")["id"] for n in range(20)}
    stop = threading.Event()
    during: list[str] = []

    def keep_filing() -> None:
        while not stop.is_set():
            during.append(fresh_server.intake(title="Lampu taman mati")["id"])

    backups = tmp_path / "backups"
    backups.mkdir()
    filing = threading.Thread(target=keep_filing)
    filing.start()
    try:
        code = cli.main(["backup", "--data-dir", str(fresh_server.data_dir), str(backups)])
    finally:
        stop.set()
        filing.join()
    assert code == 0
    [made] = backups.iterdir()  # no -wal, no .part beside it
    assert made.name.startswith("central-") and "checked" in capsys.readouterr().err
    assert stat.S_IMODE(made.stat().st_mode) == 0o600
    copied = _complaint_ids(made)
    assert before <= copied <= before | set(during)  # a snapshot: all that came before, nothing half-written
    with closing(sqlite3.connect(made)) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"

    restored = tmp_path / "restored"
    assert cli.main(["restore", str(made), "--data-dir", str(restored)]) == 0
    assert cli.main(["users", "--data-dir", str(restored)]) == 0
    assert "operator.dpuprpkp" in capsys.readouterr().out
    assert _complaint_ids(restored / DB_FILENAME) == copied


def test_a_backup_never_replaces_a_file_and_leaves_nothing_when_it_cannot_be_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = tmp_path / "data"
    assert cli.main(["migrate", "--data-dir", str(data)]) == 0
    taken = tmp_path / "taken.sqlite3"
    taken.write_text("an older backup")
    with pytest.raises(StorageError, match="never replaces"):
        back_up(data, taken)
    assert taken.read_text() == "an older backup"

    cut = tmp_path / "cut"
    cut.mkdir()

    def disk_full(path: Path) -> None:
        raise OSError(errno.ENOSPC, "No space left on device", str(path))

    with monkeypatch.context() as patched:
        patched.setattr(backup, "flush", disk_full)
        with pytest.raises(OSError, match="No space"):
            back_up(data, cut / "b.sqlite3")
    assert list(cut.iterdir()) == []  # no half backup under a backup's name, nor a .part
    assert (
        back_up(data, tmp_path, now=NOW).path
        == tmp_path / backup_name(NOW)
        == tmp_path / ("central-20261129T090000Z.sqlite3")
    )


def test_a_destination_named_as_a_directory_must_be_one(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "data"
    assert cli.main(["migrate", "--data-dir", str(data)]) == 0
    capsys.readouterr()
    assert cli.main(["backup", "--data-dir", str(data), f"{tmp_path / 'backups'}/"]) == 1
    assert "there is no directory" in capsys.readouterr().err
    assert not (tmp_path / "backups").exists()  # not a file of that name either
    (tmp_path / "backups").mkdir()
    assert cli.main(["backup", "--data-dir", str(data), f"{tmp_path / 'backups'}/"]) == 0
    assert [p.suffix for p in (tmp_path / "backups").iterdir()] == [".sqlite3"]


def test_a_backup_is_another_database_that_says_whose_copy_it_is_and_from_when(tmp_path: Path) -> None:
    data = tmp_path / "data"
    assert cli.main(["migrate", "--data-dir", str(data)]) == 0
    source = meta_of(data / DB_FILENAME)
    first = meta_of(back_up(data, tmp_path / "first.sqlite3", now=NOW).path)
    second = meta_of(back_up(data, tmp_path / "second.sqlite3", now=NOW).path)
    # Restored, a copy with the server's epoch would take desks' cursors for its own (central.lineage).
    assert re.fullmatch(r"[0-9a-f]{16}", first["epoch"]) and first["epoch"] != source["epoch"]
    assert second["epoch"] not in (source["epoch"], first["epoch"])
    assert first["forked_from"] == second["forked_from"] == source["epoch"]
    assert first["snapshot_at"] == "2026-11-29T09:00:00.000000Z"
    assert meta_of(data / DB_FILENAME) == source  # the server's own database is only read
    assert {key: first[key] for key in source if key != "epoch"} == {
        key: source[key] for key in source if key != "epoch"
    }


@pytest.mark.parametrize(
    "command",
    [["users"], ["migrate"], ["token", "create", "--user", "coordinator"], ["backup", "{out}"]],
)
def test_a_database_that_cannot_be_read_stops_every_command_with_words_and_is_left_as_it_was(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], command: list[str]
) -> None:
    data = tmp_path / "data"
    data.mkdir()
    (data / DB_FILENAME).write_bytes(b"\x5a" * 16384)
    argv = [part.replace("{out}", str(tmp_path)) for part in command]
    assert cli.main([*argv, "--data-dir", str(data)]) == 1
    said = capsys.readouterr().err
    assert "cannot be read (file is not a database)" in said and "sambat-central backup" in said
    assert "Traceback" not in said
    assert (data / DB_FILENAME).read_bytes() == b"\x5a" * 16384
    assert not list(tmp_path.glob("central-*"))
