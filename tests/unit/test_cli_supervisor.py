"""The supervisor's headless commands offline: what they queue or refuse, what they print, exit codes."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import pytest

from sambat_tui.cli import main
from sambat_tui.services.profiles import profile_paths
from sambat_tui.store import outbox, reference
from sambat_tui.store.db import Store
from sambat_tui.store.reference import RefEntity
from tests.support.cache import private_home, seeded_profile, wire_complaint

HOSTILE = "Lampu mati \x1b]52;c;ZXZpbA==\x07 [bold]x \u202eabc"


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    return private_home(tmp_path, monkeypatch)


STAFF = [
    {
        "id": "field.dpuprpkp",
        "name": "Sari",
        "agency_id": "dpuprpkp",
        "roles": ["field_officer"],
        "desk_ids": [],
    },
]


def _seed(user: str, items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    profile = seeded_profile(items, user_id=user)
    with Store.open(profile.cache_path) as store, store.transaction() as conn:
        reference.upsert_many(conn, RefEntity.USER, STAFF, version=1)
    return items


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def _queued() -> list[outbox.OutboxEntry]:
    with Store.open(profile_paths("default").cache_path) as store, store.read() as conn:
        return outbox.list_entries(conn)


def test_reassign_queues_one_disposition_per_reference(
    home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    items = _seed("supervisor.dpuprpkp", [wire_complaint() for _ in range(3)])
    refs = [i["public_ref"] for i in items]
    code, out, err = _run(capsys, "reassign", *refs, "--desk", "dpuprpkp.pju", "--reason", "Salah meja")
    assert code == 0, err
    assert out.count("Diantrekan: reassign") == 3 and all(ref in out for ref in refs)
    entries = _queued()
    assert [(e.payload["kind"], e.payload["to_agency"], e.payload["to_desk"]) for e in entries] == [
        ("reassign", "dpuprpkp", "dpuprpkp.pju")
    ] * 3
    assert "3 perubahan menunggu" in err


def test_a_missing_reference_fails_the_command_but_the_rest_is_queued(
    home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    [item] = _seed("supervisor.dpuprpkp", [wire_complaint()])
    code, out, err = _run(
        capsys, "reassign", item["public_ref"], "MLG-2026-999999", "--user", "field.dpuprpkp", "--reason", "x"
    )
    assert code == 1 and "MLG-2026-999999" in err and item["public_ref"] in out
    assert len(_queued()) == 1


def test_an_operator_is_refused_at_once_and_nothing_is_queued(
    home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    [item] = _seed("operator.dpuprpkp", [wire_complaint()])
    for argv in (
        ("reassign", item["public_ref"], "--desk", "dpuprpkp.pju", "--reason", "x"),
        ("dispose", item["public_ref"], "--agency", "dlh", "--reason", "x"),
        ("archive", item["public_ref"], "--reason", "x"),
        ("visibility", item["public_ref"], "rahasia", "--reason", "x"),
    ):
        code, _, err = _run(capsys, *argv)
        assert code == 1 and "peran Anda tidak boleh melakukannya" in err, argv
    for view in ("workload", "escalations", "dashboard", "triage"):
        code, out, err = _run(capsys, view, "--plain")
        assert code == 1 and out == "" and "peran Anda" in err, view
    assert _queued() == []


def test_an_unknown_desk_is_named(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    [item] = _seed("supervisor.dpuprpkp", [wire_complaint()])
    code, _, err = _run(
        capsys, "--lang", "en", "reassign", item["public_ref"], "--desk", "no.such", "--reason", "x"
    )
    assert code == 1 and "desk no.such is not known" in err
    assert _queued() == []


def test_dispose_visibility_link_and_archive_for_the_coordinator(
    home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    a, b, c = _seed("coordinator", [wire_complaint() for _ in range(3)])
    assert (
        _run(
            capsys,
            "dispose",
            a["public_ref"],
            "--agency",
            "dlh",
            "--desk",
            "dlh.kebersihan",
            "--reason",
            "DLH",
        )[0]
        == 0
    )
    assert _run(capsys, "visibility", b["public_ref"], "anonim", "--reason", "Minta disamarkan")[0] == 0
    assert (
        _run(capsys, "link", c["public_ref"], "--duplicate-of", b["public_ref"], "--reason", "Sama")[0] == 0
    )
    assert _run(capsys, "archive", a["public_ref"], "--reason", "Iseng")[0] == 0
    code, _, err = _run(capsys, "link", a["public_ref"], "--duplicate-of", c["public_ref"], "--reason", "x")
    assert code == 1 and "tidak bisa ditautkan" in err
    ops = [
        (e.op, e.payload.get("kind") or e.payload.get("visibility") or e.payload.get("action"))
        for e in _queued()
    ]
    assert ops == [
        ("disposition", "dispose"),
        ("visibility", "anonim"),
        ("duplicate", None),
        ("transition", "archive"),
    ]
    assert _queued()[2].payload["duplicate_of"] == b["id"]


def test_views_print_tab_separated_lines_and_csv(
    home: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    _seed(
        "coordinator",
        [
            wire_complaint(assignee_id="field.dpuprpkp"),
            wire_complaint(
                status="received", agency_id=None, desk_id=None, title=HOSTILE, category_code=None
            ),
        ],
    )
    code, out, _ = _run(capsys, "workload", "--plain")
    lines = out.splitlines()
    assert code == 0 and lines[0].split("\t")[:5] == ["kind", "id", "name", "agency_id", "open"]
    assert any(line.startswith("desk\tdpuprpkp.jalan\t") for line in lines)
    assert any(line.startswith("person\tfield.dpuprpkp\t") for line in lines)
    code, out, _ = _run(capsys, "triage", "--plain")
    assert code == 0 and len(out.splitlines()) == 2
    assert "\x1b" not in out and "\u202e" not in out and "\x07" not in out
    target = tmp_path / "triage.csv"
    code, _, err = _run(capsys, "triage", "--csv", "-o", str(target))
    assert code == 0 and "1 baris" in err
    rows = list(csv.reader(io.StringIO(target.read_text(encoding="utf-8"))))
    assert rows[0][0] == "public_ref" and len(rows) == 2


def test_dashboard_text_and_report(home: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    _seed("supervisor.dpuprpkp", [wire_complaint(), wire_complaint(category_code="PJU")])
    code, out, _ = _run(capsys, "dashboard", "--weeks", "4")
    assert code == 0 and "Tunggakan per kategori" in out and "JALAN_RUSAK" not in out.split("\n")[0]
    assert len([line for line in out.splitlines() if line.startswith("  20")]) == 4
    target = tmp_path / "w06.md"
    code, _, err = _run(capsys, "report", "--week", "2026-W06", "-o", str(target))
    assert code == 0 and "2026-W06" in err
    text = target.read_text(encoding="utf-8")
    assert text.startswith("# Laporan mingguan pengaduan 2026-W06") and "| Pengaduan masuk | 2 |" in text
    code, _, err = _run(capsys, "report", "--week", "2026-06")
    assert code == 1 and "YYYY-Www" in err


@pytest.mark.parametrize(
    ("argv", "indonesian", "english"),
    [
        (["--week", "2026-06"], "bukan minggu ISO (formatnya YYYY-Www", "not an ISO week (expected YYYY-Www"),
        (["--week", "2027-W53"], "tahun 2027 punya minggu ISO 1 sampai 52, bukan 53", "2027 has ISO weeks 1"),
        (["--week", "2026-W05", "--weeks", "0"], "--weeks harus 1 sampai 104", "--weeks must be 1 to 104"),
    ],
)
def test_report_errors_speak_the_profile_s_language(
    home: Path, capsys: pytest.CaptureFixture[str], argv: list[str], indonesian: str, english: str
) -> None:
    _seed("supervisor.dpuprpkp", [wire_complaint()])
    code, _, err = _run(capsys, "report", *argv)
    assert code == 1 and indonesian in err and english not in err
    code, _, err = _run(capsys, "--lang", "en", "report", *argv)
    assert code == 1 and english in err


def test_dashboard_medians_have_column_headings(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _seed("supervisor.dpuprpkp", [wire_complaint()])
    for lang, words in (("id", ("Meja", "Tanggapan pertama", "Selesai")), ("en", ("Desk", "First response"))):
        code, out, _ = _run(capsys, "--lang", lang, "dashboard", "--weeks", "2")
        lines = out.splitlines()
        heading = lines[
            lines.index("Median hari kerja per meja" if lang == "id" else "Median working days per desk") + 1
        ]
        assert code == 0 and all(word in heading for word in words), heading


def test_csv_numbers_stay_numbers_and_formulas_stay_defused(
    home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    overdue = wire_complaint(title="-1+1 bukan angka")
    _seed("supervisor.dpuprpkp", [overdue])
    code, out, _ = _run(capsys, "export", "--csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert code == 0 and int(rows[0]["sla_days_left"]) < 0  # overdue since February: a negative number
    assert rows[0]["title"] == "'-1+1 bukan angka"


def test_export_takes_the_list_s_sort(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _seed("supervisor.dpuprpkp", [wire_complaint() for _ in range(4)])
    orders = []
    for argv in (["--sort", "age"], ["--sort", "age", "--desc"]):
        code, out, _ = _run(capsys, "export", "--csv", *argv)
        assert code == 0
        orders.append([row["public_ref"] for row in csv.DictReader(io.StringIO(out))])
    assert len(orders[0]) == 4 and orders[1] == orders[0][::-1]


def test_duplicates_of_a_reference(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    place = {
        "lat": -7.952,
        "lon": 112.614,
        "address": None,
        "kelurahan": "Tlogomas",
        "kecamatan": "Lowokwaru",
    }
    subject = wire_complaint(title="Jalan berlubang depan SDN 3", description="bahaya motor", location=place)
    twin = wire_complaint(title="Jalan bolong depan SDN 3", description="bahaya buat motor", location=place)
    _seed("supervisor.dpuprpkp", [subject, twin])
    code, out, _ = _run(capsys, "duplicates", subject["public_ref"], "--plain")
    assert code == 0 and out.splitlines()[1].startswith(twin["public_ref"] + "\t")
    code, _, err = _run(capsys, "duplicates", twin["public_ref"].replace("0", "9"), "--plain")
    assert code == 1 and "tidak ada di data lokal" in err
