"""Duplicate scoring: token-set similarity on normalised text, gated by category, place and time."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sambat_tui.domain.duplicates import (
    STOPWORDS,
    DuplicatePolicy,
    Report,
    bounding_box,
    distance_metres,
    rank,
    score,
    token_set_similarity,
    word_set,
)

T0 = datetime(2026, 2, 2, 2, 0, tzinfo=UTC)
# Two points in Lowokwaru about 150 m apart, and one about 2 km away.
NEAR = (-7.9520, 112.6140)
CLOSE_BY = (-7.9533, 112.6141)
FAR = (-7.9700, 112.6200)


def report(
    rid: str,
    text: str,
    *,
    category: str | None = "JALAN_RUSAK",
    kelurahan: str | None = None,
    at: tuple[float, float] | None = NEAR,
    days: float = 0,
) -> Report:
    lat, lon = at if at is not None else (None, None)
    return Report(
        id=rid,
        category_code=category,
        kelurahan=kelurahan,
        lat=lat,
        lon=lon,
        created_at=T0 + timedelta(days=days),
        text=text,
    )


POTHOLE = "Jalan berlubang di depan SDN 3 Tlogomas, sudah dua minggu, bahaya buat motor"
SAME_POTHOLE_INFORMAL = "dalane bolong nang ngarep SDN 3 tlogomas, bahaya motor"
STREETLIGHT = "Lampu penerangan jalan mati total di gang 5"


def test_informal_spelling_of_the_same_problem_is_similar_and_another_problem_is_not() -> None:
    same = token_set_similarity(word_set(POTHOLE), word_set(SAME_POTHOLE_INFORMAL))
    other = token_set_similarity(word_set(POTHOLE), word_set(STREETLIGHT))
    assert same >= 0.5 > other
    assert {"jalan", "berlubang", "3", "tlogomas", "bahaya", "motor"} <= word_set(SAME_POTHOLE_INFORMAL)


def test_function_words_do_not_count() -> None:
    assert word_set("Mohon segera di tindak lanjuti pak, sudah lama sekali") == word_set(
        "tindak lanjuti lama"
    )
    assert not word_set(" ".join(sorted(STOPWORDS)))


@given(
    st.lists(st.text(alphabet="abcdefg ", max_size=12), max_size=6),
    st.lists(st.text(alphabet="abcdefg ", max_size=12), max_size=6),
)
def test_similarity_is_symmetric_bounded_and_one_for_the_same_set(a: list[str], b: list[str]) -> None:
    left, right = frozenset(a), frozenset(b)
    value = token_set_similarity(left, right)
    assert value == token_set_similarity(right, left)
    assert 0.0 <= value <= 1.0
    if left:
        assert token_set_similarity(left, left) == 1.0


def test_a_near_same_category_similar_report_a_day_later_scores_high() -> None:
    found = score(report("a", POTHOLE), report("b", SAME_POTHOLE_INFORMAL, at=CLOSE_BY, days=1))
    assert found is not None
    assert found.metres is not None and 100 < found.metres < 200
    assert found.similarity >= 0.5 and 0.5 < found.score <= 1
    assert "tlogomas" in found.shared and found.days_apart == 1


@pytest.mark.parametrize(
    "other",
    [
        report("b", SAME_POTHOLE_INFORMAL, category="DRAINASE"),  # another category
        report("b", SAME_POTHOLE_INFORMAL, at=FAR),  # 2 km away, no shared kelurahan
        report("b", SAME_POTHOLE_INFORMAL, days=8),  # too far apart in time
        report("b", STREETLIGHT),  # same place, another problem
        report("a", POTHOLE),  # itself
    ],
    ids=["category", "place", "time", "text", "itself"],
)
def test_pairs_that_are_not_candidates_score_none(other: Report) -> None:
    assert score(report("a", POTHOLE), other) is None


def test_the_same_kelurahan_counts_as_near_without_coordinates() -> None:
    subject = report("a", POTHOLE, kelurahan="Tlogomas", at=None)
    assert score(subject, report("b", SAME_POTHOLE_INFORMAL, kelurahan=" tlogomas ", at=None)) is not None
    assert score(subject, report("b", SAME_POTHOLE_INFORMAL, kelurahan="Merjosari", at=None)) is None


def test_distance_and_bounding_box_agree() -> None:
    metres = distance_metres(*NEAR, *CLOSE_BY)
    assert 140 < metres < 150
    low_lat, high_lat, low_lon, high_lon = bounding_box(*NEAR, 300)
    assert low_lat < CLOSE_BY[0] < high_lat and low_lon < CLOSE_BY[1] < high_lon
    assert not low_lat < FAR[0] < high_lat
    # Every point on the circle's compass points lies inside the box.
    assert distance_metres(NEAR[0], NEAR[1], high_lat, NEAR[1]) == pytest.approx(300, rel=1e-3)
    assert distance_metres(NEAR[0], NEAR[1], NEAR[0], high_lon) == pytest.approx(300, rel=1e-3)


def test_rank_orders_by_score_then_age_and_respects_the_limit() -> None:
    subject = report("s", POTHOLE)
    candidates = [
        report("later", SAME_POTHOLE_INFORMAL, days=5),
        report("sooner", SAME_POTHOLE_INFORMAL, days=1),
        report("exact", POTHOLE, days=1),
        report("other", STREETLIGHT, days=1),
    ]
    ranked = rank(subject, candidates)
    assert [r.id for r in ranked] == ["exact", "sooner", "later"]
    assert ranked[0].similarity == 1.0
    assert [r.id for r in rank(subject, candidates, limit=1)] == ["exact"]


def test_a_closer_report_ranks_above_a_farther_one_with_the_same_words() -> None:
    subject = report("s", POTHOLE)
    near = report("near", POTHOLE, at=NEAR, days=1)
    farther = report("farther", POTHOLE, at=CLOSE_BY, days=1)
    assert [r.id for r in rank(subject, [farther, near])] == ["near", "farther"]


@pytest.mark.parametrize(
    "kwargs",
    [{"max_days": 0}, {"max_metres": -1}, {"min_similarity": 1.5}, {"text_weight": 0.9}],
)
def test_a_policy_that_makes_no_sense_is_refused(kwargs: dict[str, float]) -> None:
    with pytest.raises(ValueError):
        DuplicatePolicy(**kwargs)
