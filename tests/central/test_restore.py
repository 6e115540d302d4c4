"""``sambat-central restore BACKUP``: the backup in place as another database, the old one aside whole, and
every refusal (a bad backup, a running server) in one line with nothing changed. Last, the reason for it all:
a desk's cursor of the replaced database is refused (410 other_database), also once the restored server has
taken more changes than the cursor had seen."""

from __future__ import annotations

import errno
import shutil
import sqlite3
import stat
from collections.abc import Callable
from contextlib import closing
from datetime import UTC, datetime
from pathlib import Path

import pytest

from sambat_tui.central import cli
from sambat_tui.central import restore as restoring
from sambat_tui.central.backup import back_up
from sambat_tui.central.datalock import LOCK_FILENAME
from sambat_tui.central.feed import decode_cursor
from sambat_tui.central.migrations import MIGRATIONS
from sambat_tui.central.restore import restore
from sambat_tui.central.storage import DB_FILENAME, Storage
from tests.central.support import assert_problem, meta_of
from tests.support.damage import root_page, spoil
from tests.support.server import CentralServer

NOW = datetime(2026, 11, 29, 9, 0, tzinfo=UTC)
LATE_TOKEN = "a token made after the backup"


def _files(directory: Path) -> dict[str, bytes]:
    """Every file in ``directory`` with its bytes; not the lock file, the directory's rather than the
    database's (created by whoever first owns the directory, and never deleted)."""
    return {p.name: p.read_bytes() for p in directory.iterdir() if p.name != LOCK_FILENAME}


def _tokens(db: Path) -> set[str]:
    with closing(sqlite3.connect(db)) as conn:  # not read-only: it reads the -wal beside it, if any
        return {str(row[0]) for row in conn.execute("SELECT token_hash FROM tokens")}


def _crash_with_a_commit_in_the_wal(data_dir: Path) -> None:
    """Leave the data as a server killed with SIGKILL does: its last commit only in the ``-wal``."""
    db = data_dir / DB_FILENAME
    storage = Storage.open(data_dir, auto_checkpoint=False)
    try:
        with storage.write(NOW) as tx:
            tx.add_token(LATE_TOKEN, "coordinator")
        image = {side: Path(f"{db}{side}").read_bytes() for side in ("", "-wal")}
    finally:
        storage.close()  # folds the -wal into the file: put the crash image back
    for side, content in image.items():
        Path(f"{db}{side}").write_bytes(content)
    assert len(image["-wal"]) > 0


def test_a_restore_puts_the_backup_in_place_as_another_database_and_moves_the_old_one_aside_whole(
    data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    backups = tmp_path / "backups"
    backups.mkdir()
    backup = back_up(data_dir, backups / "nightly.sqlite3", now=NOW)
    kept = backup.path.read_bytes()
    replaced, copied = meta_of(data_dir / DB_FILENAME), meta_of(backup.path)
    _crash_with_a_commit_in_the_wal(data_dir)  # recorded after the backup: what the restore loses

    assert cli.main(["restore", str(backup.path), "--data-dir", str(data_dir)]) == 0
    [aside] = data_dir.glob(f"{DB_FILENAME}.replaced-*Z")
    db = data_dir / DB_FILENAME
    assert capsys.readouterr().err == (
        f"sambat-central: restored {backup.path} (schema {backup.schema_version}, "
        f"as of 2026-11-29T09:00:00Z) as {db}; the database it replaced is now {aside}\n"
    )
    # The old -wal went with its file: beside the restored one SQLite would replay it into it.
    assert not Path(f"{db}-wal").exists() and Path(f"{aside}-wal").stat().st_size > 0
    assert LATE_TOKEN in _tokens(aside) and LATE_TOKEN not in _tokens(db)
    assert not list(data_dir.glob("*.restoring*"))
    assert stat.S_IMODE(db.stat().st_mode) == 0o600

    restored = meta_of(db)
    assert restored["epoch"] not in (replaced["epoch"], copied["epoch"])
    assert restored["forked_from"] == copied["epoch"] and restored["snapshot_at"] == copied["snapshot_at"]
    assert backup.path.read_bytes() == kept and [p.name for p in backups.iterdir()] == ["nightly.sqlite3"]


def test_a_restore_onto_a_new_machine_and_again_from_the_same_file_makes_a_database_each_time(
    data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    backup = back_up(data_dir, tmp_path / "b.sqlite3", now=NOW).path
    new = tmp_path / "new-disk" / "central"
    assert cli.main(["restore", str(backup), "--data-dir", str(new)]) == 0
    assert capsys.readouterr().err.endswith(f"as {new / DB_FILENAME}; there was none before\n")
    assert stat.S_IMODE(new.stat().st_mode) == 0o700
    epochs = [meta_of(new / DB_FILENAME)["epoch"]]
    for again in (2, 3):
        done = restore(new, backup, now=NOW)
        name = f"{DB_FILENAME}.replaced-20261129T090000Z" + ("" if again == 2 else "-2")
        assert done.aside == (new / name,)  # numbered: the first name is taken
        assert meta_of(new / name)["epoch"] == epochs[-1]
        epochs.append(meta_of(new / DB_FILENAME)["epoch"])
    assert len({*epochs, meta_of(backup)["epoch"]}) == 4


def test_a_plain_copy_of_a_stopped_servers_file_restores_too_and_is_only_read(
    data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    plain = tmp_path / "plain"
    plain.mkdir()
    copy = plain / "copy.sqlite3"
    shutil.copyfile(data_dir / DB_FILENAME, copy)  # a file in WAL mode: read-only, SQLite adds -wal, -shm
    kept = copy.read_bytes()
    assert kept[18:20] == b"\x02\x02"  # the header of a WAL database
    assert cli.main(["restore", str(copy), "--data-dir", str(tmp_path / "other")]) == 0
    latest = max(m.version for m in MIGRATIONS)
    assert f"(schema {latest}, of unknown date (not made by `backup`)) as " in capsys.readouterr().err
    assert [p.name for p in plain.iterdir()] == ["copy.sqlite3"] and copy.read_bytes() == kept
    restored = meta_of(tmp_path / "other" / DB_FILENAME)
    assert restored["forked_from"] == meta_of(copy)["epoch"] != restored["epoch"]


def test_a_copy_of_a_crashed_servers_files_restores_with_what_its_wal_holds(
    data_dir: Path, tmp_path: Path
) -> None:
    _crash_with_a_commit_in_the_wal(data_dir)
    copies = tmp_path / "copies"
    copies.mkdir()
    for side in ("", "-wal"):
        shutil.copyfile(f"{data_dir / DB_FILENAME}{side}", f"{copies / 'crashed.sqlite3'}{side}")
    restore(tmp_path / "other", copies / "crashed.sqlite3")
    assert LATE_TOKEN in _tokens(tmp_path / "other" / DB_FILENAME)


def _missing(backup: Path) -> Path:
    backup.unlink()
    return backup


def _a_directory(backup: Path) -> Path:
    backup.unlink()
    backup.mkdir()
    return backup


def _garbage(backup: Path) -> Path:
    backup.write_bytes(b"\x5a" * 8192)
    return backup


def _another_database(backup: Path) -> Path:
    backup.unlink()
    with closing(sqlite3.connect(backup)) as conn:
        conn.execute("CREATE TABLE notes (body TEXT)")
    return backup


def _of_a_newer_schema(backup: Path) -> Path:
    with closing(sqlite3.connect(backup)) as conn, conn:
        conn.execute("INSERT INTO schema_version VALUES (99, 'from the future', '2027-01-01T00:00:00Z')")
    return backup


def _damaged(backup: Path) -> Path:
    spoil(
        backup, [root_page(backup, "change_log")]
    )  # meta and schema_version still read: only the check sees it
    return backup


def _the_database_in_place(backup: Path) -> Path:
    return backup.parent / "central" / DB_FILENAME


@pytest.mark.parametrize(
    ("spoiled", "said"),
    [
        (_missing, "is not a file"),
        (_a_directory, "is not a file"),
        (_garbage, "cannot be read as a database (file is not a database)"),
        (_another_database, "is not a sambat-central database (no such table: meta)"),
        (_of_a_newer_schema, "has schema version 99, newer than this program"),
        (_damaged, "failed its check ("),
        (_the_database_in_place, "is the database in place, not a backup"),
    ],
    ids=lambda value: value.__name__.strip("_") if callable(value) else "",
)
def test_a_restore_that_cannot_be_done_says_why_in_one_line_and_changes_nothing(
    data_dir: Path, capsys: pytest.CaptureFixture[str], spoiled: Callable[[Path], Path], said: str
) -> None:
    backup = spoiled(back_up(data_dir, data_dir.parent / "b.sqlite3", now=NOW).path)
    before = _files(data_dir)
    kept = backup.read_bytes() if backup.is_file() else None
    assert cli.main(["restore", str(backup), "--data-dir", str(data_dir)]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"sambat-central: {backup} ") and err.count("\n") == 1, err
    assert said in err and err.endswith(": nothing was restored\n"), err
    assert _files(data_dir) == before
    assert (backup.read_bytes() if backup.is_file() else None) == kept


def test_a_restore_cut_short_by_a_full_disk_leaves_the_database_in_place_and_no_partial_copy(
    data_dir: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    backup = back_up(data_dir, data_dir.parent / "b.sqlite3", now=NOW).path
    before = _files(data_dir)

    def disk_full(path: Path) -> None:
        raise OSError(errno.ENOSPC, "No space left on device", str(path))

    monkeypatch.setattr(restoring, "flush", disk_full)
    assert cli.main(["restore", str(backup), "--data-dir", str(data_dir)]) == 1
    assert capsys.readouterr().err.startswith("sambat-central: restore failed: [Errno 28] No space left")
    assert _files(data_dir) == before


def test_a_restore_killed_before_its_last_rename_leaves_the_old_database_under_its_name(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Never a moment without ``central.sqlite3``: a ``serve`` started then would make an empty database, and
    every desk would take it for a restore and walk it."""
    backup = back_up(data_dir, data_dir.parent / "b.sqlite3", now=NOW).path
    db = data_dir / DB_FILENAME
    before = meta_of(db)
    taken = Path.replace

    def killed(self: Path, target: str | Path) -> Path:
        if Path(target) == db:
            raise KeyboardInterrupt  # the process dies before the copy takes the name
        return taken(self, target)

    monkeypatch.setattr(Path, "replace", killed)
    with pytest.raises(KeyboardInterrupt):
        restore(data_dir, backup, now=NOW)
    monkeypatch.undo()
    assert meta_of(db) == before  # the database in place, whole, as it was
    [aside] = data_dir.glob(f"{DB_FILENAME}.replaced-*Z")
    assert meta_of(aside) == before
    restore(data_dir, backup, now=NOW)  # run again, it ends the job
    assert meta_of(db)["forked_from"] == meta_of(backup)["epoch"]


@pytest.mark.e2e
def test_a_restore_is_refused_while_a_server_runs_on_the_data(
    fresh_server: CentralServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert fresh_server.process is not None
    backup = back_up(fresh_server.data_dir, tmp_path / "b.sqlite3").path  # beside the server: that works
    db = fresh_server.data_dir / DB_FILENAME
    epoch = meta_of(db)["epoch"]
    assert cli.main(["restore", str(backup), "--data-dir", str(fresh_server.data_dir)]) == 1
    assert capsys.readouterr().err == (
        f"sambat-central: cannot restore: {fresh_server.data_dir} is in use by sambat-central serve "
        f"(process {fresh_server.process.pid}); stop it first\n"
    )
    assert meta_of(db)["epoch"] == epoch and not list(fresh_server.data_dir.glob(f"{DB_FILENAME}.re*"))
    assert fresh_server.intake()["version"] == 1


def _walk_the_feed(server: CentralServer, user: str, cursor: str | None = None) -> tuple[list[int], str]:
    """What a desk's sync does: follow the feed to its end; the seqs seen and the cursor it keeps."""
    seqs: list[int] = []
    while True:
        params = {"limit": 200, **({"cursor": cursor} if cursor else {})}
        response = server.http(user).get("/v1/changes", params=params)
        assert response.status_code == 200, response.text
        page = response.json()
        seqs += [change["seq"] for change in page["changes"]]
        cursor = page["next_cursor"]
        if not page["has_more"]:
            return seqs, cursor


@pytest.mark.e2e
def test_a_desk_cursor_of_the_replaced_database_is_refused_even_once_the_restored_server_moved_past_it(
    fresh_server: CentralServer, tmp_path: Path
) -> None:
    server, desk = fresh_server, "operator.dpuprpkp"
    for user in (desk, "coordinator"):
        server.token(user)  # made before the backup: the restore keeps them
    kept = [server.intake()["id"] for _ in range(3)]
    backup = back_up(server.data_dir, tmp_path / "nightly.sqlite3").path
    lost = [server.intake()["id"] for _ in range(4)]
    _, cursor = _walk_the_feed(server, desk)  # the desk has seen the changes the restore loses

    with server.stopped():
        assert cli.main(["restore", str(backup), "--data-dir", str(server.data_dir)]) == 0
    assert server.intake()["id"] not in kept and server.complaint(kept[0])["id"] == kept[0]
    assert server.http("coordinator").get(f"/v1/complaints/{lost[0]}").status_code == 404
    # The restored server takes new changes until its watermark passes the desk's cursor: with the old epoch
    # the desk would resume there and skip every change in between, without a word.
    while max(_walk_the_feed(server, desk)[0]) <= decode_cursor(cursor).seq:
        server.intake()

    refused = server.http(desk).get("/v1/changes", params={"cursor": cursor})
    assert assert_problem(refused, 410, "cursor_expired")["reason"] == "other_database"
    again, fresh = _walk_the_feed(server, desk)  # walking the feed again from the start works
    assert again and server.http(desk).get("/v1/changes", params={"cursor": fresh}).status_code == 200
