"""The outbox says what each queued change does in the UI's language: the services give each entry a kind
and its details (they never word it), the outbox screen words it from the catalogue."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from textual.widgets import OptionList

from sambat_tui.domain.model import Action, Visibility
from sambat_tui.services.outbox import OutboxEntry, describe, summarise
from sambat_tui.services.session import Session
from sambat_tui.ui.app import SambatApp
from sambat_tui.ui.i18n import set_language
from sambat_tui.ui.ports import AppOptions
from sambat_tui.ui.screens.outbox import OutboxScreen, what
from tests.support.cache import CREATED, private_home, seeded_profile, wire_complaint

NOW = CREATED + timedelta(days=2)
WIRE_WORDS = ("take", "public_response", "reassign ->", "dispose ->", "duplicate of", "visibility ->")


@pytest.fixture
def session(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Session:
    private_home(tmp_path, monkeypatch)
    items = [wire_complaint() for _ in range(5)]
    opened = Session.open(seeded_profile(items, user_id="supervisor.dpuprpkp"), now=lambda: NOW)
    first, second, third, fourth, fifth = (i["id"] for i in items)
    actions = opened.actions
    for result in (
        actions.transition([first], Action.TAKE),
        actions.respond(second, "Perbaikan dijadwalkan minggu ini."),
        actions.move([third], to_agency="dpuprpkp", to_desk="dpuprpkp.pju", reason="beban meja"),
        actions.move([fourth], to_agency="dlh", reason="sampah, bukan jalan"),
        actions.link_duplicate(fifth, first, reason="laporan sama"),
    ):
        assert result.queued and not result.refused, result
    return opened


def _lines(app: SambatApp) -> list[str]:
    listing = app.screen.query_one("#outbox-list", OptionList)
    return [str(listing.get_option_at_index(i).prompt) for i in range(listing.option_count)]


async def test_each_queued_change_is_worded_in_the_ui_language(session: Session) -> None:
    refs = {e.op: e.public_ref for e in session.outbox.entries()}
    app = SambatApp(lambda: session, AppOptions(sync_interval_seconds=0), now=lambda: NOW)
    try:
        async with app.run_test(size=(120, 36)) as pilot:
            await pilot.pause()
            await pilot.press("o")
            await pilot.pause()
            assert isinstance(app.screen, OutboxScreen)
            text = "\n".join(_lines(app))
            for words in (
                "Ambil (tugaskan ke saya)",
                "Tanggapan publik: Perbaikan dijadwalkan minggu ini.",
                "Alihkan ke dpuprpkp/dpuprpkp.pju: beban meja",
                "Disposisikan ke dlh: sampah, bukan jalan",
                f"Duplikat dari {refs['transition']}: laporan sama",
            ):
                assert words in text
            assert not [w for w in WIRE_WORDS if w in text]
            app.set_app_language("en")
            await pilot.pause()
            english = "\n".join(_lines(app))
            for words in ("Take (assign to me)", "Public response: Perbaikan", "Reassign to dpuprpkp/"):
                assert words in english, english
            assert "Dispose to dlh: sampah" in english and f"Duplicate of {refs['transition']}" in english
    finally:
        set_language("id")
        app.close_session()


def _entry(op: str, payload: dict[str, object]) -> OutboxEntry:
    kind, details = describe(op, payload)
    return OutboxEntry(
        1,
        "m",
        "c",
        "MLG-2026-000001",
        op,
        summarise(op, payload),
        "pending",
        0,
        None,
        None,
        NOW,
        kind,
        details,
    )


@pytest.mark.parametrize(
    ("op", "payload", "indonesian", "english"),
    [
        (
            "visibility",
            {"visibility": Visibility.RAHASIA.value, "reason": "data pribadi"},
            "Kerahasiaan → Rahasia: data pribadi",
            "Visibility → Confidential: data pribadi",
        ),
        (
            "duplicate",
            {"duplicate_of": None, "reason": "beda lokasi"},
            "Bukan duplikat lagi: beda lokasi",
            "No longer a duplicate: beda lokasi",
        ),
        (
            "transition",
            {"action": "return", "reason": "bukan jalan kota"},
            "Kembalikan: bukan wewenang: bukan jalan kota",
            None,
        ),
        ("someday", {"x": 1}, "someday", "someday"),
    ],
)
def test_every_kind_has_words_in_both_languages(
    op: str, payload: dict[str, object], indonesian: str, english: str | None
) -> None:
    entry = _entry(op, payload)
    try:
        set_language("id")
        assert what(entry) == indonesian
        set_language("en")
        assert english is None or what(entry) == english
    finally:
        set_language("id")


def test_the_details_keep_the_text_as_stored_and_the_line_makes_it_safe() -> None:
    entry = _entry("update", {"kind": "internal_note", "body": "baris satu\nbaris \x1b]52;c;eA==\x07dua"})
    assert entry.details["text"] == "baris satu\nbaris \x1b]52;c;eA==\x07dua"
    line = what(entry)
    assert line.startswith("Catatan internal: baris satu") and "\x1b" not in line and "\n" not in line
