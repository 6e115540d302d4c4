"""End to end: a citizen's app files through Open311, the desk sees it in ``sambat-tui``, answers, and the
citizen reads the answer through Open311 and on the tracking page. A real ``sambat-central serve`` process on
127.0.0.1, the real headless client commands, and the api key from ``sambat-central apikey create``."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import httpx
import pytest

from sambat_tui.cli import main as tui
from tests.support.server import CentralServer

pytestmark = pytest.mark.e2e

OPERATOR = "operator.dpuprpkp"
RESPONSE = 'Lubang sudah ditambal tim UPT pada pagi ini. Terima kasih <laporan> & "foto"-nya.'


def _tui(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    code = tui(list(argv))
    captured = capsys.readouterr()
    return code, captured.out + captured.err


def test_a_complaint_filed_through_open311_reaches_the_desk_and_its_answer_comes_back(
    central_server: CentralServer, client_home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    key = central_server.api_key("lapor-malang-android")
    with httpx.Client(base_url=central_server.url, timeout=30) as citizen:
        posted = citizen.post(
            "/open311/v2/requests.json",
            data={
                "api_key": key,
                "service_code": "JALAN_RUSAK",
                "lat": "-7.9770",
                "long": "112.6190",
                "description": "Lubang dalam di Jl. Ijen depan museum, motor sering oleng",
                "attribute[ukuran_lubang]": "besar",
                "first_name": "Rina",
                "email": "rina@contoh.id",
            },
        )
        assert posted.status_code == 201, posted.text
        [answer] = posted.json()
        ref = answer["service_request_id"]
        assert "DPUPRPKP" in answer["service_notice"] and "hari kerja" in answer["service_notice"]

        # The desk's operator syncs and finds it in the inbox of Bina Marga.
        token = central_server.token(OPERATOR)
        assert _tui(capsys, "login", "--server", central_server.url, "--token", token)[0] == 0
        assert _tui(capsys, "sync")[0] == 0
        code, listing = _tui(capsys, "list", "--plain")
        assert code == 0
        [row] = [line.split("\t") for line in listing.splitlines() if line.startswith(ref + "\t")]
        assert row[1] == "assigned" and row[3] == "dpuprpkp/dpuprpkp.jalan"
        assert row[4].startswith("Lubang dalam di Jl. Ijen")

        # The operator answers; the answer travels on the next sync.
        assert _tui(capsys, "respond", ref, RESPONSE)[0] == 0
        assert _tui(capsys, "sync")[0] == 0

        request = citizen.get(f"/open311/v2/requests/{ref}.json").json()[0]
        assert request["status_notes"] == RESPONSE and request["status"] == "open"
        root = ET.fromstring(citizen.get(f"/open311/v2/requests/{ref}.xml").content)
        assert root.findtext("request/status_notes") == RESPONSE
        updates = citizen.get(
            "/open311/v2/servicerequestupdates.json", params={"service_request_id": ref}
        ).json()
        assert RESPONSE in [u["description"] for u in updates]

        page = citizen.get(f"/lacak/{ref}")
        assert page.status_code == 200
        assert "Sudah ditanggapi" in page.text
        escaped = "Terima kasih &lt;laporan&gt; &amp; &quot;foto&quot;-nya."
        assert f"Lubang sudah ditambal tim UPT pada pagi ini. {escaped}" in page.text
        english = citizen.get(f"/lacak/{ref}", params={"lang": "en"})
        assert "Responded" in english.text and '<html lang="en">' in english.text
        # The reporter's email reached the server but is never shown to the public.
        for body in (posted.text, page.text, english.text, str(request), str(updates)):
            assert "rina@contoh.id" not in body and "Rina" not in body

        # A real server answers HEAD like GET, without the body (a link checker or a cache asks this way).
        for path in (f"/lacak/{ref}", f"/open311/v2/requests/{ref}.json", "/open311/v2/services.xml"):
            got, head = citizen.get(path), citizen.head(path)
            assert head.status_code == got.status_code == 200 and head.content == b""
            assert head.headers["content-length"] == str(len(got.content))
            assert head.headers["content-type"] == got.headers["content-type"]
