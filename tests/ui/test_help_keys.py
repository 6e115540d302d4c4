"""Help agrees with the key bar and with what a key does: keys a role or state cannot use are left out
(hidden: ``check_action`` False) or dimmed with a short reason (None), never listed as usable."""

from __future__ import annotations

from rich.style import Style
from rich.text import Text

from sambat_tui.domain.model import Role, Status
from sambat_tui.ui.i18n import set_language
from sambat_tui.ui.screens.help import HelpScreen
from sambat_tui.ui.widgets.key_bar import KeyBar
from tests.ui.fakes import FakeSession, make_records
from tests.ui.harness import Running, running
from tests.ui.supervision_fakes import install


def _session(role: Role) -> FakeSession:
    session = FakeSession(make_records(40), role=role)
    install(session)
    return session


async def _help(r: Running) -> Text:
    await r.press("question_mark")
    assert isinstance(r.app.screen, HelpScreen)
    return r.app.screen.keys_text


def _line(text: Text, label: str) -> str | None:
    found = [line for line in text.plain.splitlines() if line[16:].startswith(label)]
    return found[0] if found else None


def _dim(text: Text, label: str) -> bool:
    """Whether the help line of ``label`` is drawn dim."""
    start = text.plain.index(label)
    return any(
        span.start <= start < span.end and isinstance(span.style, Style) and span.style.dim
        for span in text.spans
    )


async def test_an_operator_s_help_lists_no_supervisor_view_nor_reassign() -> None:
    async with running(_session(Role.OPERATOR)) as r:
        text = await _help(r)
        for label in ("Beban kerja", "Eskalasi", "Dasbor", "Verifikasi", "Alihkan", "Ke tebakan N"):
            assert label not in text.plain, label
        headings = [line for line in text.plain.splitlines() if line and not line.startswith(" ")]
        assert headings == [
            "Kotak masuk",
            "Di mana saja",
            "Pencarian",
            "Pengaduan",
            "Kotak keluar",
            "Daftar pilihan",
            "Dialog",
        ]
        assert _line(text, "Ambil") is not None and _line(text, "Bantuan") is not None
        await r.press("escape", "W", "V")  # hidden keys do nothing, as help says
        assert r.app.screen is r.inbox


async def test_a_supervisor_s_help_lists_the_views_but_not_triage() -> None:
    async with running(_session(Role.SUPERVISOR)) as r:
        text = await _help(r)
        for label in ("Beban kerja", "Eskalasi", "Dasbor", "Alihkan"):
            assert _line(text, label) is not None, label
        assert "Verifikasi" not in text.plain  # neither the V key nor the coordinator's triage keys


async def test_keys_a_role_may_never_use_are_dimmed_with_the_reason() -> None:
    async with running(_session(Role.AUDITOR)) as r:
        bar = {label: enabled for _, label, enabled in r.inbox.query_one(KeyBar).shown()}
        assert bar["key.take"] is False  # dimmed in the bar
        text = await _help(r)
        line = _line(text, "Ambil")
        assert line is not None and line.endswith("(bukan untuk peran Anda)") and _dim(text, "Ambil")
        assert _line(text, "Beban kerja") is not None and not _dim(text, "Beban kerja")
        await r.press("escape")
        set_language("en")
        try:
            text = await _help(r)
            assert (_line(text, "Take") or "").endswith("(not for your role)")
        finally:
            set_language("id")


async def test_a_key_the_row_s_status_does_not_allow_is_dimmed_as_not_available_now() -> None:
    session = _session(Role.OPERATOR)
    for record in session.records:
        record.status = Status.CLOSED
    async with running(session) as r:
        text = await _help(r)
        assert (_line(text, "Ambil") or "").endswith("(tidak tersedia sekarang)") and _dim(text, "Ambil")
        assert not (_line(text, "Bantuan") or "").endswith(")")
