"""Nothing internal reaches the public side of a real city: `sambat-central seed --complaints 300`, then every
act that writes text staff or a reporter gave (notes, dispositions, returns, escalations, duplicate links,
visibility changes, holds, archives, an Open311 POST with personal fields), then every public answer: each
Open311 resource in both formats, with and without extensions, and every /lacak page in both languages.

Never public: internal and system notes, citizen replies, the reason of every disposition but a return (a
return's reason is the return transition's own reason, public by design like those of hold and archive),
the reporters' fields, any e-mail address or phone number, and any trace of a ``rahasia`` complaint.
"""

from __future__ import annotations

import dataclasses
import html
import json
import re
import sqlite3
import uuid
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI

from sambat_tui.central.cli import main as central_main
from sambat_tui.central.context import Context, Settings
from sambat_tui.central.jobs import run_jobs
from sambat_tui.central.storage import DB_FILENAME, py_time
from tests.central.open311_support import BASE, Partner, complaint_by_ref
from tests.central.support import Api, Clock, serving

SEEDED_AT = datetime(2026, 3, 16, 5, 0, tzinfo=UTC)
"""Monday 16 March 2026, 12:00 WIB."""
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# A number standing on its own: inside a word it is part of an id (an update's UUID held "0817846806" once).
PHONE = re.compile(r"(?<![0-9A-Za-z])(?:\+62|62|0)8\d{7,11}(?![0-9A-Za-z])")
SINCE = "2000-01-01T00:00:00+07:00"
MARK = "RAHASIA-INTERNAL"
"""In every reason and note this test writes, so a leak of any of them is found by name too."""


@pytest.fixture
def city_api(tmp_path: Path, settings: Settings, shared_app: FastAPI) -> Iterator[Api]:
    directory = tmp_path / "city"
    argv = ["seed", "--data-dir", str(directory), "--complaints", "300", "--now", SEEDED_AT.isoformat()]
    assert central_main(argv) == 0
    clock = Clock(SEEDED_AT + timedelta(hours=1))
    context = Context.open(dataclasses.replace(settings, data_dir=directory, clock=clock))
    with serving(shared_app, context, clock) as api:
        yield api


def _post(api: Api, complaint: dict[str, Any], path: str, body: dict[str, Any], user: str) -> None:
    headers = api.headers(
        user, **{"If-Match": f'"v{api.version(complaint["id"])}"', "Idempotency-Key": str(uuid.uuid4())}
    )
    response = api.client.post(f"/v1/complaints/{complaint['id']}/{path}", json=body, headers=headers)
    assert response.status_code == 200, response.text


def _ok(response: Any) -> None:
    assert response.status_code in (200, 201), response.text


def _act_on_everything(api: Api, partner: Partner) -> dict[str, str]:
    """Every path that writes text, each with a reason or note that names ``MARK``; returns the texts that are
    public by design (a transition's own reason), which must be shown."""
    operator, supervisor, coordinator = "operator.dpuprpkp", "supervisor.dpuprpkp", "coordinator"
    secret_contact = "hubungi 081377776666 atau warga.rahasia@contoh.id"
    noted = api.new_complaint()
    _ok(api.update(noted, operator, "internal_note", f"{MARK} catatan: {secret_contact}"))
    _ok(api.update(noted, operator, "public_response", "Tim kami jadwalkan perbaikan minggu ini."))
    # Out of triage: a dispose that moves the status (its status change repeats the reason).
    unrouted = api.intake(title="Halo admin", description="Terima kasih atas pelayanannya.").json()
    _ok(api.dispose(unrouted, coordinator, to_agency="dishub", reason=f"{MARK} dispose: {secret_contact}"))
    # A reassignment inside the agency, and a disposition to another agency.
    moved = api.new_complaint()
    reassign = f"{MARK} reassign: operator lama cuti"
    _ok(api.dispose(moved, supervisor, "reassign", to_agency="dpuprpkp", to_user=operator, reason=reassign))
    _ok(api.dispose(moved, coordinator, to_agency="dlh", reason=f"{MARK} dispose lagi"))
    # A return (its reason is public) and the coordinator's dispose back (its reason is not).
    returned = api.new_complaint()
    back = "Bukan wewenang kami: ruas ini jalan nasional, kewenangan BBPJN."
    _ok(api.act(returned, "return", operator, back))
    _ok(api.dispose(returned, coordinator, to_agency="dpuprpkp", reason=f"{MARK} kembali ke DPUPRPKP"))
    # A hold and an archive: a transition's own reason tells the citizen why.
    held = api.new_complaint()
    hold = "Menunggu material aspal dari gudang."
    _ok(api.act(held, "hold", operator, hold))
    archived = api.new_complaint()
    archive = "Laporan ganda dan tidak jelas lokasinya."
    _ok(api.act(archived, "archive", coordinator, archive))
    # Duplicates: linked (status moves), one to a rahasia original, and one unlinked again.
    original = api.new_complaint()
    _ok(api.act(original, "start", operator))
    hidden = api.new_complaint(visibility="rahasia", title="Pungli di loket")
    _ok(api.act(hidden, "start", operator))
    for duplicate, of in ((api.new_complaint(), original), (api.new_complaint(), hidden)):
        _post(
            api, duplicate, "duplicate", {"duplicate_of": of["id"], "reason": f"{MARK} duplikat"}, coordinator
        )
    _ok(api.act(hidden, "hold", operator, "Menunggu klarifikasi"))
    unlinked = api.new_complaint()
    _post(
        api, unlinked, "duplicate", {"duplicate_of": original["id"], "reason": f"{MARK} tautan"}, coordinator
    )
    _post(api, unlinked, "duplicate", {"duplicate_of": None, "reason": f"{MARK} lepas"}, coordinator)
    # Visibility: anonim, and rahasia (that one disappears).
    for value, complaint in (("anonim", api.new_complaint()), ("rahasia", api.new_complaint())):
        _post(
            api, complaint, "visibility", {"visibility": value, "reason": f"{MARK} visibilitas"}, coordinator
        )
    # Through Open311, with every personal field a partner may send.
    posted = partner.pothole(
        email="budi.rahasia@contoh.id", phone="081288887777", first_name="Budiman", last_name="Sukirno"
    )
    _ok(api.update(complaint_by_ref(api, posted["service_request_id"]), operator, "internal_note", MARK))
    # Escalations: the SLA jobs a month later, on the seeded city and all of the above.
    assert run_jobs(api.context, api.clock.advance(days=30)).escalated > 0
    return {"return": back, "hold": hold, "archive": archive}


def _never_public(db: sqlite3.Connection) -> tuple[set[str], set[str]]:
    """The texts no public answer may carry, and the references of ``rahasia`` complaints."""
    texts: set[str] = set()
    texts |= {
        row[0]
        for row in db.execute(
            "SELECT body FROM updates WHERE kind IN ('internal_note', 'system', 'citizen_reply')"
        )
    }
    texts |= {row[0] for row in db.execute("SELECT reason FROM dispositions WHERE kind <> 'return'")}
    for row in db.execute("SELECT name, phone, email, nik FROM reporters"):
        texts |= {value for value in row if value}
    hidden = {row[0] for row in db.execute("SELECT public_ref FROM complaints WHERE visibility = 'rahasia'")}
    return {t.strip() for t in texts if t.strip()}, hidden


def _json_texts(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, list):
        for item in value:
            yield from _json_texts(item)
    elif isinstance(value, dict):
        for key, item in value.items():
            yield key
            yield from _json_texts(item)


def _public_text(api: Api, refs: list[str], acted: list[str]) -> str:
    """The text of every public answer (unescaped: a leak is found however the format encodes it).

    Every request is in the listing by last change with notes (extensions=true: the plain fields and
    notes[]), every public update in servicerequestupdates, both in both formats and page by page to the
    end. One request by its reference, with and without notes, is rendered by the same code, so it is asked
    only for the complaints acted on here. Every tracking page is read in Indonesian, those acted on in
    English too.
    """
    texts: list[str] = []

    def fetch(url: str, **params: str) -> int:
        """Reads one answer into ``texts``; returns how many items a list held."""
        response = api.client.get(url, params=params)
        assert response.status_code == 200, (url, response.text[:300])
        if url.endswith(".json"):
            document = json.loads(response.content)
            texts.extend(_json_texts(document))
            return len(document)
        if url.endswith(".xml"):
            root = ET.fromstring(response.content)
            texts.extend(root.itertext())
            return len(root)
        texts.append(html.unescape(response.text))
        return 1

    def every_page(url: str, **params: str) -> None:
        page = 1
        while fetch(url, page=str(page), page_size="500", **params) == 500:
            page += 1

    for fmt in ("json", "xml"):
        fetch(f"{BASE}/discovery.{fmt}")
        fetch(f"{BASE}/services.{fmt}")
        every_page(f"{BASE}/requests.{fmt}", extensions="true", updated_after=SINCE)
        every_page(f"{BASE}/servicerequestupdates.{fmt}", start_date=SINCE)
        for extensions in ("false", "true"):
            for ref in acted:
                fetch(f"{BASE}/requests/{ref}.{fmt}", extensions=extensions)
    for ref in refs:
        fetch(f"/lacak/{ref}")
    for ref in acted:
        fetch(f"/lacak/{ref}", lang="en")
    # Each text once: the listings repeat every request several times, and the search below is per text.
    return "\n".join(dict.fromkeys(texts))


def test_nothing_internal_reaches_any_public_answer_of_a_seeded_city(city_api: Api) -> None:
    api = city_api
    partner = Partner(api)
    public_by_design = _act_on_everything(api, partner)
    db = sqlite3.connect(api.context.settings.data_dir / DB_FILENAME)
    try:
        forbidden, hidden = _never_public(db)
        rows = db.execute("SELECT public_ref, created_at FROM complaints WHERE visibility <> 'rahasia'")
        shown = [(ref, py_time(created)) for ref, created in rows]
        updates = db.execute("SELECT count(*) FROM updates").fetchone()[0]
    finally:
        db.close()
    refs = [ref for ref, _ in shown]
    acted = [ref for ref, created in shown if created > SEEDED_AT]
    assert len(refs) > 290 and len(acted) >= 12 and len(hidden) >= 3 and updates > 1600
    everything = _public_text(api, refs, acted)
    # The walk saw the city: every public reference, public responses, and the reasons meant for citizens.
    assert all(ref in everything for ref in refs)
    assert "Tim kami jadwalkan perbaikan minggu ini." in everything
    for text in public_by_design.values():
        assert text in everything, text
    leaked = sorted(t for t in forbidden if t in everything)
    assert not leaked, leaked[:10]
    assert MARK not in everything
    assert not [ref for ref in hidden if ref in everything]
    assert not EMAIL.findall(everything)
    assert not PHONE.findall(everything)
