"""Message catalogues and the translator: both languages complete and in step, misses fail loudly in tests."""

from __future__ import annotations

import json
import logging
import re
import subprocess
import sys
from collections.abc import Iterator
from enum import StrEnum
from pathlib import Path

import pytest

from sambat_tui.contract.problem import ProblemCode
from sambat_tui.domain import timefmt
from sambat_tui.domain.model import Action, Status
from sambat_tui.domain.transitions import ViolationCode
from sambat_tui.ui.i18n import catalogue as catalogues
from sambat_tui.ui.i18n import translator as tr
from sambat_tui.ui.i18n.catalogue import (
    Catalogue,
    CatalogueError,
    check_catalogues,
    load_catalogue,
    parse_catalogue,
)
from sambat_tui.ui.i18n.translator import (
    ENUM_SECTIONS,
    LANGUAGES,
    MessageError,
    Translator,
    UnknownLanguage,
    normalise_language,
    shipped_catalogues,
)


@pytest.fixture(autouse=True)
def _indonesian_again() -> Iterator[None]:
    yield
    tr.set_language("id")


def test_languages_agree_with_the_time_formatter() -> None:
    assert LANGUAGES == timefmt.LANGUAGES
    assert tr.DEFAULT_LANGUAGE == "id"


def test_shipped_catalogues_have_the_same_keys_and_placeholders() -> None:
    assert check_catalogues(shipped_catalogues()) == []


def test_no_message_is_empty() -> None:
    for catalogue in shipped_catalogues().values():
        for key, message in catalogue.messages.items():
            assert all(form.strip() for form in message.forms.values()), (catalogue.lang, key)


def catalogue(text: str, lang: str) -> Catalogue:
    return parse_catalogue(text, lang, f"{lang}.toml")


def test_check_reports_a_message_in_one_language_only() -> None:
    problems = check_catalogues(
        {
            "id": catalogue('[bar]\nonline = "Daring"\noffline = "Luring"\n', "id"),
            "en": catalogue('[bar]\nonline = "Online"\n', "en"),
        }
    )
    assert problems == ["bar.offline: missing in en"]


def test_check_reports_different_placeholders() -> None:
    problems = check_catalogues(
        {
            "id": catalogue('pending = "{n} menunggu kirim"\n', "id"),
            "en": catalogue('pending = { one = "one waiting", other = "{count} waiting" }\n', "en"),
        }
    )
    assert problems == ["pending: placeholders differ: en {count}; id {n}"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('a = ""', "a: the message is empty"),
        ('a = "   "', "a: the message is empty"),
        ('[s]\na = "{n"', "s.a: malformed braces"),
        ('a = "{n.__class__}"', "plain name"),
        ('a = "{0}"', "plain name"),
        ('a = "{}"', "plain name"),
        ('a = "{n[0]}"', "plain name"),
        ('a = "{n!r}"', "conversions"),
        ('a = "{n:{width}}"', "nested"),
        ("a = 3", "expected text or plural forms, got int"),
        ('a = ["x"]', "got list"),
        ('a = { one = "x", other = 2 }', "a.other: a plural form must be non-empty"),
        ('a = { one = "x", other = "" }', "a.other: a plural form must be non-empty"),
        ("a = ", "not valid TOML"),
    ],
)
def test_loading_refuses_bad_messages(text: str, message: str) -> None:
    with pytest.raises(CatalogueError, match=message):
        catalogue(text, "id")


def test_a_table_without_other_is_a_section() -> None:
    parsed = catalogue('[targets]\nmany = "{n} pengaduan"\n', "id")
    assert list(parsed.keys()) == ["targets.many"]
    assert not parsed.messages["targets.many"].plural


def test_loading_names_the_file(tmp_path: Path) -> None:
    (tmp_path / "id.toml").write_text('[status]\nclosed = ""\n', encoding="utf-8")
    with pytest.raises(CatalogueError, match=r"id\.toml: status\.closed: the message is empty"):
        load_catalogue("id", tmp_path)
    with pytest.raises(CatalogueError, match="no catalogue for language 'fr'"):
        load_catalogue("fr", tmp_path)
    with pytest.raises(CatalogueError, match="no catalogue for language 'fr'"):
        load_catalogue("fr")


@pytest.fixture
def kept_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The shipped catalogues' kept parsed form goes to a temporary directory, written as byte-code is."""
    monkeypatch.setattr(catalogues, "KEPT_DIR", tmp_path / "__pycache__")
    monkeypatch.setattr(sys, "dont_write_bytecode", False)
    return tmp_path / "__pycache__"


def _parses(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    parsed: list[str] = []
    parse = catalogues.parse_catalogue

    def counted(text: str, lang: str, source: str = "<text>") -> Catalogue:
        parsed.append(lang)
        return parse(text, lang, source)

    monkeypatch.setattr(catalogues, "parse_catalogue", counted)
    return parsed


def test_a_shipped_catalogue_is_parsed_once_then_read_as_kept(
    kept_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    parsed = _parses(monkeypatch)
    first = load_catalogue("en")
    assert parsed == ["en"]
    assert (kept_dir / "en.toml.catalogue").is_file()
    again = load_catalogue("en")
    assert parsed == ["en"]  # read as kept, not parsed
    assert dict(again.messages) == dict(first.messages)
    assert again.source == first.source == "en.toml"
    assert again.messages["bar.conflicts"].plural
    ids = load_catalogue("id")
    for made in (first, again):
        assert tr.Translator("en", catalogues={"id": ids, "en": made}).t("bar.conflicts", n=1) == "1 conflict"


def test_a_kept_catalogue_of_another_text_or_unreadable_is_parsed_again(
    kept_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    load_catalogue("id")
    kept = kept_dir / "id.toml.catalogue"
    parsed = _parses(monkeypatch)
    edited = catalogues.package_text("sambat_tui.ui.i18n", "id.toml") + '\n[extra]\nkey = "Baru"\n'
    monkeypatch.setattr(catalogues, "package_text", lambda package, name: edited)
    assert load_catalogue("id").messages["extra.key"].template() == "Baru"  # not the kept older text
    assert parsed == ["id"]
    kept.write_bytes(b"\x00not marshal")
    assert "extra.key" in load_catalogue("id").messages
    assert parsed == ["id", "id"]
    assert "extra.key" in load_catalogue("id").messages
    assert parsed == ["id", "id"]  # kept anew after the unreadable one


def test_nothing_is_kept_without_byte_code_nor_where_it_cannot_be_written(
    kept_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys, "dont_write_bytecode", True)
    assert "bar.pending" in load_catalogue("id").messages
    assert not kept_dir.exists()
    monkeypatch.setattr(sys, "dont_write_bytecode", False)
    kept_dir.write_text("a file where the directory would be", encoding="utf-8")
    assert "bar.pending" in load_catalogue("id").messages  # parsed; the write failed quietly


def test_a_kept_catalogue_cut_short_by_a_full_disk_leaves_no_part_behind(
    kept_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    kept_dir.mkdir()

    def full(self: Path, data: bytes) -> int:
        self.open("wb").write(data[:10])  # what a full disk lets through
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(Path, "write_bytes", full)
    assert "bar.pending" in load_catalogue("id").messages
    assert list(kept_dir.iterdir()) == []


def test_every_vocabulary_value_has_a_label_in_every_language() -> None:
    for lang in LANGUAGES:
        translator = Translator(lang, strict=True)
        for enum_type in ENUM_SECTIONS:
            for value in enum_type:
                assert translator.label(value).strip(), (lang, value)


# The labels the design documents fix, word for word.
INDONESIAN = {
    "status.received": "Belum diverifikasi",
    "status.assigned": "Didisposisikan",
    "status.in_progress": "Sedang ditindaklanjuti",
    "status.on_hold": "Ditunda",
    "status.responded": "Sudah ditanggapi",
    "status.returned": "Bukan wewenang",
    "status.closed": "Selesai",
    "status.archived": "Diarsipkan",
    "sla.ok": "Aman",
    "sla.due_soon": "Segera jatuh tempo",
    "sla.overdue": "Terlambat",
    "tab.baru": "Baru",
    "tab.dikerjakan": "Dikerjakan",
    "tab.jatuh_tempo": "Jatuh tempo",
    "tab.menunggu_pelapor": "Menunggu pelapor",
    "tab.semua": "Semua",
    "bar.online": "Daring",
    "bar.offline": "Luring",
}


@pytest.mark.parametrize(("key", "expected"), sorted(INDONESIAN.items()))
def test_fixed_indonesian_labels(key: str, expected: str) -> None:
    assert Translator("id", strict=True).t(key) == expected


def test_status_bar_words() -> None:
    translator = Translator("id", strict=True)
    assert translator.t("bar.last_sync", time="14.05 WIB") == "Terakhir sinkron 14.05 WIB"
    assert translator.t("bar.pending", n=3) == "3 menunggu kirim"
    assert translator.t("bar.conflicts", n=2) == "2 konflik"


REQUIRED_KEYS = [
    *(f"action.{name}" for name in ("note", "reassign", "dispose")),
    *(f"outbox.state.{state}" for state in ("pending", "sending", "failed", "conflict")),
    *(f"error.{code.value}" for code in ProblemCode),
    *(f"error.{code.value}" for code in ViolationCode),
    *(f"error.{name}" for name in ("offline", "timeout", "protocol", "unexpected", "read_only")),
    "quit.title",
    "quit.outbox_not_empty",
    "discard.title",
    "discard.body",
    "discard.confirm",
    *(f"confirm.{answer}" for answer in ("yes", "no", "cancel")),
    *(f"lang.{lang}" for lang in LANGUAGES),
]


@pytest.mark.parametrize("key", REQUIRED_KEYS)
def test_required_messages_exist(key: str) -> None:
    for catalogue_ in shipped_catalogues().values():
        assert key in catalogue_, (catalogue_.lang, key)


def test_api_error_codes_need_no_parameters() -> None:
    # The UI shows a server error as t(f"error.{code}"), without knowing what else to pass.
    translator = Translator("en", strict=True)
    for code in [*ProblemCode, *ViolationCode]:
        assert translator.t(f"error.{code.value}")


def test_plural_forms() -> None:
    en = Translator("en", strict=True)
    assert en.t("bar.conflicts", n=1) == "1 conflict"
    assert en.t("bar.conflicts", n=0) == "0 conflicts"
    assert en.t("bar.conflicts", n=2) == "2 conflicts"
    assert en.t("quit.outbox_not_empty", n=1).startswith("1 change has not")
    assert en.t("quit.outbox_not_empty", n=5).startswith("5 changes have not")
    assert Translator("id", strict=True).t("bar.conflicts", n=1) == "1 konflik"


COUNTED_NOUN = re.compile(r"\{n\} (?:new |working )?(changes|conflicts|tries|days|complaints|rows)\b")
ONLY_MANY = frozenset({"targets.many"})
"""Messages shown only for two or more (one target is named, not counted)."""


def test_an_english_count_of_things_has_a_singular_form() -> None:
    """ "1 changes queued" read wrong in the app: an English message that counts a noun has ``one``."""
    english = shipped_catalogues()["en"]
    plain = [
        key
        for key, message in english.messages.items()
        if key not in ONLY_MANY and not message.plural and COUNTED_NOUN.search(message.template())
    ]
    assert plain == []
    assert Translator("en", strict=True).t("notify.queued", n=1) == "1 change queued for sending."


def test_strict_misses_raise() -> None:
    strict = Translator("en", strict=True)
    with pytest.raises(MessageError, match=r"no message 'status\.lost'"):
        strict.t("status.lost")
    with pytest.raises(MessageError, match=r"missing \['time'\]"):
        strict.t("bar.last_sync")
    with pytest.raises(MessageError, match=r"unknown \['when'\]"):
        strict.t("bar.last_sync", time="x", when="y")
    with pytest.raises(MessageError, match="needs an int parameter n"):
        strict.t("bar.conflicts", n="2")


def test_misses_are_strict_under_pytest_by_default() -> None:
    with pytest.raises(MessageError):
        Translator("id").t("status.lost")


def test_strictness_outside_tests_follows_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    translator = Translator("id")
    monkeypatch.delenv("PYTEST_CURRENT_TEST")
    monkeypatch.delenv(tr.STRICT_ENV, raising=False)
    assert translator.t("status.lost") == "⟦status.lost⟧"
    monkeypatch.setenv(tr.STRICT_ENV, "1")
    with pytest.raises(MessageError):
        translator.t("status.lost")
    monkeypatch.setenv(tr.STRICT_ENV, "0")
    assert translator.t("status.lost") == "⟦status.lost⟧"


def test_lenient_fallbacks_keep_the_app_readable(caplog: pytest.LogCaptureFixture) -> None:
    catalogues = {
        "id": catalogue('a = "Satu {x}"\nb = "Dua"\n', "id"),
        "en": catalogue('a = "One {x}"\n', "en"),
    }
    lenient = Translator("en", catalogues=catalogues, strict=False)
    with caplog.at_level(logging.ERROR, logger="sambat_tui.ui.i18n.translator"):
        assert lenient.t("b") == "Dua"  # the source language stands in
        assert lenient.t("b") == "Dua"
        assert lenient.t("c") == "⟦c⟧"
        assert lenient.t("a") == "One {x}"  # the unfilled placeholder stays visible
    assert len([r for r in caplog.records if "'b'" in r.getMessage()]) == 1  # each miss logged once


def test_parameters_are_neutralised_for_the_terminal() -> None:
    text = Translator("id", strict=True).t(
        "discard.body", summary="\x1b]52;c;ZXZpbA==\x07catatan\u202e", ref="MLG-2026-000123"
    )
    assert "\x1b" not in text
    assert "\x07" not in text
    assert "\u202e" not in text
    assert "«␛catatan\ufffd»" in text


def test_number_parameters_keep_their_format() -> None:
    catalogues = {"id": catalogue('a = "[{n:>4}] {share:.1%}"\n', "id")}
    assert Translator("id", catalogues=catalogues, strict=True).t("a", n=7, share=0.25) == "[   7] 25.0%"


@pytest.mark.parametrize(
    ("tag", "expected"),
    [("id", "id"), ("EN", "en"), ("en_US.UTF-8", "en"), ("id-ID", "id"), ("in", "id"), ("id_ID@euro", "id")],
)
def test_normalise_language(tag: str, expected: str) -> None:
    assert normalise_language(tag) == expected


def test_unknown_languages_are_refused() -> None:
    with pytest.raises(UnknownLanguage, match="choose one of: id, en"):
        normalise_language("fr_FR")
    with pytest.raises(UnknownLanguage):
        tr.set_language("jv")
    with pytest.raises(UnknownLanguage, match="source language"):
        Translator("en", catalogues={"en": catalogue('a = "x"', "en")})


def test_current_language() -> None:
    assert tr.language() == "id"
    assert tr.label(Status.RECEIVED) == "Belum diverifikasi"
    tr.set_language("en_GB.UTF-8")
    assert tr.language() == "en"
    assert tr.t("action.take") == "Take (assign to me)"
    assert tr.label(Action.RETURN) == "Return: not our authority"


class Colour(StrEnum):
    RED = "red"


def test_label_of_an_unlabelled_type_is_a_type_error() -> None:
    with pytest.raises(TypeError, match="no labels for Colour"):
        Translator("id", strict=True).label(Colour.RED)


def test_i18n_loads_neither_textual_nor_rich() -> None:
    code = (
        "import sys, sambat_tui.ui.i18n.translator as t; t.shipped_catalogues(); "
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'rich')); "
        "print(bad); sys.exit(1 if bad else 0)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr


def test_a_catalogue_is_read_when_its_language_is_first_asked_for() -> None:
    code = (
        "import json, os\n"
        "os.environ.pop('PYTEST_CURRENT_TEST', None)\n"
        "from sambat_tui.ui.i18n import translator as t\n"
        "from sambat_tui.ui.i18n.catalogue import check_catalogues\n"
        "seen = [t.shipped_catalogues().loaded()]\n"
        "english = t.set_language('en')\n"
        "seen.append(t.shipped_catalogues().loaded())\n"
        "english.t('no.such.message')\n"  # a miss falls back to Indonesian, the source language
        "seen.append(t.shipped_catalogues().loaded())\n"
        "shipped = t.shipped_catalogues()\n"
        "print(json.dumps([seen, check_catalogues(shipped), sorted(shipped), 'xx' in shipped]))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    seen, problems, languages, unknown = json.loads(result.stdout)
    assert seen == [[], ["en"], ["id", "en"]]
    assert problems == [] and languages == sorted(LANGUAGES) and unknown is False
