"""What an app start reads instead of writing: the seed and crash checks, the scan connection, no migrate."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from sambat_tui.domain.reference import load_reference
from sambat_tui.store import outbox, reference
from sambat_tui.store.db import SCAN_CACHE_KIB, Store
from sambat_tui.store.reference import RefEntity
from tests.store.factory import NOW


def test_needs_seed_until_seeded_and_again_when_a_seeded_row_differs(store: Store) -> None:
    shipped = load_reference()
    with store.read() as conn:
        assert reference.needs_seed(conn, shipped)
    with store.transaction() as conn:
        reference.seed(conn, shipped)
    with store.read() as conn:
        assert not reference.needs_seed(conn, shipped)
    code = shipped.categories[0].code
    with store.transaction() as conn:
        conn.execute("UPDATE categories SET data = '{}' WHERE code = ?", (code,))
    with store.read() as conn:
        assert reference.needs_seed(conn, shipped)
    with store.transaction() as conn:
        conn.execute("DELETE FROM desks WHERE id = ?", (shipped.desks[0].id,))
        reference.seed(conn, shipped)
    with store.read() as conn:
        assert not reference.needs_seed(conn, shipped)


def test_a_server_row_is_not_a_reason_to_seed(store: Store) -> None:
    shipped = load_reference()
    with store.transaction() as conn:
        reference.seed(conn, shipped)
        code = shipped.categories[0].code
        server = {**reference.get(conn, RefEntity.CATEGORY, code), "name": "Nama dari server"}  # type: ignore[dict-item]
        reference.upsert_many(conn, RefEntity.CATEGORY, [server], version=5)
    with store.read() as conn:
        assert not reference.needs_seed(conn, shipped)  # seed would leave the server's row as it is


def test_has_sending_sees_a_row_a_crash_left_sending(store: Store) -> None:
    with store.transaction() as conn:
        entry = outbox.append(
            conn,
            mutation_id="m1",
            complaint_id="c1",
            op="transition",
            payload={"action": "take"},
            base_version=1,
            authored_at=NOW,
            actor="operator.dpuprpkp",
        )
        assert not outbox.has_sending(conn)  # pending is not sending
        outbox.mark_sending(conn, entry.seq)
        assert outbox.has_sending(conn)
        assert outbox.reset_sending(conn) == 1
        assert not outbox.has_sending(conn)


def test_scan_is_a_read_only_connection_of_its_own_with_a_small_cache(store: Store) -> None:
    with store.scan() as conn:
        assert conn.execute("PRAGMA cache_size").fetchone()[0] == -SCAN_CACHE_KIB
        assert conn.in_transaction
        try:
            conn.execute("CREATE TABLE nope (x)")
        except Exception as error:  # mode=ro: SQLite refuses the write
            assert "readonly" in str(error).replace(" ", "").lower()
        else:
            raise AssertionError("a scan connection wrote to the cache")
    try:
        conn.execute("SELECT 1")
    except Exception as error:
        assert "closed" in str(error).lower()
    else:
        raise AssertionError("the scan connection was left open")


def test_opening_an_up_to_date_cache_does_not_load_sqlite_utils(tmp_path: Path) -> None:
    path = tmp_path / "cache.sqlite3"
    Store.open(path).close()  # creates and migrates
    probe = (
        "import json, sys\n"
        "from sambat_tui.store.db import Store\n"
        f"Store.open({str(path)!r}).close()\n"
        "print(json.dumps('sqlite_utils' in sys.modules))\n"
    )
    found = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert json.loads(found.stdout) is False


def test_needs_seed_compares_the_stored_data_by_value_and_json_type(store: Store) -> None:
    shipped = load_reference()
    agency = shipped.agencies[0].id
    with store.transaction() as conn:
        reference.seed(conn, shipped)
        stored = reference.get(conn, RefEntity.AGENCY, agency)
        assert stored is not None and stored["active"] is True
    reordered = json.dumps(dict(reversed(list(stored.items()))))
    for text, differs in (
        (reordered, False),  # the same object, its keys in another order
        (json.dumps({**stored, "active": 1}), True),  # 1 is not true in JSON
        (json.dumps({**stored, "name": stored["name"] + " "}), True),
        (json.dumps({**stored, "extra": None}), True),
        ("{not json", True),
    ):
        with store.transaction() as conn:
            conn.execute("UPDATE agencies SET data = ? WHERE id = ?", (text, agency))
        with store.read() as conn:
            assert reference.needs_seed(conn, shipped) is differs, text


def test_deciding_whether_to_seed_does_not_load_the_wire_encoder(tmp_path: Path) -> None:
    path = tmp_path / "cache.sqlite3"
    with Store.open(path) as opened, opened.transaction() as conn:
        reference.seed(conn, load_reference())
    probe = (
        "import json, sys\n"
        "from sambat_tui.domain.reference import load_reference\n"
        "from sambat_tui.store import reference\n"
        "from sambat_tui.store.db import Store\n"
        f"with Store.open({str(path)!r}) as store, store.read() as conn:\n"
        "    seed = reference.needs_seed(conn, load_reference())\n"
        "print(json.dumps([seed, 'pydantic_core' in sys.modules]))\n"
    )
    found = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert json.loads(found.stdout) == [False, False]
