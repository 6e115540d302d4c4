"""Automatic routing: which agency (and desk) gets a new complaint, and why.

Order (DOMAIN-AND-API.md, Routing):

1. An explicit category chosen by the reporter wins: its category rule or default agency and desk. The
   out-of-city category (no default agency) picks the external body from the text.
2. Otherwise every keyword rule is scored over the normalised title and description. A keyword found in the
   title weighs ``title_weight`` times more; a phrase weighs more than its words; a word found only inside a
   longer matched phrase ("lampu" inside "lampu lalu lintas") does not count on its own; the rule's priority
   scales its score. Scores are summed per agency (each distinct keyword once). The best agency wins when it
   beats the runner-up by the ``margin`` factor.
3. Area rules then move the complaint to a kecamatan's desk (UPT).
4. Nothing matched, or two agencies too close: no agency; the complaint waits in the coordinator's triage
   queue, with the candidates as suggestions.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from sambat_tui.domain.informal_words import everyday_words
from sambat_tui.domain.model import AgencyKind
from sambat_tui.domain.reference import Category, Reference, load_reference
from sambat_tui.domain.routing_rules import (
    MAX_PRIORITY,
    RoutingRule,
    RuleSet,
    kecamatan_names,
    load_rules,
)
from sambat_tui.domain.text_normalize import Normalizer, raw_tokens

EXPLICIT_CATEGORY = "explicit_category"
KEYWORD = "keyword"
NO_MATCH = "no_match"
TIE = "tie"

_KECAMATAN_PREFIXES = ("kecamatan ", "kec. ", "kec ")
_WAITS = "laporan menunggu verifikasi Admin Koordinator."


class UnknownCategory(ValueError):
    """The caller named a category code the reference does not know."""

    def __init__(self, code: str) -> None:
        super().__init__(f"unknown category code {code!r}")
        self.code = code


@dataclass(frozen=True)
class Candidate:
    agency_id: str
    desk_id: str | None
    category_code: str | None
    score: float
    rule_id: str
    matched: tuple[str, ...]


@dataclass(frozen=True)
class RouteDecision:
    agency_id: str | None
    desk_id: str | None
    category_code: str | None
    rule_id: str | None
    matched: tuple[str, ...]
    reason: str
    candidates: tuple[Candidate, ...]
    explanation: str

    @property
    def routed(self) -> bool:
        return self.agency_id is not None


@dataclass(frozen=True, slots=True)
class _CompiledRule:
    rule: RoutingRule
    any_ids: tuple[int, ...]
    all_groups: tuple[tuple[int, ...], ...]
    exclude_ids: tuple[int, ...]
    factor: float


@dataclass(frozen=True, slots=True)
class _Scored:
    """One agency's standing: total score and the rule that contributed most."""

    agency_id: str
    score: float
    rule: RoutingRule
    matched: tuple[str, ...]


class Router:
    def __init__(self, rules: RuleSet, reference: Reference) -> None:
        self._reference = reference
        self._settings = rules.settings
        self._kecamatan = kecamatan_names(reference)
        phrases_text = [
            phrase
            for rule in rules.rules
            for phrase in (*rule.keywords_any, *(p for g in rule.keywords_all for p in g), *rule.exclude_any)
        ]
        # place names are real words: never "corrected" into a keyword, never a target of a correction
        places = {t for k in reference.kelurahan for name in (k.name, k.kecamatan) for t in raw_tokens(name)}
        self._normalizer = Normalizer(vocabulary=phrases_text, common_words=everyday_words() | places)

        self._phrases: list[tuple[str, ...]] = []
        self._phrase_ids: dict[tuple[str, ...], int] = {}
        self._by_first_token: dict[str, list[tuple[int, tuple[str, ...]]]] = {}
        self._keyword_rules: list[_CompiledRule] = []
        self._rules_by_phrase: dict[int, list[int]] = {}
        for rule in rules.rules:
            if not rule.is_keyword_rule:
                continue
            compiled = _CompiledRule(
                rule=rule,
                any_ids=tuple(self._phrase_id(p, rule) for p in rule.keywords_any),
                all_groups=tuple(tuple(self._phrase_id(p, rule) for p in g) for g in rule.keywords_all),
                exclude_ids=tuple(self._phrase_id(p, rule) for p in rule.exclude_any),
                factor=0.5 + rule.priority / MAX_PRIORITY,
            )
            position = len(self._keyword_rules)
            self._keyword_rules.append(compiled)
            for pid in {*compiled.any_ids, *(p for g in compiled.all_groups for p in g)}:
                self._rules_by_phrase.setdefault(pid, []).append(position)
        bonus = self._settings.phrase_bonus
        self._weights = [len(p) + bonus * (len(p) - 1) for p in self._phrases]
        # the highest priority first; the file order breaks ties
        self._area_rules = sorted((r for r in rules.rules if r.is_area_rule), key=lambda r: -r.priority)
        self._category_rules: dict[str, RoutingRule] = {}
        for rule in sorted((r for r in rules.rules if r.is_category_rule), key=lambda r: -r.priority):
            if rule.category_code is not None:
                self._category_rules.setdefault(rule.category_code, rule)
        self._external = frozenset(a.id for a in reference.agencies if a.kind is AgencyKind.EXTERNAL)

    @classmethod
    def load(cls, rules_path: Path | None = None, reference: Reference | None = None) -> Router:
        """Read and check the rules file (default ``domain/data/routing_rules.toml``)."""
        reference = reference if reference is not None else load_reference()
        return cls(load_rules(rules_path, reference), reference)

    @property
    def normalizer(self) -> Normalizer:
        return self._normalizer

    @property
    def keyword_rules(self) -> tuple[RoutingRule, ...]:
        """The rules that route by keywords, in file order (Open311 lists their leading words per service)."""
        return tuple(compiled.rule for compiled in self._keyword_rules)

    def route(
        self,
        *,
        title: str,
        description: str,
        category_code: str | None = None,
        kecamatan: str | None = None,
    ) -> RouteDecision:
        kecamatan_name = self._kecamatan_name(kecamatan)
        code = category_code.strip() if category_code is not None else ""
        scored = self._score(title, description, kecamatan_name)
        if code:
            category = self._reference.category(code)
            if category is None:
                raise UnknownCategory(code)
            return self._explicit(category, scored, kecamatan_name)
        return self._decide(scored, kecamatan_name, category_code=None)

    # --- scoring -------------------------------------------------------------------------------------------

    def _phrase_id(self, text: str, rule: RoutingRule) -> int:
        tokens = self._normalizer.tokens(text)
        if not tokens:  # the rules checker already refuses these; kept for rules built in code
            raise ValueError(f"rule {rule.id!r}: keyword {text!r} normalises to nothing")
        pid = self._phrase_ids.get(tokens)
        if pid is None:
            pid = len(self._phrases)
            self._phrases.append(tokens)
            self._phrase_ids[tokens] = pid
            self._by_first_token.setdefault(tokens[0], []).append((pid, tokens))
        return pid

    def _find(self, tokens: Sequence[str]) -> tuple[set[int], set[int]]:
        """Phrases present in ``tokens``: all of them, and those not swallowed by a longer matched phrase."""
        found: list[tuple[int, int, int]] = []
        longer: list[tuple[int, int]] = []  # spans of matched phrases of two words or more
        index = self._by_first_token
        for start, token in enumerate(tokens):
            entries = index.get(token)
            if entries is None:
                continue
            for pid, phrase in entries:
                size = len(phrase)
                if size == 1:
                    found.append((pid, start, start + 1))
                elif tuple(tokens[start : start + size]) == phrase:
                    found.append((pid, start, start + size))
                    longer.append((start, start + size))
        everything = {pid for pid, _, _ in found}
        if not longer:
            return everything, everything
        kept = {
            pid
            for pid, start, end in found
            if not any(e - s > end - start and s <= start and end <= e for s, e in longer)
        }
        return everything, kept

    def _score(self, title: str, description: str, kecamatan: str | None) -> list[_Scored]:
        title_all, title_kept = self._find(self._normalizer.tokens(title))
        body_all, body_kept = self._find(self._normalizer.tokens(description))
        present: dict[int, float] = dict.fromkeys(body_kept, 1.0)
        title_weight = self._settings.title_weight
        for pid in title_kept:
            present[pid] = title_weight
        if not present:
            return []
        seen_anywhere = title_all | body_all
        rule_positions = sorted({pos for pid in present for pos in self._rules_by_phrase.get(pid, ())})

        contributions: dict[str, dict[int, float]] = {}
        best: dict[str, tuple[float, int, RoutingRule, tuple[int, ...]]] = {}
        for position in rule_positions:
            compiled = self._keyword_rules[position]
            rule = compiled.rule
            if rule.kecamatan and kecamatan not in rule.kecamatan:
                continue
            if any(pid in seen_anywhere for pid in compiled.exclude_ids):
                continue
            if not all(any(pid in present for pid in group) for group in compiled.all_groups):
                continue
            hits = [pid for pid in compiled.any_ids if pid in present]
            if compiled.any_ids and not hits:
                continue
            hits.extend(pid for group in compiled.all_groups for pid in group if pid in present)
            matched = tuple(dict.fromkeys(hits))
            weights = {pid: self._weights[pid] * present[pid] * compiled.factor for pid in matched}
            score = sum(weights.values())
            agency = rule.agency_id
            per_phrase = contributions.setdefault(agency, {})
            for pid, weight in weights.items():
                if weight > per_phrase.get(pid, 0.0):
                    per_phrase[pid] = weight
            ranked_ids = tuple(sorted(matched, key=lambda pid: -weights[pid]))
            current = best.get(agency)
            if current is None or (score, rule.priority) > (current[0], current[2].priority):
                best[agency] = (score, position, rule, ranked_ids)

        scored = [
            _Scored(
                agency_id=agency,
                score=round(sum(contributions[agency].values()), 3),
                rule=rule,
                matched=tuple(" ".join(self._phrases[pid]) for pid in ids),
            )
            for agency, (_, _, rule, ids) in best.items()
        ]
        scored.sort(key=lambda s: (-s.score, s.agency_id))
        return scored

    # --- decisions -----------------------------------------------------------------------------------------

    def _decide(
        self, scored: list[_Scored], kecamatan: str | None, *, category_code: str | None
    ) -> RouteDecision:
        settings = self._settings
        candidates = tuple(self._candidate(s) for s in scored[: settings.max_candidates])
        if not scored or scored[0].score < settings.min_score:
            if scored:
                words = _quoted(scored[0].matched)
                explanation = f"Kata yang cocok ({words}) terlalu lemah untuk menentukan instansi; {_WAITS}"
            else:
                explanation = f"Tidak ada aturan yang cocok dengan isi laporan; {_WAITS}"
            return RouteDecision(None, None, category_code, None, (), NO_MATCH, candidates, explanation)
        top = scored[0]
        if len(scored) > 1 and top.score < settings.margin * scored[1].score:
            runner = scored[1]
            explanation = (
                f"Isi laporan cocok untuk {self._agency_label(top.agency_id)} (skor {top.score:.1f}) dan "
                f"{self._agency_label(runner.agency_id)} (skor {runner.score:.1f}) yang terlalu berdekatan; "
                "Admin Koordinator yang menentukan tujuan."
            )
            return RouteDecision(None, None, category_code, None, (), TIE, candidates, explanation)
        chosen = candidates[0]
        category = category_code if category_code is not None else chosen.category_code
        agency_id, desk_id, area_note = self._area_override(
            category, chosen.agency_id, chosen.desk_id, kecamatan
        )
        target = self._target_label(agency_id, desk_id)
        if self._is_external(agency_id):
            lead = f"Bukan kewenangan pemerintah kota: laporan dirujuk ke {target}"
        else:
            lead = f"Laporan diteruskan ke {target}"
        explanation = (
            f"{lead} karena memuat kata {_quoted(chosen.matched)} (aturan {chosen.rule_id}).{area_note}"
        )
        return RouteDecision(
            agency_id, desk_id, category, chosen.rule_id, chosen.matched, KEYWORD, candidates, explanation
        )

    def _explicit(self, category: Category, scored: list[_Scored], kecamatan: str | None) -> RouteDecision:
        override = self._category_rules.get(category.code)
        agency_id: str | None
        if override is not None:
            agency_id, desk_id, rule_id = override.agency_id, override.desk_id, override.id
            if desk_id is None:
                desk_id = self._default_desk(category, override.agency_id)
        else:
            agency_id, desk_id, rule_id = (
                category.default_agency_id,
                category.default_desk_id,
                f"category:{category.code}",
            )
        if agency_id is None:
            # out of the city's hands: the text decides which external body it is referred to
            external = [s for s in scored if s.agency_id in self._external]
            decision = self._decide(external, kecamatan, category_code=category.code)
            if decision.routed:
                return RouteDecision(
                    decision.agency_id,
                    decision.desk_id,
                    decision.category_code,
                    decision.rule_id,
                    decision.matched,
                    EXPLICIT_CATEGORY,
                    decision.candidates,
                    f"Pelapor memilih kategori “{category.name}”. {decision.explanation}",
                )
            return decision
        agency_id, desk_id, area_note = self._area_override(category.code, agency_id, desk_id, kecamatan)
        text_score = next((s.score for s in scored if s.agency_id == agency_id), 0.0)
        chosen = Candidate(agency_id, desk_id, category.code, text_score, rule_id, ())
        others = tuple(self._candidate(s) for s in scored if s.agency_id != agency_id)
        candidates = (chosen, *others)[: self._settings.max_candidates]
        explanation = (
            f"Pelapor memilih kategori “{category.name}”, jadi laporan diteruskan ke "
            f"{self._target_label(agency_id, desk_id)}.{area_note}"
        )
        return RouteDecision(
            agency_id, desk_id, category.code, rule_id, (), EXPLICIT_CATEGORY, candidates, explanation
        )

    def _area_override(
        self, category_code: str | None, agency_id: str, desk_id: str | None, kecamatan: str | None
    ) -> tuple[str, str | None, str]:
        if category_code is None or kecamatan is None:
            return agency_id, desk_id, ""
        for rule in self._area_rules:
            if rule.category_code == category_code and kecamatan in rule.kecamatan:
                new_desk = rule.desk_id if rule.desk_id is not None else self._only_desk(rule.agency_id)
                handler = self._target_label(rule.agency_id, new_desk)
                note = f" Wilayah Kecamatan {kecamatan} ditangani {handler} (aturan {rule.id})."
                return rule.agency_id, new_desk, note
        return agency_id, desk_id, ""

    def _candidate(self, scored: _Scored) -> Candidate:
        rule = scored.rule
        desk_id = rule.desk_id
        if desk_id is None:
            category = self._reference.category(rule.category_code) if rule.category_code else None
            desk_id = (
                self._default_desk(category, rule.agency_id) if category else self._only_desk(rule.agency_id)
            )
        return Candidate(scored.agency_id, desk_id, rule.category_code, scored.score, rule.id, scored.matched)

    def _default_desk(self, category: Category, agency_id: str) -> str | None:
        if category.default_agency_id == agency_id and category.default_desk_id is not None:
            return category.default_desk_id
        return self._only_desk(agency_id)

    def _only_desk(self, agency_id: str) -> str | None:
        desks = self._reference.desks_of(agency_id)
        return desks[0].id if len(desks) == 1 else None

    # --- wording -------------------------------------------------------------------------------------------

    def _kecamatan_name(self, kecamatan: str | None) -> str | None:
        if kecamatan is None:
            return None
        folded = " ".join(kecamatan.split()).casefold()
        for prefix in _KECAMATAN_PREFIXES:
            if folded.startswith(prefix):
                folded = folded[len(prefix) :]
                break
        # a kecamatan outside the reference (a neighbouring regency) simply gets no area rule
        return self._kecamatan.get(folded)

    def _is_external(self, agency_id: str) -> bool:
        return agency_id in self._external

    def _agency_label(self, agency_id: str) -> str:
        agency = self._reference.agency(agency_id)
        return agency.short_name if agency is not None else agency_id

    def _target_label(self, agency_id: str, desk_id: str | None) -> str:
        desk = self._reference.desk(desk_id) if desk_id is not None else None
        label = self._agency_label(agency_id)
        return f"{label} ({desk.name})" if desk is not None else label


def _quoted(words: Iterable[str]) -> str:
    return ", ".join(f"“{w}”" for w in words)
