"""``--city-dir``: a city's own data files override the shipped ones, checked at start; ``city init``."""

from __future__ import annotations

import subprocess
import sys
import uuid
from pathlib import Path
from typing import Any

import httpx
import pytest

from sambat_tui.central import cli
from sambat_tui.central.city import CITY_FILES, ENV_VAR, CityDataError, city_dir_from, load_city
from sambat_tui.central.storage import Storage
from tests.support.server import CentralServer, free_port

LAMP = {
    "channel": "web",
    "title": "Lampu jalan mati",
    "description": "Lampu jalan di depan masjid mati sudah seminggu, malam gelap sekali.",
}
PJU_TARGET = 'target = { agency = "dpuprpkp", desk = "dpuprpkp.pju" }'
DISHUB_TARGET = 'target = { agency = "dishub", desk = "dishub.lalin" }'


@pytest.fixture
def city(tmp_path: Path) -> Path:
    directory = tmp_path / "city"
    assert cli.main(["city", "init", str(directory)]) == 0
    return directory


def _rewrite(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def _serve(city: Path | None, data_dir: Path, *env: str) -> subprocess.CompletedProcess[str]:
    options = ["--city-dir", str(city)] if city is not None else []
    command = [sys.executable, "-m", "sambat_tui.central.cli", "serve", "--data-dir", str(data_dir)]
    return subprocess.run(
        [*command, "--port", str(free_port()), *options],
        capture_output=True,
        text=True,
        timeout=60,
        env={**dict(e.split("=", 1) for e in env), "PATH": "/usr/bin:/bin"},
    )


def test_init_copies_every_shipped_file_and_refuses_to_overwrite(
    city: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert sorted(p.name for p in city.iterdir()) == sorted(CITY_FILES)
    shipped = Path(cli.__file__).parent.parent / "domain" / "data"
    assert all((city / n).read_bytes() == (shipped / n).read_bytes() for n in CITY_FILES)
    (city / "sla.toml").write_text("verify_days = 2\n", encoding="utf-8")
    capsys.readouterr()
    assert cli.main(["city", "init", str(city)]) == 2
    assert "pass --force" in capsys.readouterr().err
    assert (city / "sla.toml").read_text(encoding="utf-8") == "verify_days = 2\n"
    assert cli.main(["city", "init", "--force", str(city)]) == 0
    assert (city / "sla.toml").read_bytes() == (shipped / "sla.toml").read_bytes()


def test_a_file_the_city_lacks_is_the_shipped_one(tmp_path: Path) -> None:
    (tmp_path / "sla.toml").write_text("[resolve_days]\nringan = 4\n", encoding="utf-8")
    city = load_city(tmp_path)
    shipped = load_city(None)
    assert city.overridden == ("sla.toml",)
    assert city.policy.resolve_days[city.reference.categories[0].sla_class] is not None
    assert dict(city.policy.resolve_days) != dict(shipped.policy.resolve_days)
    assert city.reference == shipped.reference and city.calendar.holidays == shipped.calendar.holidays


def test_the_environment_names_the_directory_when_the_option_does_not(tmp_path: Path) -> None:
    assert city_dir_from(None, {ENV_VAR: str(tmp_path)}) == tmp_path
    assert city_dir_from(tmp_path / "x", {ENV_VAR: str(tmp_path)}) == tmp_path / "x"
    assert city_dir_from(None, {ENV_VAR: " "}) is None


@pytest.mark.parametrize(
    ("name", "old", "new", "where"),
    [
        ("desks.csv", "dishub.lalin,dishub,", "dishub.lalin,dishubb,", "desks.csv, line 11: agency_id"),
        (
            "categories.csv",
            "PJU,Lampu jalan (PJU) mati,",
            "PJU,",
            "categories.csv, line 4: expected 7 fields",
        ),
        ("agencies.csv", "dlh,Dinas Lingkungan Hidup,DLH,opd", "dlh,x,DLH,dinas", "line 6: unknown kind"),
        ("kelurahan.csv", "Blimbing,Arjosari,-7.9310", "Blimbing,Arjosari,south", "line 2: lat 'south'"),
        ("routing_rules.toml", PJU_TARGET, 'target = { agency = "nope" }', "routing_rules.toml, line 94:"),
        ("sla.toml", "ringan = 2", "ringan = -2", "resolve_days.ringan must be zero or more"),
        ("category_attributes.toml", "[[JALAN_RUSAK]]", "[[JALAN_RUSAKK]]", "unknown category code(s)"),
    ],
)
def test_a_mistake_names_the_file_and_where(city: Path, name: str, old: str, new: str, where: str) -> None:
    _rewrite(city / name, old, new)
    with pytest.raises(CityDataError) as error:
        load_city(city)
    assert str(city / name) in str(error.value) and where in str(error.value)


def test_a_changed_routing_rule_routes_a_real_intake_elsewhere(
    city: Path, tmp_path: Path, central_server: CentralServer
) -> None:
    _rewrite(city / "routing_rules.toml", PJU_TARGET, DISHUB_TARGET)
    own = CentralServer(data_dir=tmp_path / "own", serve_options=("--city-dir", str(city))).start()
    try:
        after = own.intake(**LAMP, category_code=None)
        route = own.history(after["id"])["dispositions"][0]
    finally:
        own.stop()
    before = central_server.intake(**LAMP, category_code=None)  # the shipped rules
    assert (before["agency_id"], before["desk_id"]) == ("dpuprpkp", "dpuprpkp.pju")
    assert (after["agency_id"], after["desk_id"]) == ("dishub", "dishub.lalin")
    assert route["rule_id"] == "dpuprpkp.pju" and route["to_agency_id"] == "dishub"


def test_a_city_table_changed_later_reaches_the_database_at_the_next_start(
    city: Path, tmp_path: Path
) -> None:
    data_dir = tmp_path / "central"
    assert cli.main(["users", "--data-dir", str(data_dir)]) == 0  # first start: the shipped tables
    _rewrite(
        city / "categories.csv", "infrastruktur,dpuprpkp,dpuprpkp.pju", "infrastruktur,dishub,dishub.lalin"
    )
    assert cli.main(["users", "--data-dir", str(data_dir), "--city-dir", str(city)]) == 0
    assert _pju_agency(data_dir) == "dishub"


def test_a_broken_holiday_file_stops_the_server_with_one_clear_line(city: Path, tmp_path: Path) -> None:
    _rewrite(city / "holidays.csv", "2026-08-17,", "2026-08-32,")
    line = next(
        n
        for n, text in enumerate((city / "holidays.csv").read_text(encoding="utf-8").splitlines(), 1)
        if text.startswith("2026-08-32")
    )
    data_dir = tmp_path / "central"
    for done in (_serve(city, data_dir), _serve(None, data_dir, f"{ENV_VAR}={city}")):
        assert done.returncode == 2
        assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr
        assert f"{city / 'holidays.csv'}, line {line}: bad date '2026-08-32'" in done.stderr
        assert not data_dir.exists()  # nothing half-done: the database was never opened


def test_a_missing_city_directory_is_a_clear_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / f"nowhere-{uuid.uuid4()}"
    assert cli.main(["users", "--data-dir", str(tmp_path / "d"), "--city-dir", str(missing)]) == 2
    assert f"city directory {missing} does not exist" in capsys.readouterr().err


def test_seed_uses_the_city_files_and_refuses_broken_ones(city: Path, tmp_path: Path) -> None:
    _rewrite(
        city / "categories.csv", "infrastruktur,dpuprpkp,dpuprpkp.pju", "infrastruktur,dishub,dishub.lalin"
    )
    data_dir = tmp_path / "seeded"
    seed = ["seed", "--complaints", "20", "--now", "2026-03-16T12:00+07:00", "--city-dir", str(city)]
    assert cli.main([*seed, "--data-dir", str(data_dir)]) == 0
    assert _pju_agency(data_dir) == "dishub"
    (city / "sla.toml").write_text("verify_days = three\n", encoding="utf-8")
    assert cli.main([*seed, "--data-dir", str(tmp_path / "never")]) == 2
    assert not (tmp_path / "never").exists()


def _pju_agency(data_dir: Path) -> str | None:
    """The agency the database routes the PJU category to by default."""
    storage = Storage.open(data_dir)
    try:
        with storage.read() as tx:
            category = tx.category("PJU")
    finally:
        storage.close()
    assert category is not None
    return category.default_agency_id


BAPENDA = {
    "agencies.csv": "bapenda,Badan Pendapatan Daerah,Bapenda,opd\n",
    "desks.csv": "bapenda.pajak,bapenda,Bidang Pajak Daerah\ndpuprpkp.jembatan,dpuprpkp,Bidang Jembatan\n",
    "categories.csv": "PBB,PBB / pajak bumi dan bangunan,ekonomi,bapenda,bapenda.pajak,normatif,\n",
}


def _name_bapenda(city: Path, named: bool) -> None:
    for name, row in BAPENDA.items():
        text = (city / name).read_text(encoding="utf-8").replace(row, "")
        (city / name).write_text(text + (row if named else ""), encoding="utf-8")


def _bapenda_seen(server: CentralServer) -> tuple[bool, bool, bool, bool]:
    """(agency active, a desk of another agency active, category active, category offered through Open311)."""
    http = server.http("coordinator")
    agency = next(a for a in http.get("/v1/agencies").json() if a["id"] == "bapenda")
    desk = next(d for d in http.get("/v1/desks").json() if d["id"] == "dpuprpkp.jembatan")
    category = next(c for c in http.get("/v1/categories").json() if c["code"] == "PBB")
    services = httpx.get(f"{server.url}/open311/v2/services.json", timeout=30).json()
    offered = any(s["service_code"] == "PBB" for s in services)
    return agency["active"], desk["active"], category["active"], offered


def _move(server: CentralServer, complaint: dict[str, Any], **body: str) -> httpx.Response:
    return server.http("coordinator").post(
        f"/v1/complaints/{complaint['id']}/dispositions",
        json={"reason": "Pindah bidang", **body},
        headers={"If-Match": f'"v{complaint["version"]}"', "Idempotency-Key": str(uuid.uuid4())},
    )


def test_rows_removed_from_a_city_table_are_retired_and_come_back_when_named_again(
    city: Path, tmp_path: Path
) -> None:
    _name_bapenda(city, True)
    server = CentralServer(data_dir=tmp_path / "central", serve_options=("--city-dir", str(city)))
    server.start()
    try:
        assert _bapenda_seen(server) == (True, True, True, True)
        filed = server.intake(
            category_code="PBB", title="PBB salah hitung", description="Tagihan PBB naik dua kali."
        )
        assert filed["agency_id"] == "bapenda"
    finally:
        server.stop()

    _name_bapenda(city, False)  # the city merged Bapenda into another agency
    server.start()
    try:
        assert _bapenda_seen(server) == (False, False, False, False)
        refused = server.http("coordinator").put(
            f"/v1/complaints/{uuid.uuid4()}",
            json={"channel": "web", "title": "PBB", "description": "Tagihan PBB.", "category_code": "PBB"},
        )
        assert refused.status_code == 422 and "retired" in refused.text
        key = server.api_key("lapor-app")
        posted = httpx.post(
            f"{server.url}/open311/v2/requests.json",
            data={
                "api_key": key,
                "service_code": "PBB",
                "address_string": "Jl. Ijen 1",
                "description": "PBB",
            },
            timeout=30,
        )
        assert posted.status_code == 404 and "unknown service_code" in posted.text
        kept = server.complaint(filed["id"])  # filed before: still under its category and agency
        assert (kept["category_code"], kept["agency_id"]) == ("PBB", "bapenda")
        other = server.intake()  # a road: DPUPRPKP's
        refused_dispose = _move(server, other, kind="dispose", to_agency="bapenda")
        assert refused_dispose.status_code == 422 and "unknown agency" in refused_dispose.text
        to_desk = {"kind": "reassign", "to_agency": "dpuprpkp", "to_desk": "dpuprpkp.jembatan"}
        refused_reassign = _move(server, other, **to_desk)
        assert refused_reassign.status_code == 422 and "is retired" in refused_reassign.text
    finally:
        server.stop()

    _name_bapenda(city, True)
    server.start()
    try:
        assert _bapenda_seen(server) == (True, True, True, True)
        assert _move(server, other, **to_desk).status_code == 200
    finally:
        server.stop()

    # The city's database served without its directory: the routing tables are the shipped ones, which do
    # not know PBB. Filing under it is refused in words (it was a 500).
    shipped = CentralServer(data_dir=server.data_dir, port=server.port)
    shipped.start()
    try:
        refused = shipped.http("coordinator").put(
            f"/v1/complaints/{uuid.uuid4()}",
            json={"channel": "web", "title": "PBB", "description": "Tagihan PBB.", "category_code": "PBB"},
        )
        assert refused.status_code == 422 and "unknown category 'PBB'" in refused.text
    finally:
        shipped.stop()
