"""Services (= complaint categories) and their attributes: the service list, definitions, and answer checks.

The attributes are data next to the categories (``domain/data/category_attributes.toml``); the file is
checked when it is loaded, so a city's typo stops the server at start instead of confusing a partner app.
A service's keywords are the category's own when it has some, else the leading words of its routing rules
(``service_keywords``): the words the city already wrote for recognising that kind of complaint.
"""

from __future__ import annotations

import math
import tomllib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from importlib import resources
from itertools import chain, zip_longest
from pathlib import Path
from types import MappingProxyType

from sambat_tui.central.open311.documents import Json
from sambat_tui.central.open311.params import parse_w3c
from sambat_tui.central.storage_open311 import AttributeValues
from sambat_tui.contract import Agency, Category
from sambat_tui.domain.calendar import JAKARTA
from sambat_tui.domain.model import AgencyKind
from sambat_tui.domain.routing_rules import RoutingRule
from sambat_tui.domain.sla import SlaPolicy
from sambat_tui.domain.timefmt import format_datetime, to_rfc3339

ATTRIBUTES_FILE = "category_attributes.toml"
MAX_STRING = 500
MAX_TEXT = 4000
MAX_KEYWORDS = 6
"""Keywords per service taken from the routing rules: a few synonyms, not the whole list of a rule."""


class Datatype(StrEnum):
    STRING = "string"
    NUMBER = "number"
    DATETIME = "datetime"
    TEXT = "text"
    SINGLEVALUELIST = "singlevaluelist"
    MULTIVALUELIST = "multivaluelist"

    @property
    def is_list(self) -> bool:
        return self in (Datatype.SINGLEVALUELIST, Datatype.MULTIVALUELIST)


class AttributesFileError(ValueError):
    """The attributes file has a mistake; the message names the category and the attribute."""


@dataclass(frozen=True, slots=True)
class AttributeValue:
    key: str
    name: str


@dataclass(frozen=True, slots=True)
class Attribute:
    code: str
    datatype: Datatype
    required: bool
    order: int
    label: str
    description: str
    datatype_description: str | None = None
    variable: bool = True
    values: tuple[AttributeValue, ...] = ()

    def document(self) -> Json:
        return {
            "variable": self.variable,
            "code": self.code,
            "datatype": self.datatype.value,
            "required": self.required,
            "datatype_description": self.datatype_description,
            "order": self.order,
            "description": self.description,
            "values": [{"key": v.key, "name": v.name} for v in self.values],
        }

    def value_name(self, key: str) -> str:
        return next((v.name for v in self.values if v.key == key), key)


_ALLOWED_KEYS = frozenset(
    {
        "code",
        "datatype",
        "required",
        "order",
        "label",
        "description",
        "datatype_description",
        "variable",
        "values",
    }
)


def _string(raw: Mapping[str, object], key: str, where: str, *, optional: bool = False) -> str | None:
    value = raw.get(key)
    if value is None and optional:
        return None
    if not isinstance(value, str) or not value.strip():
        raise AttributesFileError(f"{where}: {key} must be a non-empty string")
    return value


def _attribute(raw: object, where: str) -> Attribute:
    if not isinstance(raw, Mapping):
        raise AttributesFileError(f"{where}: each attribute must be a table")
    unknown = sorted(set(raw) - _ALLOWED_KEYS)
    if unknown:
        raise AttributesFileError(f"{where}: unknown key(s) {', '.join(unknown)}")
    code = _string(raw, "code", where)
    assert code is not None
    where = f"{where} ({code})"
    if not code.isascii() or not code.replace("_", "").replace("-", "").isalnum():
        raise AttributesFileError(f"{where}: code must be letters, digits, '_' or '-'")
    try:
        datatype = Datatype(str(raw.get("datatype")))
    except ValueError:
        raise AttributesFileError(
            f"{where}: datatype must be one of {', '.join(d.value for d in Datatype)}"
        ) from None
    required, variable, order = raw.get("required"), raw.get("variable", True), raw.get("order")
    if not isinstance(required, bool) or not isinstance(variable, bool):
        raise AttributesFileError(f"{where}: required and variable must be true or false")
    if isinstance(order, bool) or not isinstance(order, int) or order < 1:
        raise AttributesFileError(f"{where}: order must be a positive whole number")
    values: list[AttributeValue] = []
    raw_values = raw.get("values", [])
    if not isinstance(raw_values, list):
        raise AttributesFileError(f"{where}: values must be a list of {{ key, name }} tables")
    for item in raw_values:
        if not isinstance(item, Mapping) or set(item) != {"key", "name"}:
            raise AttributesFileError(f"{where}: each value must be {{ key = ..., name = ... }}")
        key, name = _string(item, "key", where), _string(item, "name", where)
        assert key is not None and name is not None
        values.append(AttributeValue(key, name))
    if datatype.is_list and not values:
        raise AttributesFileError(f"{where}: a {datatype.value} needs values")
    if not datatype.is_list and values:
        raise AttributesFileError(f"{where}: only list datatypes have values")
    if len({v.key for v in values}) != len(values):
        raise AttributesFileError(f"{where}: value keys must be unique")
    label, description = _string(raw, "label", where), _string(raw, "description", where)
    assert label is not None and description is not None
    return Attribute(
        code=code,
        datatype=datatype,
        required=required,
        order=order,
        label=label,
        description=description,
        datatype_description=_string(raw, "datatype_description", where, optional=True),
        variable=variable,
        values=tuple(values),
    )


@dataclass(frozen=True)
class AttributeCatalogue:
    """The attributes of each category code, in their order."""

    by_category: Mapping[str, tuple[Attribute, ...]]

    @classmethod
    def load(cls, path: Path | None = None) -> AttributeCatalogue:
        if path is None:
            source = ATTRIBUTES_FILE
            text = resources.files("sambat_tui.domain").joinpath("data", ATTRIBUTES_FILE).read_text("utf-8")
        else:
            source, text = str(path), path.read_text(encoding="utf-8-sig")
        try:
            return cls.parse(tomllib.loads(text))
        except tomllib.TOMLDecodeError as error:
            raise AttributesFileError(f"{source}: not valid TOML: {error}") from None
        except AttributesFileError as error:
            raise AttributesFileError(f"{source}: {error}") from None

    @classmethod
    def parse(cls, data: Mapping[str, object]) -> AttributeCatalogue:
        by_category: dict[str, tuple[Attribute, ...]] = {}
        for category, raw_list in data.items():
            if not isinstance(raw_list, list):
                raise AttributesFileError(f"{category}: write each attribute as [[{category}]]")
            attributes = [_attribute(raw, f"{category}[{n}]") for n, raw in enumerate(raw_list, 1)]
            if len({a.code for a in attributes}) != len(attributes):
                raise AttributesFileError(f"{category}: attribute codes must be unique")
            if len({a.order for a in attributes}) != len(attributes):
                raise AttributesFileError(f"{category}: attribute orders must be unique")
            by_category[category] = tuple(sorted(attributes, key=lambda a: a.order))
        return cls(MappingProxyType(by_category))

    def of(self, category_code: str) -> tuple[Attribute, ...]:
        return self.by_category.get(category_code, ())


# --- documents ---


def _service_description(category: Category, agency: Agency | None, policy: SlaPolicy) -> str:
    days = policy.resolve_days[category.sla_class]
    if agency is None or agency.kind is AgencyKind.EXTERNAL:
        who = "Dirujuk ke instansi di luar Pemerintah Kota Malang yang berwenang"
    else:
        who = f"Ditangani {agency.name}"
    return f"{who}; target selesai {days} hari kerja."


def service_keywords(rules: Iterable[RoutingRule], category_code: str) -> tuple[str, ...]:
    """The leading keywords of the category's keyword rules: at most ``MAX_KEYWORDS``, no repeats.

    Rules by priority, the most specific first (file order breaks ties), taking turns: the first keyword of
    each rule, then the second of each, and so on, so that a category routed by two rules (birth
    certificates and identity cards) shows words of both. A rule's file lists its plainest phrases first.
    Rules that need two words together (``keywords_all``: "rusak" only with "sekolah") are used only when the
    category has no other, with the first word of each group ahead of the rest. A phrase with a comma would
    break the comma-separated list and is left out.
    """
    mine = sorted(
        (r for r in rules if r.is_keyword_rule and r.category_code == category_code),
        key=lambda r: -r.priority,
    )
    plain = [r.keywords_any for r in mine if not r.keywords_all]
    lists = plain or [(*(group[0] for group in r.keywords_all), *r.keywords_any) for r in mine]
    chosen: list[str] = []
    for word in chain.from_iterable(zip_longest(*lists)):
        if word is None or "," in word or word in chosen:
            continue
        chosen.append(word)
        if len(chosen) == MAX_KEYWORDS:
            break
    return tuple(chosen)


def service_document(
    category: Category,
    agency: Agency | None,
    attributes: Sequence[Attribute],
    policy: SlaPolicy,
    rule_keywords: Sequence[str] = (),
) -> Json:
    """One service of the list; ``rule_keywords`` stand in for the category's keywords when it has none."""
    return {
        "service_code": category.code,
        "service_name": category.name,
        "description": _service_description(category, agency, policy),
        "metadata": bool(attributes),
        "type": "realtime",
        "keywords": ", ".join(category.keywords or rule_keywords),
        "group": category.group,
    }


def definition_document(category: Category, attributes: Sequence[Attribute]) -> Json:
    return {"service_code": category.code, "attributes": [a.document() for a in attributes]}


# --- checking answers ---


def _one_answer(attribute: Attribute, value: str) -> str:
    """The answer normalised; ValueError naming the problem (never repeating the value)."""
    kind = attribute.datatype
    if kind is Datatype.STRING:
        if "\n" in value or "\r" in value:
            raise ValueError("satu baris saja / one line only")
        if len(value) > MAX_STRING:
            raise ValueError(f"paling banyak {MAX_STRING} karakter / at most {MAX_STRING} characters")
        return value.strip()
    if kind is Datatype.TEXT:
        if len(value) > MAX_TEXT:
            raise ValueError(f"paling banyak {MAX_TEXT} karakter / at most {MAX_TEXT} characters")
        return value.strip()
    if kind is Datatype.NUMBER:
        try:
            number = float(value.strip())
        except ValueError:
            raise ValueError("harus angka / must be a number") from None
        if not math.isfinite(number):
            raise ValueError("harus angka / must be a number")
        return str(int(number)) if number.is_integer() else repr(number)
    if kind is Datatype.DATETIME:
        return to_rfc3339(parse_w3c(value), zone=JAKARTA, timespec="seconds")
    if value.strip() not in {v.key for v in attribute.values}:
        raise ValueError(
            f"harus salah satu dari / must be one of: {', '.join(v.key for v in attribute.values)}"
        )
    return value.strip()


def check_answers(
    attributes: Sequence[Attribute], answers: Mapping[str, Sequence[str]]
) -> tuple[AttributeValues, list[str]]:
    """Answers checked against the definition: (normalised answers, problems).

    Answers to codes the service does not define are ignored (FixMyStreet and others send attributes of
    their own, such as ``attribute[fixmystreet_id]``); so are answers to informational (variable = false)
    attributes.
    """
    checked: AttributeValues = {}
    problems: list[str] = []
    for attribute in attributes:
        if not attribute.variable:
            continue
        sent = [v for v in answers.get(attribute.code, ()) if v.strip()]
        where = f"attribute[{attribute.code}]"
        if not sent:
            if attribute.required:
                problems.append(f"{where}: wajib diisi / is required")
            continue
        if attribute.datatype is not Datatype.MULTIVALUELIST and len(sent) > 1:
            problems.append(f"{where}: hanya satu nilai / only one value")
            continue
        normalised: list[str] = []
        failed = False
        for value in sent:
            try:
                answer = _one_answer(attribute, value)
            except ValueError as problem:
                problems.append(f"{where}: {problem}")
                failed = True
                continue
            if answer not in normalised:
                normalised.append(answer)
        if not failed:
            multi = attribute.datatype is Datatype.MULTIVALUELIST
            checked[attribute.code] = normalised if multi else normalised[0]
    return checked, problems


def answers_text(attributes: Sequence[Attribute], answers: AttributeValues) -> str:
    """The answers as lines for the description a desk reads: ``Ukuran lubang: Besar (...)``."""
    lines: list[str] = []
    for attribute in attributes:
        answer = answers.get(attribute.code)
        if answer is None:
            continue
        values = answer if isinstance(answer, list) else [answer]
        if attribute.datatype.is_list:
            values = [attribute.value_name(v) for v in values]
        elif attribute.datatype is Datatype.DATETIME:
            values = [format_datetime(parse_w3c(v)) for v in values]
        lines.append(f"{attribute.label}: {', '.join(values)}")
    return "\n".join(lines)
