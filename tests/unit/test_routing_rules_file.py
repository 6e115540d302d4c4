"""The routing rules file: the shipped one is complete, a faulty one is refused naming the rule."""

from __future__ import annotations

from pathlib import Path

import pytest

from sambat_tui.domain.model import AgencyKind
from sambat_tui.domain.reference import Reference, load_reference
from sambat_tui.domain.routing import Router
from sambat_tui.domain.routing_rules import RoutingRulesError, load_rules, parse_rules

GOOD_RULE = """
[[rules]]
id = "sampah"
priority = 50
target = { agency = "dlh", desk = "dlh.kebersihan" }
[rules.match]
category = "SAMPAH"
keywords_any = ["sampah"]
"""


@pytest.fixture(scope="module")
def reference() -> Reference:
    return load_reference()


def test_shipped_rules_cover_every_category_and_every_external_body(reference: Reference) -> None:
    rules = load_rules(None, reference).rules
    keyword_categories = {r.category_code for r in rules if r.is_keyword_rule}
    assert {c.code for c in reference.categories} <= keyword_categories
    external = {a.id for a in reference.agencies if a.kind is AgencyKind.EXTERNAL}
    assert external <= {r.agency_id for r in rules if r.is_keyword_rule}


def test_shipped_area_rules_send_roads_to_the_upt_of_the_kecamatan(reference: Reference) -> None:
    area = {
        (r.category_code, kecamatan): r.desk_id
        for r in load_rules(None, reference).rules
        if r.is_area_rule
        for kecamatan in r.kecamatan
    }
    for category in ("JALAN_RUSAK", "JEMBATAN_TROTOAR"):
        assert area[(category, "Blimbing")] == "dpuprpkp.upt-utara"
        assert area[(category, "Lowokwaru")] == "dpuprpkp.upt-utara"
        assert area[(category, "Sukun")] == "dpuprpkp.upt-selatan"
        assert area[(category, "Kedungkandang")] == "dpuprpkp.upt-selatan"
        assert area[(category, "Klojen")] == "dpuprpkp.jalan"


def test_a_minimal_file_loads_with_default_settings(reference: Reference) -> None:
    ruleset = parse_rules(GOOD_RULE, reference)
    assert [r.id for r in ruleset.rules] == ["sampah"]
    assert ruleset.settings.margin == 1.5


def _rule(body: str, *, rule_id: str = "r1", priority: str = "50") -> str:
    return f'[[rules]]\nid = "{rule_id}"\npriority = {priority}\n{body}\n'


KW = '[rules.match]\nkeywords_any = ["sampah"]'
TARGET = 'target = { agency = "dlh" }'


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (_rule(f'target = {{ agency = "dinas_x" }}\n{KW}'), "unknown target agency 'dinas_x'"),
        (_rule(f'target = {{ agency = "dlh", desk = "dlh.nope" }}\n{KW}'), "unknown target desk 'dlh.nope'"),
        (
            _rule(f'target = {{ agency = "dlh", desk = "dishub.parkir" }}\n{KW}'),
            "desk 'dishub.parkir' belongs to 'dishub', not to 'dlh'",
        ),
        (
            _rule(f'{TARGET}\n[rules.match]\ncategory = "NOPE"\nkeywords_any = ["x"]'),
            "unknown category 'NOPE'",
        ),
        (
            _rule(f'{TARGET}\n[rules.match]\ncategory = "SAMPAH"\nkecamatan = ["Batu"]'),
            "unknown kecamatan 'Batu'",
        ),
        (_rule(f"{TARGET}\n{KW}", priority="101"), "priority must be a whole number from 0 to 100, got 101"),
        (_rule(f"{TARGET}\n{KW}", priority="-1"), "got -1"),
        (_rule(f"{TARGET}\n{KW}", priority='"high"'), "got 'high'"),
        (_rule(f"{TARGET}\n{KW}", priority="true"), "got True"),
        (_rule(f"{TARGET}\n{KW}", priority="2.5"), "got 2.5"),
        (_rule(f'{TARGET}\n[rules.match]\nkeyword_any = ["x"]'), "unknown match key(s) ['keyword_any']"),
        (_rule(f'{TARGET}\nexclude = ["x"]\n{KW}'), "unknown rule key(s) ['exclude']"),
        (_rule(KW), "missing target"),
        (_rule(TARGET), "missing [rules.match]"),
        (_rule(f"{TARGET}\n[rules.match]"), "matches nothing"),
        (_rule(f'{TARGET}\n[rules.match]\nkecamatan = "Sukun"'), "matches kecamatan alone"),
        (_rule(f'{TARGET}\n[rules.match]\nkeywords_any = "sampah"'), "keywords_any must be a list"),
        (_rule(f'{TARGET}\n[rules.match]\nkeywords_any = ["!!!"]'), "'!!!', which has no letters or digits"),
        (_rule(f"{TARGET}\n[rules.match]\nkeywords_any = [3]"), "holds 3, which is not text"),
        (_rule(f"{TARGET}\n[rules.match]\nkeywords_all = [[]]"), "empty alternative list"),
        (
            _rule(f'{TARGET}\nexclude_any = ["x"]\n[rules.match]\ncategory = "SAMPAH"'),
            "exclude_any only makes sense on a keyword rule",
        ),
    ],
)
def test_a_faulty_rule_is_refused_with_its_number_id_and_problem(
    reference: Reference, text: str, message: str
) -> None:
    with pytest.raises(RoutingRulesError) as caught:
        parse_rules(text, reference, source="city.toml")
    error = caught.value
    assert message in str(error)
    assert str(error).startswith("city.toml: rule #1 ('r1'): ")
    assert error.rule_id == "r1"
    assert isinstance(error, ValueError)


def test_a_duplicate_rule_id_names_both_rules(reference: Reference) -> None:
    text = GOOD_RULE + GOOD_RULE.replace('"sampah"]', '"tps"]')
    with pytest.raises(
        RoutingRulesError, match=r"rule #2 \('sampah'\): duplicate rule id, first used by rule #1"
    ):
        parse_rules(text, reference)


@pytest.mark.parametrize("bad_id", ['"Sampah Liar"', '""', "7"])
def test_a_bad_rule_id_is_refused(reference: Reference, bad_id: str) -> None:
    text = GOOD_RULE.replace('id = "sampah"', f"id = {bad_id}")
    with pytest.raises(RoutingRulesError, match=r"rule #1: id must be lower-case"):
        parse_rules(text, reference)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[[rules]\nid = 1", "not valid TOML"),
        ("[settings]\nmargin = 1.5\n", "no [[rules]] defined"),
        ("[setting]\n" + GOOD_RULE, "unknown top-level key(s) ['setting']"),
        ("[settings]\nmargin = 0.5\n" + GOOD_RULE, "margin must be a number >= 1.0"),
        ("[settings]\ntitle_weight = true\n" + GOOD_RULE, "title_weight must be a number"),
        ("[settings]\nmax_candidates = 0\n" + GOOD_RULE, "max_candidates must be a whole number >= 1"),
        ("[settings]\nmargins = 2\n" + GOOD_RULE, "unknown key(s) ['margins']"),
    ],
)
def test_a_faulty_file_is_refused(reference: Reference, text: str, message: str) -> None:
    with pytest.raises(RoutingRulesError) as caught:
        parse_rules(text, reference, source="city.toml")
    assert message in str(caught.value)
    assert str(caught.value).startswith("city.toml: ")


def test_router_load_reports_the_file_it_could_not_read(tmp_path: Path, reference: Reference) -> None:
    missing = tmp_path / "nope.toml"
    with pytest.raises(RoutingRulesError, match=r"nope\.toml: cannot read the rules file"):
        Router.load(missing, reference)


def test_router_load_refuses_a_faulty_file_on_disk(tmp_path: Path, reference: Reference) -> None:
    path = tmp_path / "rules.toml"
    path.write_text(GOOD_RULE.replace('agency = "dlh"', 'agency = "dlhh"'), encoding="utf-8")
    with pytest.raises(RoutingRulesError, match=r"rule #1 \('sampah'\): unknown target agency 'dlhh'"):
        Router.load(path, reference)
