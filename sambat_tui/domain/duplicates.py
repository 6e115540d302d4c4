"""Likely duplicates: the same problem reported twice (two neighbours, two channels, a reporter who re-sends).

A pair is a candidate when it shares the category, lies close (the same kelurahan, or within
``max_metres`` by coordinates), and was reported at most ``max_days`` apart; the store finds those with an
index. This module scores them: the text similarity decides, place and time only rank what is similar.

Text similarity is token-set similarity (Sørensen-Dice over the sets of words) of the title and description
normalised with ``domain.text_normalize`` (informal spellings, Javanese and typos folded onto one word),
without the function words every complaint shares ("di", "yang", "sudah", "mohon"). Word order and
repetition do not matter, which is what two people describing one pothole differ in.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sambat_tui.domain.text_normalize import Normalizer, default_normalizer

EARTH_RADIUS_M = 6_371_000.0

_STOPWORD_TEXT = """
    ada adalah agar akan aku anda apa atau bagaimana banget bapak belum bisa bu buat dan dari dengan
    depan di dia dulu harap hari ini itu jadi juga kak kalau kami kapan karena ke kemarin kenapa
    ketika kok lagi lah mas masih mbak mohon minggu nya oleh pada pak para saat saja sama sampai
    sangat saya segera sejak sekali selama semua sendiri setiap sini sudah supaya tapi telah terima
    kasih terus tidak tolong untuk warga ya yang
"""
STOPWORDS: frozenset[str] = frozenset(_STOPWORD_TEXT.split())
"""Words that say nothing about which problem it is; everything else counts (numbers too: "RT 03")."""


@dataclass(frozen=True, slots=True)
class DuplicatePolicy:
    max_days: float = 7.0
    """Reports further apart in time are not offered."""
    max_metres: float = 300.0
    """Within this distance by coordinates counts as the same place (besides the same kelurahan)."""
    min_similarity: float = 0.3
    """Below this text similarity a pair is not offered, however close."""
    text_weight: float = 0.7
    place_weight: float = 0.15
    time_weight: float = 0.15

    def __post_init__(self) -> None:
        if self.max_days <= 0 or self.max_metres <= 0:
            raise ValueError("max_days and max_metres must be positive")
        if not 0 <= self.min_similarity <= 1:
            raise ValueError("min_similarity is a share between 0 and 1")
        weights = (self.text_weight, self.place_weight, self.time_weight)
        if min(weights) < 0 or not math.isclose(sum(weights), 1.0):
            raise ValueError("the weights are shares that add up to 1")


DEFAULT_POLICY = DuplicatePolicy()


@dataclass(frozen=True, slots=True)
class Report:
    """What the scoring needs of one complaint."""

    id: str
    category_code: str | None
    kelurahan: str | None
    lat: float | None
    lon: float | None
    created_at: datetime
    text: str
    """Title and description together."""


@dataclass(frozen=True, slots=True)
class DuplicateScore:
    id: str
    score: float
    """0..1: text similarity weighted most, then closeness in place and time."""
    similarity: float
    shared: tuple[str, ...]
    """The words both texts have, for the person who decides."""
    metres: float | None
    """Distance when both have coordinates."""
    same_kelurahan: bool
    days_apart: float


def distance_metres(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle (haversine) distance; plenty for a few hundred metres inside one city."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    d_phi, d_lambda = phi2 - phi1, math.radians(lon2 - lon1)
    h = math.sin(d_phi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(d_lambda / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(h)))


def bounding_box(lat: float, lon: float, metres: float) -> tuple[float, float, float, float]:
    """(min lat, max lat, min lon, max lon) around a point that holds every point within ``metres``."""
    d_lat = math.degrees(metres / EARTH_RADIUS_M)
    # At Malang (8 degrees south) a degree of longitude is ~1 % shorter than at the equator.
    d_lon = math.degrees(metres / (EARTH_RADIUS_M * max(math.cos(math.radians(lat)), 1e-6)))
    return lat - d_lat, lat + d_lat, lon - d_lon, lon + d_lon


def word_set(text: str, normalizer: Normalizer | None = None) -> frozenset[str]:
    """The normalised words of ``text`` that can tell one problem from another."""
    tokens = (normalizer or default_normalizer()).tokens(text)
    return frozenset(t for t in tokens if t not in STOPWORDS and (len(t) > 1 or t.isdigit()))


def token_set_similarity(a: Iterable[str], b: Iterable[str]) -> float:
    """Sørensen-Dice over two word sets: 1 for the same words, 0 for none in common (or an empty side)."""
    left, right = frozenset(a), frozenset(b)
    if not left or not right:
        return 0.0
    return 2 * len(left & right) / (len(left) + len(right))


def _same_kelurahan(a: Report, b: Report) -> bool:
    if not a.kelurahan or not b.kelurahan:
        return False
    return " ".join(a.kelurahan.split()).casefold() == " ".join(b.kelurahan.split()).casefold()


def _metres(a: Report, b: Report) -> float | None:
    if a.lat is None or a.lon is None or b.lat is None or b.lon is None:
        return None
    return distance_metres(a.lat, a.lon, b.lat, b.lon)


def score(
    subject: Report,
    other: Report,
    policy: DuplicatePolicy = DEFAULT_POLICY,
    normalizer: Normalizer | None = None,
    *,
    subject_words: frozenset[str] | None = None,
) -> DuplicateScore | None:
    """The pair's score, or None when it is not a candidate (category, place, time) or too dissimilar."""
    if subject.id == other.id or subject.category_code != other.category_code:
        return None
    days = abs((other.created_at - subject.created_at).total_seconds()) / 86_400
    if days > policy.max_days:
        return None
    metres = _metres(subject, other)
    same_kelurahan = _same_kelurahan(subject, other)
    near = metres is not None and metres <= policy.max_metres
    if not (same_kelurahan or near):
        return None
    words = subject_words if subject_words is not None else word_set(subject.text, normalizer)
    theirs = word_set(other.text, normalizer)
    similarity = token_set_similarity(words, theirs)
    if similarity < policy.min_similarity:
        return None
    # Coordinates say more than a kelurahan (which spans a kilometre or two): closer is better.
    place = 1 - metres / policy.max_metres if near and metres is not None else 0.5
    time = 1 - days / policy.max_days
    total = policy.text_weight * similarity + policy.place_weight * place + policy.time_weight * time
    return DuplicateScore(
        id=other.id,
        score=round(total, 6),
        similarity=round(similarity, 6),
        shared=tuple(sorted(words & theirs)),
        metres=None if metres is None else round(metres, 1),
        same_kelurahan=same_kelurahan,
        days_apart=round(days, 3),
    )


def rank(
    subject: Report,
    others: Iterable[Report],
    policy: DuplicatePolicy = DEFAULT_POLICY,
    normalizer: Normalizer | None = None,
    limit: int = 10,
) -> tuple[DuplicateScore, ...]:
    """The likely duplicates of ``subject`` among ``others``, best first (ties: the older report first)."""
    words = word_set(subject.text, normalizer)
    scored: list[tuple[DuplicateScore, datetime]] = []
    for other in others:
        found = score(subject, other, policy, normalizer, subject_words=words)
        if found is not None:
            scored.append((found, other.created_at))
    scored.sort(key=lambda pair: (-pair[0].score, pair[1], pair[0].id))
    return tuple(s for s, _ in scored[:limit])
