"""The routing rules file (``domain/data/routing_rules.toml``): the data a city edits to send complaints to
agencies. This module reads it and refuses a file with mistakes, naming the rule at fault.

A rule is one of three kinds, told apart by what its ``match`` holds:

- keyword rule: ``keywords_any`` and/or ``keywords_all`` (optionally limited to some ``kecamatan``); its
  ``category`` is what a complaint it wins is classified as;
- area rule: ``category`` and ``kecamatan`` without keywords: once a complaint of that category is routed,
  complaints from those kecamatan go to this rule's target instead (the UPT desks);
- category rule: ``category`` alone: replaces the category's default agency and desk from categories.csv.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from sambat_tui.domain.reference import Reference
from sambat_tui.domain.text_normalize import raw_tokens

DEFAULT_RULES_FILE = "routing_rules.toml"
MIN_PRIORITY = 0
MAX_PRIORITY = 100
_RULE_ID = re.compile(r"[a-z0-9][a-z0-9_.-]*")
_RULE_KEYS = frozenset({"id", "priority", "match", "target", "exclude_any", "note"})
_MATCH_KEYS = frozenset({"category", "keywords_any", "keywords_all", "kecamatan"})
_TARGET_KEYS = frozenset({"agency", "desk"})


class RoutingRulesError(ValueError):
    """The rules file cannot be used; the message names the file and, when it can, the rule."""

    def __init__(self, message: str, *, source: str, rule_id: str | None = None) -> None:
        super().__init__(f"{source}: {message}")
        self.source = source
        self.rule_id = rule_id


@dataclass(frozen=True, slots=True)
class RoutingSettings:
    """How keyword scores become a decision; see the comments at the top of the rules file."""

    title_weight: float = 2.0
    phrase_bonus: float = 0.5
    min_score: float = 1.0
    margin: float = 1.5
    max_candidates: int = 5


@dataclass(frozen=True, slots=True)
class RoutingRule:
    id: str
    priority: int
    agency_id: str
    desk_id: str | None = None
    category_code: str | None = None
    keywords_any: tuple[str, ...] = ()
    keywords_all: tuple[tuple[str, ...], ...] = ()
    exclude_any: tuple[str, ...] = ()
    kecamatan: frozenset[str] = frozenset()

    @property
    def is_keyword_rule(self) -> bool:
        return bool(self.keywords_any or self.keywords_all)

    @property
    def is_area_rule(self) -> bool:
        return not self.is_keyword_rule and bool(self.kecamatan)

    @property
    def is_category_rule(self) -> bool:
        return not self.is_keyword_rule and not self.kecamatan


@dataclass(frozen=True, slots=True)
class RuleSet:
    settings: RoutingSettings
    rules: tuple[RoutingRule, ...]


def kecamatan_names(reference: Reference) -> dict[str, str]:
    """Case-folded kecamatan name -> the name as the reference spells it."""
    return {k.kecamatan.casefold(): k.kecamatan for k in reference.kelurahan}


def load_rules(path: Path | None, reference: Reference) -> RuleSet:
    if path is None:
        source = f"domain/data/{DEFAULT_RULES_FILE}"
        text = (
            resources.files("sambat_tui.domain")
            .joinpath("data", DEFAULT_RULES_FILE)
            .read_text(encoding="utf-8")
        )
    else:
        source = str(path)
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as exc:
            raise RoutingRulesError(f"cannot read the rules file ({exc.strerror})", source=source) from exc
    return parse_rules(text, reference, source=source)


def parse_rules(text: str, reference: Reference, *, source: str = "<rules>") -> RuleSet:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise RoutingRulesError(f"not valid TOML: {exc}", source=source) from exc
    unknown = set(data) - {"settings", "rules"}
    if unknown:
        raise RoutingRulesError(
            f"unknown top-level key(s) {sorted(unknown)}; expected [settings] and [[rules]]", source=source
        )
    settings = _settings(data.get("settings", {}), source)
    raw_rules = data.get("rules")
    if not isinstance(raw_rules, list) or not raw_rules:
        raise RoutingRulesError("no [[rules]] defined", source=source)
    checker = _RuleChecker(reference, source)
    rules: list[RoutingRule] = []
    seen: dict[str, int] = {}
    for number, raw in enumerate(raw_rules, start=1):
        rule = checker.rule(number, raw)
        if rule.id in seen:
            raise RoutingRulesError(
                f"rule #{number} ({rule.id!r}): duplicate rule id, first used by rule #{seen[rule.id]}",
                source=source,
                rule_id=rule.id,
            )
        seen[rule.id] = number
        rules.append(rule)
    return RuleSet(settings=settings, rules=tuple(rules))


def _settings(raw: object, source: str) -> RoutingSettings:
    if not isinstance(raw, Mapping):
        raise RoutingRulesError("[settings] must be a table", source=source)
    defaults = RoutingSettings()
    allowed = {"title_weight", "phrase_bonus", "min_score", "margin", "max_candidates"}
    unknown = set(raw) - allowed
    if unknown:
        raise RoutingRulesError(f"[settings]: unknown key(s) {sorted(unknown)}", source=source)

    def number(key: str, default: float, low: float) -> float:
        value = raw.get(key, default)
        if isinstance(value, bool) or not isinstance(value, int | float) or value < low:
            raise RoutingRulesError(
                f"[settings]: {key} must be a number >= {low}, got {value!r}", source=source
            )
        return float(value)

    max_candidates = raw.get("max_candidates", defaults.max_candidates)
    if isinstance(max_candidates, bool) or not isinstance(max_candidates, int) or max_candidates < 1:
        raise RoutingRulesError(
            f"[settings]: max_candidates must be a whole number >= 1, got {max_candidates!r}", source=source
        )
    return RoutingSettings(
        title_weight=number("title_weight", defaults.title_weight, 1.0),
        phrase_bonus=number("phrase_bonus", defaults.phrase_bonus, 0.0),
        min_score=number("min_score", defaults.min_score, 0.0),
        margin=number("margin", defaults.margin, 1.0),
        max_candidates=max_candidates,
    )


class _RuleChecker:
    def __init__(self, reference: Reference, source: str) -> None:
        self._reference = reference
        self._source = source
        self._kecamatan = kecamatan_names(reference)

    def rule(self, number: int, raw: object) -> RoutingRule:
        label = f"rule #{number}"
        if not isinstance(raw, Mapping):
            raise self._error(label, None, "must be a table")
        rule_id = raw.get("id")
        if not isinstance(rule_id, str) or not _RULE_ID.fullmatch(rule_id):
            raise self._error(
                label, None, f"id must be lower-case letters, digits, '.', '_' or '-', got {rule_id!r}"
            )
        label = f"rule #{number} ({rule_id!r})"
        self._only(label, rule_id, raw, _RULE_KEYS, "rule")
        priority = raw.get("priority")
        if (
            isinstance(priority, bool)
            or not isinstance(priority, int)
            or not MIN_PRIORITY <= priority <= MAX_PRIORITY
        ):
            raise self._error(
                label,
                rule_id,
                f"priority must be a whole number from {MIN_PRIORITY} to {MAX_PRIORITY}, got {priority!r}",
            )
        match = raw.get("match")
        target = raw.get("target")
        if not isinstance(match, Mapping):
            raise self._error(label, rule_id, "missing [rules.match] table")
        if not isinstance(target, Mapping):
            raise self._error(label, rule_id, "missing target = { agency = ... }")
        self._only(label, rule_id, match, _MATCH_KEYS, "match")
        self._only(label, rule_id, target, _TARGET_KEYS, "target")

        category = match.get("category")
        if category is not None and (
            not isinstance(category, str) or self._reference.category(category) is None
        ):
            raise self._error(label, rule_id, f"unknown category {category!r}")
        keywords_any = self._phrases(label, rule_id, match.get("keywords_any", []), "keywords_any")
        keywords_all = self._groups(label, rule_id, match.get("keywords_all", []))
        exclude_any = self._phrases(label, rule_id, raw.get("exclude_any", []), "exclude_any")
        kecamatan = self._kecamatan_set(label, rule_id, match.get("kecamatan", []))
        agency_id, desk_id = self._target(label, rule_id, target)

        rule = RoutingRule(
            id=rule_id,
            priority=priority,
            agency_id=agency_id,
            desk_id=desk_id,
            category_code=category,
            keywords_any=keywords_any,
            keywords_all=keywords_all,
            exclude_any=exclude_any,
            kecamatan=kecamatan,
        )
        if not rule.is_keyword_rule and category is None:
            what = "kecamatan alone" if kecamatan else "nothing"
            raise self._error(
                label,
                rule_id,
                f"matches {what}: give keywords, or a category (with kecamatan for an area rule)",
            )
        if exclude_any and not rule.is_keyword_rule:
            raise self._error(label, rule_id, "exclude_any only makes sense on a keyword rule")
        return rule

    def _only(
        self, label: str, rule_id: str, table: Mapping[str, Any], allowed: frozenset[str], what: str
    ) -> None:
        unknown = set(table) - allowed
        if unknown:
            raise self._error(
                label, rule_id, f"unknown {what} key(s) {sorted(unknown)}; allowed: {sorted(allowed)}"
            )

    def _phrases(self, label: str, rule_id: str, raw: object, key: str) -> tuple[str, ...]:
        if not isinstance(raw, list):
            raise self._error(label, rule_id, f"{key} must be a list of words or phrases")
        phrases: list[str] = []
        for item in raw:
            phrases.append(self._phrase(label, rule_id, item, key))
        return tuple(phrases)

    def _phrase(self, label: str, rule_id: str, item: object, key: str) -> str:
        if not isinstance(item, str):
            raise self._error(label, rule_id, f"{key} holds {item!r}, which is not text")
        if next(raw_tokens(item), None) is None:
            raise self._error(label, rule_id, f"{key} holds {item!r}, which has no letters or digits")
        return item

    def _groups(self, label: str, rule_id: str, raw: object) -> tuple[tuple[str, ...], ...]:
        if not isinstance(raw, list):
            raise self._error(
                label, rule_id, "keywords_all must be a list (an inner list means 'any one of these')"
            )
        groups: list[tuple[str, ...]] = []
        for item in raw:
            if isinstance(item, list):
                if not item:
                    raise self._error(label, rule_id, "keywords_all holds an empty alternative list")
                groups.append(tuple(self._phrase(label, rule_id, alt, "keywords_all") for alt in item))
            else:
                groups.append((self._phrase(label, rule_id, item, "keywords_all"),))
        return tuple(groups)

    def _kecamatan_set(self, label: str, rule_id: str, raw: object) -> frozenset[str]:
        items: Sequence[object] = [raw] if isinstance(raw, str) else raw if isinstance(raw, list) else [None]
        names: set[str] = set()
        for item in items:
            name = self._kecamatan.get(item.strip().casefold()) if isinstance(item, str) else None
            if name is None:
                raise self._error(
                    label, rule_id, f"unknown kecamatan {item!r}; known: {sorted(self._kecamatan.values())}"
                )
            names.add(name)
        return frozenset(names)

    def _target(self, label: str, rule_id: str, target: Mapping[str, Any]) -> tuple[str, str | None]:
        agency_id = target.get("agency")
        if not isinstance(agency_id, str) or self._reference.agency(agency_id) is None:
            raise self._error(label, rule_id, f"unknown target agency {agency_id!r}")
        desk_id = target.get("desk")
        if desk_id is None:
            return agency_id, None
        desk = self._reference.desk(desk_id) if isinstance(desk_id, str) else None
        if desk is None:
            raise self._error(label, rule_id, f"unknown target desk {desk_id!r}")
        if desk.agency_id != agency_id:
            raise self._error(
                label, rule_id, f"desk {desk_id!r} belongs to {desk.agency_id!r}, not to {agency_id!r}"
            )
        return agency_id, desk_id

    def _error(self, label: str, rule_id: str | None, problem: str) -> RoutingRulesError:
        return RoutingRulesError(f"{label}: {problem}", source=self._source, rule_id=rule_id)
