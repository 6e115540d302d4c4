"""Routing a complaint to an agency: explicit category, keyword rules, area overrides, triage."""

from __future__ import annotations

from pathlib import Path

import pytest

from sambat_tui.domain.reference import Reference, load_reference
from sambat_tui.domain.routing import (
    EXPLICIT_CATEGORY,
    KEYWORD,
    NO_MATCH,
    TIE,
    RouteDecision,
    Router,
    UnknownCategory,
)


@pytest.fixture(scope="module")
def reference() -> Reference:
    return load_reference()


@pytest.fixture(scope="module")
def router(reference: Reference) -> Router:
    return Router.load(reference=reference)


def _assert_consistent(decision: RouteDecision) -> None:
    """What every decision promises its reader."""
    assert decision.explanation.strip()
    assert decision.routed == (decision.agency_id is not None)
    scores = [c.score for c in decision.candidates]
    if decision.reason == KEYWORD:
        assert scores == sorted(scores, reverse=True)
        top = decision.candidates[0]
        assert (top.rule_id, top.matched) == (decision.rule_id, decision.matched)
    if decision.routed:
        assert decision.rule_id
    else:
        assert decision.desk_id is None
        assert decision.rule_id is None


# --- explicit category ------------------------------------------------------------------------------------


def test_explicit_category_goes_to_its_default_agency_and_desk(router: Router) -> None:
    decision = router.route(title="tolong", description="", category_code="PARKIR")
    _assert_consistent(decision)
    assert (decision.agency_id, decision.desk_id, decision.category_code) == (
        "dishub",
        "dishub.parkir",
        "PARKIR",
    )
    assert decision.reason == EXPLICIT_CATEGORY
    assert decision.rule_id == "category:PARKIR"
    assert "Juru parkir liar" in decision.explanation


def test_explicit_category_wins_over_the_text(router: Router) -> None:
    decision = router.route(title="sampah menumpuk", description="bau", category_code="DRAINASE")
    _assert_consistent(decision)
    assert decision.agency_id == "dpuprpkp"
    assert decision.candidates[0].agency_id == "dpuprpkp"
    assert "dlh" in {c.agency_id for c in decision.candidates[1:]}


@pytest.mark.parametrize(
    ("kecamatan", "desk"),
    [
        ("Blimbing", "dpuprpkp.upt-utara"),
        ("lowokwaru", "dpuprpkp.upt-utara"),
        ("Kec. Sukun", "dpuprpkp.upt-selatan"),
        ("Kecamatan  Kedungkandang", "dpuprpkp.upt-selatan"),
        ("Klojen", "dpuprpkp.jalan"),
        (None, "dpuprpkp.jalan"),
        ("Pakis", "dpuprpkp.jalan"),  # outside the city: no area rule applies
    ],
)
def test_area_rules_move_road_complaints_to_the_kecamatan_upt(
    router: Router, kecamatan: str | None, desk: str
) -> None:
    decision = router.route(title="x", description="", category_code="JALAN_RUSAK", kecamatan=kecamatan)
    _assert_consistent(decision)
    assert (decision.agency_id, decision.desk_id) == ("dpuprpkp", desk)


def test_area_rules_leave_other_categories_of_the_agency_alone(router: Router) -> None:
    decision = router.route(title="x", description="", category_code="PJU", kecamatan="Blimbing")
    assert decision.desk_id == "dpuprpkp.pju"


def test_unknown_explicit_category_is_an_error_the_caller_can_report(router: Router) -> None:
    with pytest.raises(UnknownCategory) as caught:
        router.route(title="x", description="", category_code="JALAN_RUSSAK")
    assert caught.value.code == "JALAN_RUSSAK"
    assert isinstance(caught.value, ValueError)


def test_blank_category_code_means_none(router: Router) -> None:
    decision = router.route(title="lampu jalan mati", description="", category_code="  ")
    assert decision.reason == KEYWORD


def test_out_of_city_category_picks_the_external_body_from_the_text(router: Router) -> None:
    decision = router.route(
        title="token listrik tidak masuk", description="", category_code="LUAR_KEWENANGAN"
    )
    _assert_consistent(decision)
    assert (decision.agency_id, decision.desk_id) == ("pln", "pln.rujukan")
    assert decision.reason == EXPLICIT_CATEGORY
    assert decision.category_code == "LUAR_KEWENANGAN"
    assert decision.rule_id == "rujukan.pln"


def test_out_of_city_category_without_a_recognisable_body_waits_for_triage(router: Router) -> None:
    decision = router.route(title="lampu jalan mati", description="", category_code="LUAR_KEWENANGAN")
    _assert_consistent(decision)
    assert not decision.routed
    assert decision.reason == NO_MATCH
    assert decision.category_code == "LUAR_KEWENANGAN"


# --- keyword rules on the shipped file ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("title", "description", "agency", "desk", "category"),
    [
        ("lampu mati jl soekarno hatta", "", "dpuprpkp", "dpuprpkp.pju", "PJU"),
        ("Dalane bolong", "tulung didandani", "dpuprpkp", "dpuprpkp.jalan", "JALAN_RUSAK"),
        ("got e mampet", "banyune mbludak", "dpuprpkp", "dpuprpkp.drainase", "DRAINASE"),
        ("sampahhh numpukkk", "gk diangkut 3 hr", "dlh", "dlh.kebersihan", "SAMPAH"),
        ("jukir liar", "narik 5rb gk ada karcis", "dishub", "dishub.parkir", "PARKIR"),
        ("akte lahir lama", "", "dispendukcapil", "dispendukcapil.capil", "ADMINDUK"),
    ],
)
def test_informal_complaints_reach_the_right_desk(
    router: Router, title: str, description: str, agency: str, desk: str, category: str
) -> None:
    decision = router.route(title=title, description=description)
    _assert_consistent(decision)
    assert (decision.agency_id, decision.desk_id, decision.category_code) == (agency, desk, category)
    assert decision.reason == KEYWORD
    assert decision.rule_id is not None
    assert decision.rule_id in decision.explanation


def test_a_word_inside_a_longer_matched_phrase_does_not_count_alone(router: Router) -> None:
    # "lampu" belongs to street lights, but "lampu lalu lintas" is a traffic light
    decision = router.route(title="lampu lalu lintas mati", description="")
    assert decision.agency_id == "dishub"
    assert "dpuprpkp" not in {c.agency_id for c in decision.candidates}
    # and "mati lampu" is a blackout
    assert router.route(title="mati lampu sejak pagi", description="").agency_id == "pln"


@pytest.mark.parametrize(
    ("title", "agency", "vetoed"),
    [
        ("pungli di SMAN 5", "pemprov_jatim", "disdik"),
        ("pungli di SDN 5", "disdik", "pemprov_jatim"),
        ("jalan nasional berlubang", "bbpjn", "dpuprpkp"),
        ("jalur provinsi rusak berlubang", "pemprov_jatim", "dpuprpkp"),
    ],
)
def test_exclusions_veto_the_city_rule_for_provincial_and_national_matters(
    router: Router, title: str, agency: str, vetoed: str
) -> None:
    decision = router.route(title=title, description="")
    _assert_consistent(decision)
    assert decision.agency_id == agency
    assert vetoed not in {c.agency_id for c in decision.candidates}


def test_referral_explains_it_is_outside_the_city(router: Router) -> None:
    decision = router.route(title="motor saya dicuri", description="di parkiran kos")
    assert decision.agency_id == "polresta"
    assert decision.explanation.startswith("Bukan kewenangan pemerintah kota")


def test_keyword_route_then_area_override(router: Router) -> None:
    decision = router.route(title="jalan berlubang", description="", kecamatan="Lowokwaru")
    _assert_consistent(decision)
    assert (decision.agency_id, decision.desk_id) == ("dpuprpkp", "dpuprpkp.upt-utara")
    assert decision.rule_id == "dpuprpkp.jalan"
    assert "area.jalan.utara" in decision.explanation


def test_nothing_recognisable_waits_for_triage(router: Router) -> None:
    decision = router.route(title="selamat pagi", description="mohon dicek, fotonya saya lampirkan")
    _assert_consistent(decision)
    assert (decision.routed, decision.reason, decision.candidates) == (False, NO_MATCH, ())
    assert "Admin Koordinator" in decision.explanation


def test_a_shared_matter_ties_and_lists_both_agencies(router: Router) -> None:
    decision = router.route(title="kdrt", description="tetangga sering berteriak")
    _assert_consistent(decision)
    assert decision.reason == TIE
    assert {c.agency_id for c in decision.candidates[:2]} == {"dinsos", "polresta"}


def test_empty_text_is_no_match(router: Router) -> None:
    decision = router.route(title="", description="")
    assert (decision.reason, decision.candidates) == (NO_MATCH, ())


# --- scoring mechanics on a small rules file ----------------------------------------------------------------

MECHANICS = """
[settings]
title_weight = 2.0
phrase_bonus = 0.5
min_score = 1.5
margin = 1.5

[[rules]]
id = "sampah"
priority = 50
target = { agency = "dlh" }
[rules.match]
category = "SAMPAH"
keywords_any = ["sampah", "tps penuh"]

[[rules]]
id = "parkir"
priority = 50
target = { agency = "dishub", desk = "dishub.parkir" }
[rules.match]
category = "PARKIR"
keywords_any = ["parkir"]

[[rules]]
id = "pohon"
priority = 50
target = { agency = "dlh", desk = "dlh.rth" }
[rules.match]
category = "POHON_TAMAN"
keywords_all = [["pohon", "dahan"], "tumbang"]

[[rules]]
id = "pohon.sukun"
priority = 60
target = { agency = "dlh", desk = "dlh.kebersihan" }
[rules.match]
category = "POHON_TAMAN"
keywords_any = ["ranting"]
kecamatan = "Sukun"

[[rules]]
id = "pkl"
priority = 100
target = { agency = "satpolpp" }
[rules.match]
category = "PKL_KETERTIBAN"
keywords_any = ["pkl"]

[[rules]]
id = "banjir"
priority = 50
target = { agency = "dpuprpkp", desk = "dpuprpkp.drainase" }
[rules.match]
category = "DRAINASE"
keywords_any = ["penanggulangan"]

[[rules]]
id = "pju.dishub"
priority = 50
target = { agency = "dishub", desk = "dishub.lalin" }
[rules.match]
category = "PJU"
"""


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory, reference: Reference) -> Router:
    path: Path = tmp_path_factory.mktemp("rules") / "rules.toml"
    path.write_text(MECHANICS, encoding="utf-8")
    return Router.load(path, reference)


def test_title_weighs_more_than_description(small: Router) -> None:
    decision = small.route(title="parkir", description="sampah")
    assert decision.agency_id == "dishub"
    assert [c.score for c in decision.candidates] == [2.0, 1.0]
    assert small.route(title="sampah", description="parkir").agency_id == "dlh"


def test_a_phrase_weighs_more_than_a_word(small: Router) -> None:
    decision = small.route(title="", description="tps penuh parkir")
    assert [(c.agency_id, c.score) for c in decision.candidates] == [("dlh", 2.5), ("dishub", 1.0)]


def test_priority_scales_the_score(small: Router) -> None:
    decision = small.route(title="pkl", description="")
    assert decision.candidates[0].score == 3.0  # 1 word x title 2.0 x (0.5 + 100/100)


def test_close_scores_are_a_tie(small: Router) -> None:
    decision = small.route(title="parkir sampah", description="")
    _assert_consistent(decision)
    assert decision.reason == TIE
    assert not decision.routed
    assert {c.agency_id for c in decision.candidates} == {"dlh", "dishub"}
    assert "terlalu berdekatan" in decision.explanation


def test_one_word_in_the_description_is_too_weak(small: Router) -> None:
    decision = small.route(title="tolong", description="ada parkir")
    _assert_consistent(decision)
    assert decision.reason == NO_MATCH
    assert [c.agency_id for c in decision.candidates] == ["dishub"]
    assert "terlalu lemah" in decision.explanation


def test_keywords_all_needs_each_entry_and_accepts_alternatives(small: Router) -> None:
    assert small.route(title="pohon", description="").reason == NO_MATCH
    assert small.route(title="tumbang", description="").reason == NO_MATCH
    decision = small.route(title="dahan tumbang", description="")
    assert (decision.agency_id, decision.desk_id, decision.matched) == (
        "dlh",
        "dlh.rth",
        ("dahan", "tumbang"),
    )


def test_a_kecamatan_limited_rule_applies_only_there(small: Router) -> None:
    assert small.route(title="ranting", description="", kecamatan="Klojen").reason == NO_MATCH
    decision = small.route(title="ranting", description="", kecamatan="sukun")
    assert (decision.agency_id, decision.rule_id) == ("dlh", "pohon.sukun")


def test_a_keyword_counts_once_per_agency_across_its_rules(small: Router) -> None:
    # "sampah" rule and "pohon" rule are both dlh; a second rule adds only its own words
    decision = small.route(title="", description="sampah sampah sampah dahan tumbang")
    assert decision.candidates[0].score == 3.0


def test_desk_comes_from_the_category_when_the_rule_names_none(small: Router) -> None:
    assert small.route(title="sampah", description="").desk_id == "dlh.kebersihan"
    # satpolpp has two desks and PKL_KETERTIBAN's default desk is satpolpp.trantib
    assert small.route(title="pkl", description="").desk_id == "satpolpp.trantib"


def test_a_category_rule_replaces_the_category_default(small: Router) -> None:
    decision = small.route(title="x", description="", category_code="PJU")
    assert (decision.agency_id, decision.desk_id, decision.rule_id) == (
        "dishub",
        "dishub.lalin",
        "pju.dishub",
    )


def test_a_place_name_is_never_corrected_into_a_keyword(small: Router) -> None:
    # kelurahan Penanggungan is two edits from the keyword "penanggulangan"; a real typo still is corrected
    assert small.route(title="Penanggungan", description="").reason == NO_MATCH
    assert small.route(title="penangulangan", description="").agency_id == "dpuprpkp"
