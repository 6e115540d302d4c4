"""The inbox filter language: terms, folding into criteria, errors with positions, and never a crash."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sambat_tui.domain.model import Status, Visibility
from sambat_tui.domain.query import (
    MAX_QUERY_LENGTH,
    ME,
    STATUS_ALIASES,
    AssigneeTerm,
    CategoryTerm,
    Choice,
    DeskTerm,
    DueOp,
    DueTerm,
    KecamatanTerm,
    OverdueTerm,
    QueryError,
    StatusTerm,
    TextTerm,
    VisibilityTerm,
    parse,
)

OPEN = frozenset(s for s in Status if s.is_open)


def test_empty_and_blank_text_is_an_empty_query() -> None:
    for text in ("", "   ", "\t\n"):
        query = parse(text)
        assert query.terms == ()
        assert query.criteria().statuses == frozenset(Status)
        assert not query.criteria().empty


def test_empty_phrases_are_dropped() -> None:
    assert parse('"" "   " jalan').words == (TextTerm("jalan", span=parse('"" "   " jalan').words[0].span),)


def test_words_and_phrases_keep_their_text_and_spans() -> None:
    text = 'lampu  "jalan mati" MLG-2026-000123'
    words = parse(text).words
    assert [(w.text, w.phrase) for w in words] == [
        ("lampu", False),
        ("jalan mati", True),
        ("MLG-2026-000123", False),
    ]
    assert [text[w.span.start : w.span.end] for w in words] == ["lampu", '"jalan mati"', "MLG-2026-000123"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("status:received", {Status.RECEIVED}),
        ("status:IN_PROGRESS", {Status.IN_PROGRESS}),
        ("status:baru", {Status.RECEIVED, Status.ASSIGNED}),
        ("status:dikerjakan", {Status.IN_PROGRESS}),
        ('status:"Sedang ditindaklanjuti"', {Status.IN_PROGRESS}),
        ("status:bukan-wewenang", {Status.RETURNED}),
        ("status:selesai", {Status.CLOSED}),
        ("status:arsip", {Status.ARCHIVED}),
        ("status:terbuka", set(OPEN)),
        ("status:ditunda,menunggu_pelapor", {Status.ON_HOLD, Status.RESPONDED}),
        ("status:ditunda status:selesai", {Status.ON_HOLD, Status.CLOSED}),
        ("-status:selesai -status:archived", set(Status) - {Status.CLOSED, Status.ARCHIVED}),
        ("status:terbuka -status:ditunda", set(OPEN) - {Status.ON_HOLD}),
    ],
)
def test_status_values_and_labels(text: str, expected: set[Status]) -> None:
    assert parse(text).criteria().statuses == expected


def test_every_status_has_a_wire_spelling() -> None:
    for status in Status:
        assert STATUS_ALIASES[status.value] == {status}


def test_contradicting_statuses_match_nothing() -> None:
    assert parse("status:baru -status:baru").criteria().empty
    assert parse("overdue -overdue").criteria().empty
    assert not parse("overdue status:baru").criteria().empty


def test_key_values_fold_or_within_a_key_and_and_between_keys() -> None:
    criteria = parse(
        "cat:jalan_rusak cat:PJU kec:KLOJEN,sukun desk:dpuprpkp.jalan -desk:dpuprpkp.pju"
    ).criteria()
    assert criteria.categories == Choice(frozenset({"JALAN_RUSAK", "PJU"}))
    assert criteria.kecamatan == Choice(frozenset({"klojen", "sukun"}))
    assert criteria.desks == Choice(frozenset({"dpuprpkp.jalan"}), frozenset({"dpuprpkp.pju"}))
    assert criteria.assignees.unconstrained


def test_kecamatan_is_case_folded_and_spaces_collapse() -> None:
    (term,) = parse('kec:"  Kedung   KANDANG "').terms
    assert term == KecamatanTerm(frozenset({"kedung kandang"}), span=term.span)


def test_assignee_me_nobody_and_users() -> None:
    (me,) = parse("assignee:@me").terms
    assert isinstance(me, AssigneeTerm) and me.users == {ME} and not me.nobody
    (saya,) = parse("petugas:@SAYA").terms
    assert isinstance(saya, AssigneeTerm) and saya.users == {ME}
    criteria = parse("assignee:none,field.dishub -assignee:@me").criteria()
    assert criteria.assignees == Choice(frozenset({None, "field.dishub"}), frozenset({ME}))
    assert criteria.assignees.allows(None)
    assert not criteria.assignees.allows(ME)
    assert not criteria.assignees.allows("operator.dishub")


def test_visibility_and_its_indonesian_spelling() -> None:
    assert parse("vis:publik").criteria().visibilities == {Visibility.PUBLIC}
    assert parse("-vis:rahasia").criteria().visibilities == {Visibility.PUBLIC, Visibility.ANONIM}
    (term,) = parse("visibilitas:anonim,rahasia").terms
    assert isinstance(term, VisibilityTerm) and term.values == {Visibility.ANONIM, Visibility.RAHASIA}


@pytest.mark.parametrize(
    ("text", "op", "days", "negated"),
    [
        ("due:<3d", DueOp.LT, 3, False),
        ("due:<=3d", DueOp.LE, 3, False),
        ("due:>5d", DueOp.GT, 5, False),
        ("tenggat:>=0D", DueOp.GE, 0, False),
        ("-due:<1d", DueOp.LT, 1, True),
        ('due:"<=10d"', DueOp.LE, 10, False),
    ],
)
def test_due_specs(text: str, op: DueOp, days: int, negated: bool) -> None:
    (term,) = parse(text).terms
    assert isinstance(term, DueTerm)
    assert (term.op, term.days, term.negated) == (op, days, negated)


def test_due_terms_and_together() -> None:
    criteria = parse("due:>1d due:<5d").criteria()
    assert [(d.op, d.days) for d in criteria.due] == [(DueOp.GT, 1), (DueOp.LT, 5)]


def test_overdue_word_and_its_negation() -> None:
    assert parse("overdue").terms[0] == OverdueTerm(span=parse("overdue").terms[0].span)
    assert parse("TERLAMBAT").criteria().overdue is True
    assert parse("-overdue").criteria().overdue is False
    # Quoted, it is just text.
    assert parse('"overdue"').criteria().overdue is None
    assert parse('"overdue"').words[0].text == "overdue"


def test_negation_applies_to_key_terms() -> None:
    terms = parse("-cat:pju -kec:sukun").terms
    assert isinstance(terms[0], CategoryTerm) and terms[0].negated
    assert isinstance(terms[1], KecamatanTerm) and terms[1].negated


def test_a_lone_dash_is_a_word_not_a_negation() -> None:
    assert parse("a - b").words[1] == TextTerm("-", span=parse("a - b").words[1].span)


def test_spans_cover_the_whole_term() -> None:
    text = ' -status:baru  cat:PJU desk:"dishub.lalin"  due:<3d'
    spans = [text[t.span.start : t.span.end] for t in parse(text).terms]
    assert spans == ["-status:baru", "cat:PJU", 'desk:"dishub.lalin"', "due:<3d"]


def test_desk_ids_are_exact() -> None:
    (term,) = parse("meja:DPUPRPKP.jalan").terms
    assert term == DeskTerm(frozenset({"DPUPRPKP.jalan"}), span=term.span)


@pytest.mark.parametrize(
    ("text", "code", "start", "end"),
    [
        ("foo:bar", "unknown_key", 0, 4),
        ("jalan http://x", "unknown_key", 6, 11),
        ("-kota:malang", "unknown_key", 1, 6),
        ("status:", "missing_value", 7, 7),
        ("cat:, x", "missing_value", 4, 5),
        ('kec:""', "missing_value", 4, 6),
        ("status:bogus", "unknown_status", 7, 12),
        ("status:baru,bogus", "unknown_status", 12, 17),
        ("vis:secret", "unknown_visibility", 4, 10),
        ("due:3d", "bad_due", 4, 6),
        ("due:<3", "bad_due", 4, 6),
        ("due:<1000d", "bad_due", 4, 10),
        ("due:<-1d", "bad_due", 4, 8),
        ("due:<1d,>2d", "bad_due", 0, 11),
        ('jalan "lampu', "unterminated_quote", 6, 12),
        ('kec:"klojen', "unterminated_quote", 4, 11),
        ("-jalan", "negated_word", 0, 6),
        ("cat:a/b", "bad_value", 4, 7),
        ("a\x00b", "bad_character", 1, 2),
        ("kec:\ud800", "bad_character", 4, 5),
        ("assignee:a b", None, 0, 0),
    ],
)
def test_errors_have_a_code_and_a_span(text: str, code: str | None, start: int, end: int) -> None:
    if code is None:
        parse(text)  # "b" is a word: no error
        return
    with pytest.raises(QueryError) as caught:
        parse(text)
    assert (caught.value.code, caught.value.start, caught.value.end) == (code, start, end)


def test_error_messages_in_both_languages_name_the_problem() -> None:
    with pytest.raises(QueryError) as caught:
        parse("jalan kota:malang")
    error = caught.value
    assert "kota" in error.message("id") and "tidak dikenal" in error.message("id")
    assert "kota" in error.message("en") and "Unknown filter key" in error.message("en")
    assert error.message() == error.message("id")
    assert str(error).startswith(error.message("en"))
    with pytest.raises(QueryError) as quote:
        parse('ab "cd')
    # Positions in messages count from 1 for people; .start stays a 0-based index.
    assert quote.value.start == 3 and "4" in quote.value.message("en")


def test_too_long_input_is_refused() -> None:
    parse("a" * MAX_QUERY_LENGTH)
    with pytest.raises(QueryError) as caught:
        parse("a" * (MAX_QUERY_LENGTH + 1))
    assert caught.value.code == "too_long"


# --- properties ----------------------------------------------------------------------------------------

SYNTAX = st.sampled_from(
    [
        '"',
        "-",
        ":",
        ",",
        " ",
        "<",
        ">",
        "=",
        "d",
        "status",
        "cat",
        "kec",
        "due",
        "vis",
        "assignee",
        "@me",
        "*",
    ]
)
HOSTILE_TEXT = st.lists(st.one_of(SYNTAX, st.text(max_size=4)), max_size=30).map("".join)


@settings(max_examples=200)
@given(st.one_of(st.text(max_size=80), HOSTILE_TEXT))
def test_parse_raises_nothing_but_query_error(text: str) -> None:
    try:
        query = parse(text)
    except QueryError as error:
        assert 0 <= error.start <= error.end <= len(text)
        assert error.message("id") and error.message("en")
        return
    criteria = query.criteria()
    for term in query.terms:
        assert 0 <= term.span.start < term.span.end <= len(text)
    assert all(w.text.strip() for w in criteria.words)


WORDS = st.sampled_from(["jalan", "lampu", "sampah", "banjir", "Klojen", "MLG-2026-000001", "rusak*"])
STATUS_SPELLINGS = st.sampled_from(sorted(STATUS_ALIASES))
CATS = st.sampled_from(["JALAN_RUSAK", "PJU", "sampah_liar"])
KECS = st.sampled_from(["Klojen", "Sukun", "kedung kandang"])


@st.composite
def rendered_query(draw: st.DrawFn) -> tuple[str, dict[str, list[tuple[frozenset[object], bool]]]]:
    """A valid query text and, per key, the (values, negated) it must fold to."""
    parts: list[str] = []
    expect: dict[str, list[tuple[frozenset[object], bool]]] = {
        "status": [],
        "cat": [],
        "kec": [],
        "words": [],
    }
    for _ in range(draw(st.integers(0, 6))):
        kind = draw(st.sampled_from(["word", "status", "cat", "kec"]))
        negated = draw(st.booleans()) and kind != "word"
        dash = "-" if negated else ""
        if kind == "word":
            word = draw(WORDS)
            parts.append(word)
            expect["words"].append((frozenset({word}), False))
        elif kind == "status":
            spellings = draw(st.lists(STATUS_SPELLINGS, min_size=1, max_size=3))
            parts.append(f"{dash}status:{','.join(spellings)}")
            statuses = frozenset().union(*(STATUS_ALIASES[s] for s in spellings))
            expect["status"].append((statuses, negated))
        elif kind == "cat":
            code = draw(CATS)
            parts.append(f"{dash}cat:{code}")
            expect["cat"].append((frozenset({code.upper()}), negated))
        else:
            name = draw(KECS)
            parts.append(f'{dash}kec:"{name}"')
            expect["kec"].append((frozenset({name.casefold()}), negated))
    separator = draw(st.sampled_from([" ", "  ", "\t", " \n "]))
    return separator.join(parts), expect


def _fold(terms: list[tuple[frozenset[object], bool]], universe: frozenset[object] | None) -> object:
    positives = [v for v, negated in terms if not negated]
    negatives = frozenset().union(*(v for v, negated in terms if negated))
    if universe is not None:
        allowed = frozenset().union(*positives) if positives else universe
        return allowed - negatives
    return Choice(frozenset().union(*positives) if positives else None, negatives)


@given(rendered_query())
def test_valid_queries_fold_to_the_expected_criteria(
    case: tuple[str, dict[str, list[tuple[frozenset[object], bool]]]],
) -> None:
    text, expect = case
    query = parse(text)
    criteria = query.criteria()
    assert criteria.statuses == _fold(expect["status"], frozenset(Status))
    assert criteria.categories == _fold(expect["cat"], None)
    assert criteria.kecamatan == _fold(expect["kec"], None)
    assert [w.text for w in criteria.words] == [next(iter(v)) for v, _ in expect["words"]]
    assert all(isinstance(t, TextTerm | StatusTerm | CategoryTerm | KecamatanTerm) for t in query.terms)


def test_a_term_equals_only_terms_of_its_own_key() -> None:
    # Terms are tuples underneath; two keys with the same values and span must still differ.
    values = frozenset({"baru"})
    same_shape = [
        CategoryTerm(values),
        KecamatanTerm(values),
        DeskTerm(values),
        StatusTerm(frozenset({Status.RECEIVED})),
        VisibilityTerm(frozenset({Visibility.PUBLIC})),
    ]
    for i, a in enumerate(same_shape):
        for j, b in enumerate(same_shape):
            assert (a == b) is (i == j) and (a != b) is (i != j), (a, b)
    assert CategoryTerm(values) != (values, False, CategoryTerm(values).span)  # nor a plain tuple
    assert CategoryTerm(values) == CategoryTerm(values)
    assert len({CategoryTerm(values), CategoryTerm(values), DeskTerm(values)}) == 2
    negated = CategoryTerm(values)._replace(negated=True)
    assert type(negated) is CategoryTerm and negated.negated
    assert repr(DueTerm(DueOp.LT, 3)).startswith("DueTerm(op=")
