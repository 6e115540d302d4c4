"""Normalising complaint text the way Malang citizens write it, so keyword rules can match.

``"Dalane BOLONG!!! 😡 lampune pet, peteng ndedet"`` becomes
``"jalan berlubang lampu mati gelap sekali"``: lower case, no punctuation or emoji, stretched letters
collapsed ("bauuuu" -> "bau", while "saaaat" -> "saat" keeps its real double letter), abbreviations and
Javanese expanded, possessive suffixes dropped from known words ("lampune", "sampahnya"), and small typos in
words of five letters or more corrected towards the known vocabulary ("brlubang" -> "berlubang").

The output is a fixed point: normalising it again gives the same text. Per-token work is cached, so a seed
of a million complaints pays for each distinct word once.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator, Mapping
from functools import cache

from sambat_tui.domain.informal_words import (
    ABBREVIATIONS,
    JAVANESE,
    KALI_AS_COUNT,
    KALI_FOLLOWED_AS_COUNT,
    everyday_words,
)

# A token is a run of letters or a run of digits; "anak2", "lampu2" (a whole word of letters ending in 2) is
# the Indonesian shorthand for a reduplicated word and gives the word once. Anything not a letter or digit
# (punctuation, emoji, underscores, control characters) only separates tokens.
_TOKEN = re.compile(r"(?<![^\W_])([^\W\d_]{3,})2(?![^\W_])|[^\W\d_]+|\d+")
_STRETCH = re.compile(r"([^\W\d_])\1{2,}")
_RUN = re.compile(r"(.)\1*", re.DOTALL)
# Possessive suffixes: Indonesian -nya, -ku, -mu; Javanese -ne after a vowel, -e after a consonant.
_SUFFIXES = ("nya", "ne", "ku", "mu", "e")
# Indonesian derivation: a prefix (with the nasal that replaces the stem's first letter) and a suffix around a
# known stem make a real word that typo correction must leave alone ("diangkat" is not "diangkut").
_DERIVATION_PREFIXES: tuple[tuple[str, str], ...] = (
    ("memper", ""),
    ("diper", ""),
    ("meng", ""),
    ("meng", "k"),
    ("meny", "s"),
    ("mem", ""),
    ("mem", "p"),
    ("men", ""),
    ("men", "t"),
    ("me", ""),
    ("peng", ""),
    ("peng", "k"),
    ("peny", "s"),
    ("pem", ""),
    ("pem", "p"),
    ("pen", ""),
    ("pen", "t"),
    ("per", ""),
    ("pe", ""),
    ("ber", ""),
    ("be", ""),
    ("ter", ""),
    ("di", ""),
    ("ke", ""),
    ("se", ""),
    ("", ""),
)
_DERIVATION_SUFFIXES = ("kan", "an", "i", "nya", "")
_MIN_FUZZY_LENGTH = 5
_LONG_WORD_LENGTH = 11
_CACHE_LIMIT = 200_000


def bounded_damerau_levenshtein(a: str, b: str, limit: int) -> int:
    """Edit distance with adjacent transpositions (optimal string alignment), capped at ``limit + 1``.

    Stops as soon as every alignment already costs more than ``limit``, so comparing a word against a
    dissimilar one costs a row or two, not the whole table.
    """
    if limit < 0:
        raise ValueError("limit must be >= 0")
    if a == b:
        return 0
    la, lb = len(a), len(b)
    if abs(la - lb) > limit:
        return limit + 1
    if la == 0 or lb == 0:
        return min(max(la, lb), limit + 1)
    before_previous: list[int] = []
    previous = list(range(lb + 1))
    for i in range(1, la + 1):
        current = [i] + [0] * lb
        ca = a[i - 1]
        row_min = i
        for j in range(1, lb + 1):
            cb = b[j - 1]
            cost = 0 if ca == cb else 1
            value = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                value = min(value, before_previous[j - 2] + 1)
            current[j] = value
            row_min = min(row_min, value)
        if row_min > limit:
            return limit + 1
        before_previous, previous = previous, current
    return min(previous[lb], limit + 1)


def _deletions(word: str, depth: int) -> set[str]:
    """Every string obtained from ``word`` by deleting up to ``depth`` characters (symmetric-delete index)."""
    found = {word}
    frontier = {word}
    for _ in range(depth):
        frontier = {w[:i] + w[i + 1 :] for w in frontier for i in range(len(w))}
        found |= frontier
    return found


def _fuzzy_limit(token: str) -> int:
    return 1 if len(token) < _LONG_WORD_LENGTH else 2


def raw_tokens(text: str) -> Iterator[str]:
    """Lower-cased words and numbers of ``text``; punctuation, emoji and control characters separate them."""
    if text.isascii():
        folded = text.lower()  # what NFKC and casefold give for ASCII, at a fraction of the cost
    else:
        folded = unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", text).casefold())
    for match in _TOKEN.finditer(folded):
        yield match.group(1) or match.group(0)


class Normalizer:
    """Normalises text against a vocabulary: the built-in everyday words plus the caller's keywords.

    Keywords matter twice: they are never "corrected", and they are what typos are corrected towards.
    """

    def __init__(
        self,
        vocabulary: Iterable[str] = (),
        replacements: Mapping[str, str] | None = None,
        common_words: Iterable[str] | None = None,
    ) -> None:
        table = dict(replacements) if replacements is not None else {**ABBREVIATIONS, **JAVANESE}
        self._replacements: dict[str, tuple[str, ...]] = {}
        for key, value in table.items():
            words = tuple(value.split())
            if not key or not words or any(w in table for w in words):
                raise ValueError(
                    f"replacement {key!r} -> {value!r} must give words that are not themselves replaced"
                )
            self._replacements[key] = words
        # Typos are corrected towards the caller's keywords and the replacement tables; everyday words only
        # stop a correction (an unknown word as close to "sampai" as to "sampah" stays as it is).
        correctable: set[str] = set(self._replacements)
        for raw in vocabulary:
            correctable.update(raw_tokens(raw))
        for words in self._replacements.values():
            correctable.update(words)
        known = correctable | set(everyday_words() if common_words is None else common_words)
        self._known = frozenset(w for w in known if w not in self._replacements)
        self._correctable = frozenset(correctable)
        targets = [
            w for w in (*self._known, *self._replacements) if len(w) >= _MIN_FUZZY_LENGTH and w.isalpha()
        ]
        self._fuzzy_index: dict[str, list[str]] = {}
        for word in targets:
            for variant in _deletions(word, 2 if len(word) >= _LONG_WORD_LENGTH - 2 else 1):
                self._fuzzy_index.setdefault(variant, []).append(word)
        self._cache: dict[str, tuple[str, ...]] = {}

    @property
    def known_words(self) -> frozenset[str]:
        return self._known

    def tokens(self, text: str) -> tuple[str, ...]:
        out: list[str] = []
        cache_ = self._cache
        for raw in raw_tokens(text):
            resolved = cache_.get(raw)
            if resolved is None:
                resolved = self._resolve(raw)
                if len(cache_) >= _CACHE_LIMIT:
                    cache_.clear()
                cache_[raw] = resolved
            out.extend(resolved)
        if "kali" in out:
            _kali_to_river(out)
        return tuple(out)

    def normalize(self, text: str) -> str:
        return " ".join(self.tokens(text))

    def _lookup(self, token: str) -> tuple[str, ...] | None:
        replaced = self._replacements.get(token)
        if replaced is not None:
            return replaced
        return (token,) if token in self._known else None

    def _resolve(self, token: str) -> tuple[str, ...]:
        found = self._lookup(token)
        if found is not None:
            return found
        if not token.isalpha():
            return (token,)
        base, stretched_at = _collapse_stretches(token)
        for candidate in _spelling_variants(base, stretched_at):
            found = self._lookup(candidate)
            if found is not None:
                return found
        for suffix in _SUFFIXES:
            if base.endswith(suffix) and len(base) - len(suffix) >= 3:
                found = self._lookup(base[: -len(suffix)])
                if found is not None:
                    return found
        corrected = self._closest(base)
        if corrected is not None:
            return corrected
        return (base,)

    def _closest(self, token: str) -> tuple[str, ...] | None:
        """What the one nearest word means, when it is a keyword within a small edit distance sharing the
        first letter; else None.

        Typos rarely hit the first letter, and requiring it keeps street and family names from being
        "corrected" into keywords. Nearest words that disagree, or a nearest everyday word: no correction.
        """
        if len(token) < _MIN_FUZZY_LENGTH or self._is_derived(token):
            return None
        limit = _fuzzy_limit(token)
        candidates: set[str] = set()
        for variant in _deletions(token, limit):
            candidates.update(self._fuzzy_index.get(variant, ()))
        found: list[tuple[int, tuple[str, ...], bool]] = []
        for word in candidates:
            if word[0] != token[0]:
                continue
            distance = bounded_damerau_levenshtein(token, word, limit)
            meaning = self._lookup(word)
            if distance <= limit and meaning is not None:
                found.append((distance, meaning, word in self._correctable))
        if not found:
            return None
        nearest = min(distance for distance, _, _ in found)
        outcomes = {(meaning, correctable) for distance, meaning, correctable in found if distance == nearest}
        if len(outcomes) != 1:
            return None
        ((meaning, correctable),) = outcomes
        return meaning if correctable else None

    def _is_derived(self, token: str) -> bool:
        known = self._known
        for prefix, restored in _DERIVATION_PREFIXES:
            if not token.startswith(prefix):
                continue
            for suffix in _DERIVATION_SUFFIXES:
                if not prefix and not suffix:
                    continue
                end = len(token) - len(suffix)
                if not token.endswith(suffix) or end - len(prefix) < 3:
                    continue
                if restored + token[len(prefix) : end] in known:
                    return True
        return False


def _collapse_stretches(token: str) -> tuple[str, tuple[int, ...]]:
    """Collapse runs of three or more equal letters to one; report where in the result they were."""
    if _STRETCH.search(token) is None:
        return token, ()
    parts: list[str] = []
    positions: list[int] = []
    length = 0
    for match in _RUN.finditer(token):
        run = match.group(0)
        if len(run) >= 3:
            positions.append(length)
            run = run[0]
        parts.append(run)
        length += len(run)
    return "".join(parts), tuple(positions)


def _spelling_variants(base: str, stretched_at: tuple[int, ...]) -> Iterator[str]:
    """The token as collapsed, then with one doubled letter undone ("bauu" -> "bau"), then with a stretched
    letter restored to a legitimate double ("saaaat" -> "sat" -> "saat")."""
    yield base
    doubles = [i for i in range(len(base) - 1) if base[i] == base[i + 1]]
    for i in doubles:
        yield base[:i] + base[i + 1 :]
    if len(doubles) > 1:
        yield _undouble_all(base)
    for i in stretched_at:
        yield base[: i + 1] + base[i] + base[i + 1 :]


def _undouble_all(word: str) -> str:
    return "".join(c for i, c in enumerate(word) if i == 0 or word[i - 1] != c)


def _kali_to_river(tokens: list[str]) -> None:
    """Javanese "kali" is a river, Indonesian "kali" means "times": decide from the neighbouring words."""
    original = tuple(tokens)
    for i, token in enumerate(original):
        if token != "kali":
            continue
        before = original[i - 1] if i > 0 else ""
        after = original[i + 1] if i + 1 < len(original) else ""
        if before.isdigit() or before in KALI_AS_COUNT or after in KALI_FOLLOWED_AS_COUNT:
            continue
        tokens[i] = "sungai"


@cache
def default_normalizer() -> Normalizer:
    """A normaliser knowing the built-in vocabulary only; the router builds one that knows its keywords."""
    return Normalizer()


def normalize(text: str) -> str:
    return default_normalizer().normalize(text)
