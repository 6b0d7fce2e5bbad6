"""The rubric: each criterion's points, the explanation, and how reviews combine with it."""

from dataclasses import replace
from datetime import UTC, datetime

import pytest

from services.scoring.bootstrap import rubric_of
from services.scoring.domain.facts import ApplicationFacts, BusinessProfile
from services.scoring.domain.rubric import Rubric, RubricError, evaluate
from services.scoring.domain.scorecard import REVIEWERS, Review, combine
from shared.editions import load_editions

pytestmark = pytest.mark.unit

RUBRIC = rubric_of(load_editions()["athlete365-4"])
MODULES = RUBRIC.training_modules

FACTS = ApplicationFacts(
    edition_id="athlete365-4",
    country="FRA",
    athlete_status="former_olympian",
    submitted_at=datetime(2026, 10, 1, tzinfo=UTC),
    career_end_year=2021,
    business=BusinessProfile(
        sector="sporting_goods",
        stage="revenue",
        sourcing_needs=("textiles",),
        target_markets=("DEU", "USA", "FRA"),
        pitch_word_count=80,
    ),
)


def _points(facts: ApplicationFacts = FACTS, done: frozenset[str] = frozenset()) -> dict[str, int]:
    return {c.criterion: c.centipoints for c in evaluate(RUBRIC, facts, done).criteria}


def _business(**changes: object) -> ApplicationFacts:
    assert FACTS.business is not None
    return replace(FACTS, business=replace(FACTS.business, **changes))  # type: ignore[arg-type]


def _review(reviewer: str, score: int, *, conflict: bool = False) -> Review:
    return Review(reviewer, score, conflict, None, datetime(2026, 11, 1, tzinfo=UTC))


def test_the_demo_application_earns_documented_points_per_criterion() -> None:
    assert _points() == {
        "business_stage": 1875,  # revenue: 3/4 x 25
        "b2b_sourcing_fit": 1333,  # (1 + 1/3) / 2 x 20 = 13.333
        "market_reach": 750,  # DEU, USA outside FRA: 2/4 x 15
        "pitch_completeness": 800,  # 80/100 x 10
        "career_transition": 1125,  # ended 5 years before applying: 3/4 x 15
        "training_progress": 0,
    }


@pytest.mark.parametrize(
    ("stage", "centipoints"),
    [("idea", 625), ("prototype", 1250), ("revenue", 1875), ("growth", 2500)],
)
def test_business_stage_rises_with_each_stage(stage: str, centipoints: int) -> None:
    assert _points(_business(stage=stage))["business_stage"] == centipoints


def test_a_service_sector_earns_a_third_of_the_sector_half() -> None:
    points = _points(_business(sector="Coaching", sourcing_needs=("a", "b", "c", "d")))
    assert points["b2b_sourcing_fit"] == 1333  # (1/3 + 1) / 2 x 20


def test_sector_names_are_normalised_before_matching() -> None:
    assert _points(_business(sector=" Sporting-Goods "))["b2b_sourcing_fit"] == 1333


def test_market_reach_counts_distinct_foreign_markets_up_to_four() -> None:
    assert _points(_business(target_markets=("fra", "FRA")))["market_reach"] == 0
    assert _points(_business(target_markets=("usa", "USA ", "deu")))["market_reach"] == 750
    many = ("USA", "DEU", "JPN", "CHN", "BRA", "KEN")
    assert _points(_business(target_markets=many))["market_reach"] == 1500


def test_pitch_completeness_is_full_at_one_hundred_words() -> None:
    assert _points(_business(pitch_word_count=0))["pitch_completeness"] == 0
    assert _points(_business(pitch_word_count=450))["pitch_completeness"] == 1000


@pytest.mark.parametrize(
    ("status", "end_year", "centipoints"),
    [
        ("former_paralympian", 2024, 1500),
        ("former_olympian", 2022, 1500),
        ("former_olympian", 2016, 1125),
        ("former_olympian", 2000, 750),
        ("former_olympian", None, 750),
        ("current_olympian", None, 750),
    ],
)
def test_career_transition_need_is_highest_right_after_a_career_ends(
    status: str, end_year: int | None, centipoints: int
) -> None:
    facts = replace(FACTS, athlete_status=status, career_end_year=end_year)
    assert _points(facts)["career_transition"] == centipoints


def test_training_progress_counts_only_modules_of_the_edition_track() -> None:
    done = frozenset({MODULES[0], MODULES[1], "unrelated-webinar"})
    assert _points(done=done)["training_progress"] == 600  # 2/5 x 15


def test_no_business_profile_earns_nothing_on_business_criteria() -> None:
    points = _points(replace(FACTS, business=None))
    assert points["business_stage"] == points["market_reach"] == 0
    assert points["b2b_sourcing_fit"] == points["pitch_completeness"] == 0


def test_every_criterion_explains_its_points() -> None:
    explained = {c.criterion: c.explanation for c in evaluate(RUBRIC, FACTS, frozenset()).criteria}
    assert "stage 'revenue' is step 3 of 4" in explained["business_stage"]
    assert "= 18.75 points" in explained["business_stage"]
    assert "2 target market(s) outside FRA (DEU, USA)" in explained["market_reach"]
    assert "0 of 5 training module(s) completed" in explained["training_progress"]


def test_a_rubric_naming_an_unknown_criterion_is_refused() -> None:
    with pytest.raises(RubricError, match="charisma"):
        Rubric(version=2, weights={"charisma": 100}, training_modules=())


def test_without_reviews_the_total_is_the_rubric_total() -> None:
    card = combine(evaluate(RUBRIC, FACTS, frozenset()), [])
    assert card.total == card.rubric.total == 5883
    assert REVIEWERS not in card.breakdown


def test_reviews_weigh_thirty_percent_and_the_breakdown_adds_up_to_the_total() -> None:
    rubric = evaluate(RUBRIC, FACTS, frozenset())
    card = combine(rubric, [_review("r1", 90), _review("r2", 70)])
    assert card.breakdown[REVIEWERS] == 2400  # mean 80 x 0.3
    assert card.breakdown["business_stage"] == 1313  # 18.75 x 0.7 = 13.125, half up
    assert card.total == sum(card.breakdown.values())
    assert abs(card.total - (0.7 * rubric.total + 0.3 * 8000)) <= len(card.breakdown)


def test_a_conflicted_reviewer_changes_nothing() -> None:
    rubric = evaluate(RUBRIC, FACTS, frozenset())
    alone = combine(rubric, [_review("r1", 90)])
    with_conflict = combine(rubric, [_review("r1", 90), _review("r2", 0, conflict=True)])
    assert with_conflict.breakdown == alone.breakdown
    assert with_conflict.fingerprint == alone.fingerprint
    assert [r.reviewer_id for r in with_conflict.reviews.excluded] == ["r2"]
    only_conflicted = combine(rubric, [_review("r2", 0, conflict=True)])
    assert only_conflicted.breakdown == combine(rubric, []).breakdown
