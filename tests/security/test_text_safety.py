"""The display sanitiser against hostile text: escape sequences, C0/C1 controls, bidi tricks, invisibles.

Markup is deliberately out of scope here: ``[@click=app.quit]`` and ``[/bold]`` must come out unchanged,
because stopping markup is the widget's job (draw as plain ``Text``/``Content``, never parse it as markup).
"""

from __future__ import annotations

import re
import sys
import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sambat_tui.domain.text_safety import (
    ELLIPSIS,
    ESCAPE_MARK,
    NEWLINE_MARK,
    REPLACEMENT,
    neutralise,
    one_line,
)

E = ESCAPE_MARK
FFFD = REPLACEMENT
SCOTLAND = "\U0001f3f4\U000e0067\U000e0062\U000e0073\U000e0063\U000e0074\U000e007f"
FAMILY = "\U0001f468\u200d\U0001f469\u200d\U0001f467\u200d\U0001f466"
RAINBOW_FLAG = "\U0001f3f3\ufe0f\u200d\U0001f308"
WOMAN_DEV_MEDIUM = "\U0001f469\U0001f3fd\u200d\U0001f4bb"

HOSTILE: list[tuple[str, str, str]] = [
    # OSC: operating system commands
    ("osc52 clipboard write, BEL", "\x1b]52;c;ZXZpbA==\x07Jalan rusak", E + "Jalan rusak"),
    ("osc52 clipboard write, ST", "\x1b]52;c;ZXZpbA==\x1b\\Jalan rusak", E + "Jalan rusak"),
    ("osc0 window title", "\x1b]0;Sesi berakhir, ketik sandi\x07Judul", E + "Judul"),
    (
        "osc8 hyperlink",
        "\x1b]8;;https://evil.example/\x1b\\klik di sini\x1b]8;;\x1b\\",
        E + "klik di sini" + E,
    ),
    ("osc unterminated runs to the end", "Judul\x1b]0;sisa teks tanpa akhir", "Judul" + E),
    ("osc ended by CAN", "\x1b]0;ju\x18dul", E + "dul"),
    ("osc broken by a new escape", "\x1b]0;t\x1b[31mmerah", E + E + "merah"),
    # CSI: cursor, erase, colours, private modes
    ("csi cursor back", "Selesai\x1b[7DDitolak", "Selesai" + E + "Ditolak"),
    ("csi clear screen and home", "\x1b[2J\x1b[Hhalo", E + E + "halo"),
    ("csi colours", "\x1b[1;31mMERAH\x1b[0m", E + "MERAH" + E),
    ("csi private mode alt screen", "\x1b[?1049hx", E + "x"),
    ("csi intermediate byte cursor shape", "\x1b[2 qx", E + "x"),
    ("csi without final byte", "a\x1b[12;", "a" + E),
    ("csi cut by a control", "\x1b[3\x07m", E + "\u2407m"),
    # DCS, SOS, PM, APC strings
    ("dcs request status", "\x1bP$qm\x1b\\ok", E + "ok"),
    ("dcs unterminated", "a\x1bPpayload tanpa ST", "a" + E),
    ("apc kitty graphics", "\x1b_Gf=100;AAAA\x1b\\gambar", E + "gambar"),
    ("pm", "\x1b^rahasia\x1b\\x", E + "x"),
    ("sos", "\x1bXstring\x1b\\x", E + "x"),
    # 8-bit C1 forms
    ("8-bit csi", "\x9b31mmerah", E + "merah"),
    ("8-bit osc with BEL", "\x9d0;judul\x07x", E + "x"),
    ("8-bit osc with 8-bit ST", "\x9d52;c;ZXZpbA==\x9cx", E + "x"),
    ("8-bit dcs", "\x90q#0\x9cx", E + "x"),
    ("8-bit apc", "\x9fpayload\x1b\\x", E + "x"),
    ("lone 8-bit control", "a\x84b", "a" + E + "b"),
    ("8-bit ss2 takes its character", "\x8eAb", E + "b"),
    # other escapes
    ("ss3", "\x1bOAx", E + "x"),
    ("full reset", "\x1bcx", E + "x"),
    ("save and restore cursor", "\x1b7x\x1b8", E + "x" + E),
    ("DECALN fills the screen", "\x1b#8x", E + "x"),
    ("charset switch", "\x1b(0lqk\x1b(B", E + "lqk" + E),
    ("lone ESC at the end", "x\x1b", "x" + E),
    ("ESC before a non-ASCII character", "\x1bé", E + "é"),
    ("two escapes in a row", "\x1b\x1b[0m", E + E),
    # C0 controls and DEL
    ("NUL", "a\x00b", "a\u2400b"),
    ("BEL", "\x07\x07", "\u2407\u2407"),
    ("backspace spoofing", "Disetujui" + "\x08" * 9 + "Ditolak", "Disetujui" + "\u2408" * 9 + "Ditolak"),
    ("vertical tab and form feed", "a\x0bb\x0cc", "a\u240bb\u240cc"),
    ("DEL", "a\x7fb", "a\u2421b"),
    ("unit separator", "a\x1fb", "a\u241fb"),
    # line breaks
    (
        "lone CR cannot overwrite the line",
        "Status: Selesai\rStatus: Ditolak",
        "Status: Selesai\nStatus: Ditolak",
    ),
    ("CRLF is one line break", "baris 1\r\nbaris 2", "baris 1\nbaris 2"),
    ("NEL", "a\x85b", "a\nb"),
    ("line and paragraph separators", "a\u2028b\u2029c", "a\nb\nc"),
    # bidi "Trojan source"
    ("RLO reverses an amount", "Rp 1.000\u202e000.001", "Rp 1.000" + FFFD + "000.001"),
    (
        "isolates hide code",
        '"user\u202e \u2066// admin\u2069 \u2066"',
        '"user' + FFFD + " " + FFFD + "// admin" + FFFD + " " + FFFD + '"',
    ),
    ("embeddings and pop", "\u202aa\u202bb\u202c", FFFD + "a" + FFFD + "b" + FFFD),
    ("marks", "a\u200eb\u200fc\u061cd", "a" + FFFD + "b" + FFFD + "c" + FFFD + "d"),
    # invisible format characters
    ("zero width space inside a reference", "MLG-2026-\u200b000123", "MLG-2026-000123"),
    ("byte order mark", "\ufeffJudul", "Judul"),
    ("soft hyphen and word joiner", "Lowo\xadkwa\u2060ru", "Lowokwaru"),
    ("loose tag characters (ASCII smuggling)", "ok\U000e0069\U000e0067\U000e006e", "ok"),
    # markup is text here; the widget must not parse it
    ("click action markup", "[@click=app.quit]Klik[/]", "[@click=app.quit]Klik[/]"),
    ("closing tag without opening", "jalan [/bold] rusak", "jalan [/bold] rusak"),
    # lone surrogates must not crash
    ("surrogateescape", b"nama \xff\xfe".decode("utf-8", "surrogateescape"), "nama " + FFFD + FFFD),
    # legitimate text survives
    (
        "emoji ZWJ sequences",
        f"{FAMILY} {RAINBOW_FLAG} {WOMAN_DEV_MEDIUM}",
        f"{FAMILY} {RAINBOW_FLAG} {WOMAN_DEV_MEDIUM}",
    ),
    ("emoji tag flag", f"Bendera {SCOTLAND}!", f"Bendera {SCOTLAND}!"),
    ("newline and tab", "Kel.\tJatimulyo\nKec. Lowokwaru", "Kel.\tJatimulyo\nKec. Lowokwaru"),
]


@pytest.mark.parametrize(
    ("text", "expected"), [(t, e) for _, t, e in HOSTILE], ids=[n for n, _, _ in HOSTILE]
)
def test_hostile_inputs(text: str, expected: str) -> None:
    assert neutralise(text) == expected


def test_folded_newlines() -> None:
    assert neutralise("a\r\nb\rc\nd\u2028e", keep_newlines=False) == NEWLINE_MARK.join("abcde")
    assert neutralise("a\tb", keep_newlines=False) == "a\tb"


@pytest.mark.parametrize(
    ("text", "max_len", "expected"),
    [
        ("Jalan\r\nrusak\tparah", None, f"Jalan{NEWLINE_MARK}rusak parah"),
        ("\ufeff  Judul laporan\r\n\n", None, "  Judul laporan"),
        ("\tJudul\t", None, "Judul"),
        ("Lampu jalan mati sejak seminggu", 12, "Lampu jalan" + ELLIPSIS),
        ("Lampu", 5, "Lampu"),
        ("Lampu", 1, ELLIPSIS),
        ("\x1b]0;x\x07Judul", 3, E + "J" + ELLIPSIS),
        (f"ab{SCOTLAND}cd", 5, "ab\U0001f3f4" + ELLIPSIS),
        (f"ab{SCOTLAND}cd", 10, f"ab{SCOTLAND}" + ELLIPSIS),
        ("a" * 10_000 + "\x1b[2J", 8, "a" * 7 + ELLIPSIS),
    ],
)
def test_one_line(text: str, max_len: int | None, expected: str) -> None:
    assert one_line(text, max_len) == expected


def test_max_len_counts_characters_and_marks_the_cut() -> None:
    assert neutralise("abcdef", max_len=6) == "abcdef"
    assert neutralise("abcdefg", max_len=6) == "abcde" + ELLIPSIS
    assert neutralise("a\nb\nc", max_len=4, keep_newlines=False) == "a " + "\u23ce" + ELLIPSIS


@pytest.mark.parametrize("bad", [0, -1, True, 2.5])
def test_bad_max_len_is_rejected(bad: object) -> None:
    with pytest.raises(ValueError, match="max_len"):
        neutralise("x", max_len=bad)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="max_len"):
        one_line("x", bad)  # type: ignore[arg-type]


def test_bytes_are_rejected() -> None:
    with pytest.raises(TypeError, match="bytes"):
        neutralise(b"\x1b[2J")  # type: ignore[arg-type]


def test_big_inputs() -> None:
    description = ("Jalan berlubang di depan SDN 3, mohon segera diperbaiki \U0001f64f\n" * 3000)[:200_000]
    assert neutralise(description) == description
    hostile_line = "\x07\x1b[2J\u202e\u200b" * 2_500
    assert neutralise(hostile_line) == ("\u2407" + E + FFFD) * 2_500
    assert one_line(hostile_line, 80) == ("\u2407" + E + FFFD) * 26 + "\u2407" + ELLIPSIS
    unterminated = "\x1b]52;c;" + "A" * 200_000
    assert neutralise(unterminated) == E
    assert neutralise(unterminated, max_len=10) == E


# Every code point the module must never let through, decided from unicodedata, independently of the module.
KEPT_FORMAT = {"\u200c", "\u200d"}
VALID_FLAG = re.compile("\U0001f3f4[\U000e0020-\U000e007e]+\U000e007f")


def forbidden_chars(out: str) -> list[str]:
    flag_positions = {i for m in VALID_FLAG.finditer(out) for i in range(m.start(), m.end())}
    bad = []
    for i, ch in enumerate(out):
        if ch in "\n\t":
            continue
        category = unicodedata.category(ch)
        if category in ("Cc", "Cs", "Zl", "Zp") or (
            category == "Cf" and ch not in KEPT_FORMAT and i not in flag_positions
        ):
            bad.append(ch)
    return bad


FRAGMENTS = [
    "\x1b", "[", "]", "P", "X", "^", "_", "N", "O", "(", "#", "\\", ";", "0", "52", "?", " ", "m", "a", "é",
    "\x07", "\x18", "\x9b", "\x9d", "\x9c", "\x90", "\x8e", "\x85", "\r", "\n", "\t", "\x00", "\x08", "\x7f",
    "\u202e", "\u2066", "\u2069", "\u200e", "\u200b", "\ufeff", "\u00ad", "\u200d", "\u2028", "\ud800",
    "\udfff", "\U0001f3f4", "\U000e0067", "\U000e0062", "\U000e007f", SCOTLAND, FAMILY,
]  # fmt: skip
any_text = st.text(st.characters(exclude_categories=[]), max_size=60)
hostile_text = st.lists(st.sampled_from(FRAGMENTS) | any_text, max_size=40).map("".join)
max_lens = st.none() | st.integers(min_value=1, max_value=40)


@settings(max_examples=200)
@given(hostile_text, max_lens, st.booleans())
def test_output_never_contains_a_forbidden_character(text: str, max_len: int | None, keep: bool) -> None:
    assert forbidden_chars(neutralise(text, max_len=max_len, keep_newlines=keep)) == []
    cell = one_line(text, max_len)
    assert forbidden_chars(cell) == []
    assert "\n" not in cell
    assert "\t" not in cell


@settings(max_examples=200)
@given(hostile_text, max_lens, st.booleans())
def test_idempotent(text: str, max_len: int | None, keep: bool) -> None:
    once = neutralise(text, max_len=max_len, keep_newlines=keep)
    assert neutralise(once, max_len=max_len, keep_newlines=keep) == once
    cell = one_line(text, max_len)
    assert one_line(cell, max_len) == cell


@settings(max_examples=200)
@given(hostile_text, st.integers(min_value=1, max_value=40), st.booleans())
def test_length_bound_and_truncation_agree_with_the_full_rendering(
    text: str, max_len: int, keep: bool
) -> None:
    full = neutralise(text, keep_newlines=keep)
    bounded = neutralise(text, max_len=max_len, keep_newlines=keep)
    assert len(bounded) <= max_len
    if len(full) <= max_len:
        assert bounded == full
    else:
        assert bounded.endswith(ELLIPSIS)
        assert full.startswith(bounded[:-1])
    full_cell = one_line(text)
    cell = one_line(text, max_len)
    assert len(cell) <= max_len
    if len(full_cell) <= max_len:
        assert cell == full_cell
    else:
        assert full_cell.startswith(cell[:-1])


INDONESIAN = [
    "Jl. Soekarno-Hatta No. 5, Kel. Jatimulyo — jalan berlubang (± 2 m²)!",
    "Mohon ditindaklanjuti, sdh 3 hr lampu PJU mati. Trims 🙏",
    "Saluran mampet → banjir 30 cm; warga RT 04/RW 07 resah…",
    "«Pelayanan» di kantor kelurahan: antre ≥ 2 jam? 😡",
    FAMILY,
    RAINBOW_FLAG,
    WOMAN_DEV_MEDIUM,
    SCOTLAND,
    "❤️",
    "\U0001f1ee\U0001f1e9",  # the Indonesian flag, regional indicators
]
printable = st.lists(
    st.text(st.characters(categories=["L", "M", "N", "P", "S", "Zs"]), max_size=30)
    | st.sampled_from([*INDONESIAN, "\n", "\t"]),
    max_size=20,
).map("".join)


@settings(max_examples=200)
@given(printable)
def test_printable_text_is_unchanged(text: str) -> None:
    assert neutralise(text) == text
    single_line = text.replace("\n", " ").replace("\t", " ")
    assert neutralise(single_line, keep_newlines=False) == single_line


def expected_for(ch: str) -> str:
    """What the documented rules say one control or format character becomes."""
    code = ord(ch)
    category = unicodedata.category(ch)
    if ch in "\n\t\u200c\u200d":
        return ch
    if ch in "\r\x85\u2028\u2029":
        return "\n"
    if ch == "\x1b" or 0x80 <= code <= 0x9F:
        return E
    if code < 0x20:
        return chr(0x2400 + code)
    if code == 0x7F:
        return "\u2421"
    if category == "Cs" or ch in "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069":
        return FFFD
    assert category == "Cf", ch
    return ""


CONTROL_LIKE = [
    chr(c) for c in range(sys.maxunicode + 1) if unicodedata.category(chr(c)) in {"Cc", "Cf", "Zl", "Zp"}
]


@pytest.mark.parametrize("ch", CONTROL_LIKE, ids=[f"U+{ord(c):04X}" for c in CONTROL_LIKE])
def test_every_control_and_format_character_follows_the_rules(ch: str) -> None:
    # At the end of the text, so that an escape introducer has nothing to swallow.
    assert neutralise(f"a{ch}") == f"a{expected_for(ch)}"


def test_every_surrogate_is_replaced() -> None:
    surrogates = "".join(map(chr, range(0xD800, 0xE000)))
    assert neutralise(surrogates) == FFFD * len(surrogates)
