"""The complaint-text normaliser: how citizens write in, what routing sees."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sambat_tui.domain.informal_words import ABBREVIATIONS, JAVANESE, everyday_words
from sambat_tui.domain.text_normalize import (
    Normalizer,
    bounded_damerau_levenshtein,
    normalize,
    raw_tokens,
)

# A normaliser that knows a few routing keywords, as the router's own does.
KEYWORDS = [
    "jalan berlubang",
    "sampah",
    "lampu",
    "selokan tersumbat",
    "pungutan liar",
    "diangkut",
    "parkir liar",
]
WITH_KEYWORDS = Normalizer(vocabulary=KEYWORDS)


@pytest.fixture(scope="module")
def norm() -> Normalizer:
    return WITH_KEYWORDS


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Lampu MATI!!!", "lampu mati"),
        ("jalan rusak 😡😡 tolong!!", "jalan rusak tolong"),
        ("sampah\tmenumpuk\n\ndi\x00TPS", "sampah menumpuk di tps"),
        ("ＴＰＳ penuh", "tps penuh"),  # full-width letters from some phone keyboards
        ("Rp 5.000", "rp 5 000"),
    ],
)
def test_lowercases_and_strips_punctuation_emoji_and_controls(raw: str, expected: str) -> None:
    assert normalize(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("bauuuu", "bau"),
        ("rusakkk", "rusak"),
        ("tolonggg", "tolong"),
        ("GELAAAAP", "gelap"),
        ("saaaat", "saat"),  # the stretch collapses to one letter, then the real double letter comes back
        ("maaaaf", "maaf"),
        ("saat", "saat"),
        ("maaf", "maaf"),
        ("taat", "taat"),
    ],
)
def test_stretched_letters_collapse_without_breaking_real_double_letters(raw: str, expected: str) -> None:
    assert normalize(raw) == expected


def test_a_single_extra_letter_is_undone_when_that_gives_a_known_word(norm: Normalizer) -> None:
    assert norm.normalize("lampuu sampahh") == "lampu sampah"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("yg tdk gk ga gak", "yang tidak tidak tidak tidak"),
        ("sdh udh blm", "sudah sudah belum"),
        ("jl jln veteran", "jalan jalan veteran"),
        ("dr krn utk bgt tp dgn sy kmrn", "dari karena untuk banget tapi dengan saya kemarin"),
        ("sampah dll", "sampah dan lain lain"),
        ("SMAN 3 dan SDN 2", "sma negeri 3 dan sd negeri 2"),
        ("jukir", "juru parkir"),
    ],
)
def test_abbreviations_expand(raw: str, expected: str) -> None:
    assert normalize(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("dalane bolong", "jalan berlubang"),
        ("banyu mati", "air mati"),
        ("uwuh numpuk", "sampah menumpuk"),
        ("lampune pet, peteng", "lampu mati gelap"),
        ("got mampet", "selokan tersumbat"),
        ("mbayar duwit", "bayar uang"),
        ("wong buang sampahe", "orang buang sampah"),
        ("sekolahe", "sekolah"),
        ("kadit ayas", "tidak saya"),  # Malang walikan
    ],
)
def test_javanese_becomes_indonesian(raw: str, expected: str) -> None:
    assert normalize(raw) == expected


def test_indonesian_possessive_suffix_is_dropped_from_known_words(norm: Normalizer) -> None:
    assert norm.normalize("lampunya sampahnya selokannya") == "lampu sampah selokan"


def test_reduplication_shorthand_keeps_the_word() -> None:
    assert normalize("anak2 lampu2") == "anak lampu"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("buang sampah ke kali brantas", "buang sampah ke sungai brantas"),
        ("sudah 3 kali lapor", "sudah 3 kali lapor"),
        ("berkali-kali", "berkali kali"),
        ("kali ini parah", "kali ini parah"),
        ("naik 3 kali lipat", "naik 3 kali lipat"),
    ],
)
def test_kali_is_a_river_unless_it_counts(raw: str, expected: str) -> None:
    assert normalize(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("brlubang", "berlubang"),  # a dropped letter
        ("smapah", "sampah"),  # two letters swapped
        ("pungutan liarr", "pungutan liar"),
        ("prkir liar", "prkir liar"),  # four letters: too short to correct safely
    ],
)
def test_small_typos_in_long_words_are_corrected_towards_keywords(
    norm: Normalizer, raw: str, expected: str
) -> None:
    assert norm.normalize(raw) == expected


@pytest.mark.parametrize(
    "word",
    [
        "sampai",  # one letter from "sampah", but a real word
        "diangkat",  # one letter from "diangkut"; a prefix on a known stem
        "terdaftar",
        "perhatikan",
        "teman",
    ],
)
def test_real_words_near_keywords_are_left_alone(norm: Normalizer, word: str) -> None:
    assert norm.normalize(word) == word


def test_two_equally_close_keywords_give_no_correction() -> None:
    norm = Normalizer(vocabulary=["diangkut", "diangkat"])
    assert norm.normalize("diangkt") == "diangkt"


def test_first_letter_must_match_for_a_correction() -> None:
    norm = Normalizer(vocabulary=["taman"])
    assert norm.normalize("raman") == "raman"


def test_raw_tokens_split_letters_from_digits() -> None:
    assert list(raw_tokens("SMPN18 rt05")) == ["smpn", "18", "rt", "05"]


def test_a_replacement_that_gives_a_replaced_word_is_refused() -> None:
    with pytest.raises(ValueError, match="'aa'"):
        Normalizer(replacements={"aa": "bb", "bb": "cc"})


def test_shipped_word_tables_are_consistent() -> None:
    # the constructor refuses inconsistent replacement tables, so building one checks them
    Normalizer()
    for key, value in {**ABBREVIATIONS, **JAVANESE}.items():
        assert list(raw_tokens(key)) == [key], key
        assert list(raw_tokens(value)) == value.split(), value
    assert "sampai" in everyday_words()


@pytest.mark.parametrize(
    ("a", "b", "distance"),
    [
        ("", "", 0),
        ("abc", "", 3),
        ("sampah", "sampah", 0),
        ("sampah", "sampai", 1),
        ("smapah", "sampah", 1),  # adjacent transposition costs one edit
        ("brlubang", "berlubang", 1),
        ("kitten", "sitting", 3),
    ],
)
def test_damerau_levenshtein_known_distances(a: str, b: str, distance: int) -> None:
    assert bounded_damerau_levenshtein(a, b, 5) == distance
    assert bounded_damerau_levenshtein(b, a, 5) == distance


def test_damerau_levenshtein_caps_at_limit_plus_one() -> None:
    assert bounded_damerau_levenshtein("kitten", "sitting", 1) == 2
    assert bounded_damerau_levenshtein("a", "abcdef", 2) == 3
    with pytest.raises(ValueError):
        bounded_damerau_levenshtein("a", "b", -1)


def _osa_distance(a: str, b: str) -> int:
    """Unbounded optimal-string-alignment distance, the textbook table, as the reference."""
    d = [[0] * (len(b) + 1) for _ in range(len(a) + 1)]
    for i in range(len(a) + 1):
        d[i][0] = i
    for j in range(len(b) + 1):
        d[0][j] = j
    for i in range(1, len(a) + 1):
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1)
    return d[len(a)][len(b)]


short_words = st.text(alphabet="abcde", max_size=8)


@given(short_words, short_words, st.integers(min_value=0, max_value=4))
def test_bounded_distance_agrees_with_the_full_table(a: str, b: str, limit: int) -> None:
    assert bounded_damerau_levenshtein(a, b, limit) == min(_osa_distance(a, b), limit + 1)


# Text as citizens type it: lexicon words, stretched, glued with punctuation, emoji and digits.
_lexicon = sorted({*ABBREVIATIONS, *JAVANESE, *KEYWORDS, "kali", "saat", "maaf", "3", "berkali"})
_citizen_word = st.builds(
    lambda word, stretch, suffix: (word[:-1] + word[-1] * stretch if word else word) + suffix,
    st.sampled_from(_lexicon),
    st.integers(min_value=1, max_value=5),
    st.sampled_from(["", "", "nya", "ne", "e", "2", "!!", "😡"]),
)
citizen_text = st.lists(st.one_of(_citizen_word, st.text(max_size=6)), max_size=12).map(
    lambda parts: " ".join(parts)
)


@settings(max_examples=300)
@given(st.one_of(st.text(), citizen_text))
def test_normalising_twice_changes_nothing(text: str) -> None:
    once = WITH_KEYWORDS.normalize(text)
    assert WITH_KEYWORDS.normalize(once) == once


@settings(max_examples=300)
@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=200))
def test_any_text_gives_clean_space_separated_words(text: str) -> None:
    out = normalize(text)
    assert out == out.strip()
    assert "  " not in out
    assert all(token.isalnum() for token in out.split())
