"""Under the Open311 routes: the XML/JSON writer, reading arguments, the attributes file and answer checks."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sambat_tui.central.open311.documents import render_json, render_xml, xml_text
from sambat_tui.central.open311.errors import Open311Error
from sambat_tui.central.open311.params import ParamReader, parse_w3c
from sambat_tui.central.open311.services import (
    AttributeCatalogue,
    AttributesFileError,
    Datatype,
    answers_text,
    check_answers,
)
from sambat_tui.domain.reference import load_reference

# --- the writer ---


def test_xml_follows_the_spark_convention_for_lists_and_objects() -> None:
    document = {"service_code": "A", "attributes": [{"code": "x", "values": [{"key": "k", "name": "n"}]}]}
    root = ET.fromstring(render_xml("service_definition", document))
    assert root.tag == "service_definition"
    assert [c.tag for c in root] == ["service_code", "attributes"]
    [attribute] = root.find("attributes") or []
    assert attribute.tag == "attribute"
    [value] = attribute.find("values") or []
    assert value.tag == "value" and [c.tag for c in value] == ["key", "name"]


def test_xml_writes_booleans_numbers_and_nulls_the_way_the_spec_shows() -> None:
    root = ET.fromstring(render_xml("r", {"metadata": True, "order": 1, "lat": -7.977, "note": None}))
    assert [(c.tag, c.text) for c in root] == [
        ("metadata", "true"),
        ("order", "1"),
        ("lat", "-7.977"),
        ("note", None),
    ]


def test_an_empty_list_is_an_empty_root_element() -> None:
    root = ET.fromstring(render_xml("service_requests", []))
    assert root.tag == "service_requests" and len(root) == 0


def test_a_list_without_a_known_item_element_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="no item element"):
        render_xml("r", {"mystery": [1]})


def test_xml_text_escapes_markup_and_keeps_carriage_returns() -> None:
    root = ET.fromstring(render_xml("r", {"d": 'a < b & c > "d"\r\nnext'}))
    assert root.findtext("d") == 'a < b & c > "d"\r\nnext'


def test_characters_xml_cannot_hold_become_replacement_characters() -> None:
    assert xml_text("ok\x00\x01\x1b[2J\x7f\ufffe") == "ok\ufffd\ufffd\ufffd[2J\x7f\ufffd"
    ET.fromstring(render_xml("r", {"d": "".join(chr(c) for c in range(32))}))  # still well-formed


_TEXT = st.text(alphabet=st.characters(exclude_categories=("Cs",)), max_size=60)


@given(_TEXT)
def test_any_text_survives_xml_except_what_xml_cannot_hold(value: str) -> None:
    parsed = ET.fromstring(render_xml("r", {"d": value})).findtext("d") or ""
    allowed = {"\t", "\n", "\r"}
    expected = "".join(
        "\ufffd" if (ord(ch) < 32 and ch not in allowed) or ch in "\ufffe\uffff" else ch for ch in value
    )
    assert parsed == expected


@given(_TEXT)
def test_json_carries_text_exactly(value: str) -> None:
    assert json.loads(render_json([{"d": value}])) == [{"d": value}]


def test_json_is_utf8_without_ascii_escapes() -> None:
    assert (
        render_json({"d": "Kelurahan Bareng — jalan"}).decode("utf-8") == '{"d":"Kelurahan Bareng — jalan"}'
    )


def test_errors_need_a_description() -> None:
    with pytest.raises(ValueError):
        Open311Error(400, [])


# --- dates ---


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-02-02T09:00:00+07:00", datetime(2026, 2, 2, 2, 0, tzinfo=UTC)),
        ("2026-02-02T02:00:00Z", datetime(2026, 2, 2, 2, 0, tzinfo=UTC)),
        ("2026-02-02T02:00Z", datetime(2026, 2, 2, 2, 0, tzinfo=UTC)),
        ("2026-02-02T02:00:00.123456789Z", datetime(2026, 2, 2, 2, 0, 0, 123456, tzinfo=UTC)),
        ("2026-02-01T21:00:00-05:00", datetime(2026, 2, 2, 2, 0, tzinfo=UTC)),
        # "+07:00" sent unencoded in a query string arrives as " 07:00".
        ("2026-02-02T09:00:00 07:00", datetime(2026, 2, 2, 2, 0, tzinfo=UTC)),
        # A bare date is that day in Jakarta.
        ("2026-02-02", datetime(2026, 2, 1, 17, 0, tzinfo=UTC)),
    ],
)
def test_w3c_dates_are_read_with_their_offset(text: str, expected: datetime) -> None:
    assert parse_w3c(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "2026-02-02T09:00:00",
        "kemarin",
        "2026-02-30T09:00:00Z",
        "2026-02-02T25:00:00Z",
        "2026-02-02T09:00+24:00",
        "2026-02-30",
        # At the ends of Python's datetimes a time zone or a 90-day window would overflow.
        "0001-01-01T00:00:00+07:00",
        "9999-12-31T23:59:59-07:00",
        "0001-01-01",
        "1899-12-31T23:59:59Z",
        "3000-01-01T00:00:00Z",
    ],
)
def test_w3c_dates_without_offset_or_impossible_are_refused(text: str) -> None:
    with pytest.raises(ValueError):
        parse_w3c(text)


# --- arguments ---


def test_an_empty_optional_argument_is_absent() -> None:
    reader = ParamReader([("status", ""), ("start_date", "  "), ("page", ""), ("extensions", "")])
    assert reader.texts("status") == ()
    assert reader.moment("start_date") is None
    assert reader.integer("page", low=1, high=10) is None
    assert reader.flag("extensions") is False
    reader.check()  # no problem recorded


def test_lists_are_comma_delimited_and_may_repeat() -> None:
    reader = ParamReader([("status", "open, closed"), ("status", "open"), ("service_code", "A,,B")])
    assert reader.texts("status") == ("open", "closed")
    assert reader.texts("service_code") == ("A", "B")


def test_every_problem_is_reported_at_once() -> None:
    reader = ParamReader([("page", "0"), ("page_size", "x"), ("start_date", "bad"), ("extensions", "maybe")])
    reader.integer("page", low=1, high=10)
    reader.integer("page_size", low=1, high=10)
    reader.moment("start_date")
    reader.flag("extensions")
    with pytest.raises(Open311Error) as caught:
        reader.check()
    assert caught.value.status == 400 and len(caught.value.descriptions) == 4


# --- the attributes file ---


def test_the_shipped_attributes_describe_existing_categories() -> None:
    catalogue = AttributeCatalogue.load()
    codes = {c.code for c in load_reference().categories}
    assert set(catalogue.by_category) <= codes
    [size, *_] = catalogue.of("JALAN_RUSAK")
    assert (size.code, size.datatype, size.required) == ("ukuran_lubang", Datatype.SINGLEVALUELIST, True)
    assert any(
        a.code == "nomor_pelanggan" and a.datatype is Datatype.STRING for a in catalogue.of("AIR_PDAM")
    )
    assert catalogue.of("PPDB") == ()


def _one(**fields: object) -> dict[str, object]:
    base: dict[str, object] = {
        "code": "x",
        "datatype": "string",
        "required": False,
        "order": 1,
        "label": "X",
        "description": "Pertanyaan?",
    }
    base.update(fields)
    return base


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"A": [_one(datatype="colour")]}, "datatype"),
        ({"A": [_one(datatype="singlevaluelist")]}, "needs values"),
        ({"A": [_one(values=[{"key": "a", "name": "A"}])]}, "only list datatypes"),
        ({"A": [_one(), _one(code="y")]}, "orders must be unique"),
        ({"A": [_one(), _one(order=2)]}, "codes must be unique"),
        ({"A": [_one(colour="red")]}, "unknown key"),
        ({"A": [_one(required="yes")]}, "true or false"),
        ({"A": [_one(order=0)]}, "positive"),
        ({"A": [_one(code="bad code")]}, "code must be"),
        ({"A": _one()}, "[[A]]"),
        (
            {
                "A": [
                    _one(
                        datatype="multivaluelist",
                        values=[{"key": "a", "name": "A"}, {"key": "a", "name": "B"}],
                    )
                ]
            },
            "unique",
        ),
    ],
)
def test_a_wrong_attributes_file_is_refused_with_its_place(data: dict[str, object], message: str) -> None:
    with pytest.raises(AttributesFileError, match=message.replace("[", r"\[").replace("]", r"\]")):
        AttributeCatalogue.parse(data)


# --- checking answers ---


def _catalogue() -> AttributeCatalogue:
    return AttributeCatalogue.parse(
        {
            "A": [
                _one(
                    code="size",
                    datatype="singlevaluelist",
                    required=True,
                    values=[{"key": "s", "name": "Small"}, {"key": "l", "name": "Large"}],
                ),
                _one(
                    code="kinds",
                    datatype="multivaluelist",
                    order=2,
                    values=[{"key": "a", "name": "Aa"}, {"key": "b", "name": "Bb"}],
                ),
                _one(code="count", datatype="number", order=3),
                _one(code="when", datatype="datetime", order=4),
                _one(code="note", datatype="string", order=5),
                _one(code="info", datatype="string", order=6, variable=False),
            ]
        }
    )


def test_valid_answers_are_normalised() -> None:
    attributes = _catalogue().of("A")
    answers, problems = check_answers(
        attributes,
        {
            "size": ["l"],
            "kinds": ["b", "a", "b"],
            "count": ["3.0"],
            "when": ["2026-02-02T09:00:00+07:00"],
            "note": [" tiang 12 "],
            "info": ["ignored"],
            "fixmystreet_id": ["123"],
        },
    )
    assert problems == []
    assert answers == {
        "size": "l",
        "kinds": ["b", "a"],
        "count": "3",
        "when": "2026-02-02T09:00:00+07:00",
        "note": "tiang 12",
    }
    lines = answers_text(attributes, answers).splitlines()
    assert lines == ["X: Large", "X: Bb, Aa", "X: 3", "X: 2 Feb 2026 09.00 WIB", "X: tiang 12"]


@pytest.mark.parametrize(
    ("answers", "problem"),
    [
        ({}, "attribute[size]: wajib diisi"),
        ({"size": [""]}, "attribute[size]: wajib diisi"),
        ({"size": ["xl"]}, "attribute[size]: harus salah satu dari"),
        ({"size": ["s", "l"]}, "attribute[size]: hanya satu nilai"),
        ({"size": ["s"], "kinds": ["a", "z"]}, "attribute[kinds]: harus salah satu dari"),
        ({"size": ["s"], "count": ["tiga"]}, "attribute[count]: harus angka"),
        ({"size": ["s"], "count": ["nan"]}, "attribute[count]: harus angka"),
        ({"size": ["s"], "when": ["besok"]}, "attribute[when]: bukan tanggal"),
        ({"size": ["s"], "when": ["0001-01-01T00:00:00+07:00"]}, "attribute[when]: tahun harus"),
        ({"size": ["s"], "note": ["dua\nbaris"]}, "attribute[note]: satu baris"),
    ],
)
def test_wrong_answers_are_named(answers: dict[str, list[str]], problem: str) -> None:
    _, problems = check_answers(_catalogue().of("A"), answers)
    assert len(problems) == 1 and problems[0].startswith(problem), problems
