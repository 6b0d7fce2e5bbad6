"""Properties of the rubric that hold for every application, checked with hypothesis."""

from dataclasses import replace
from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from services.scoring.bootstrap import rubric_of
from services.scoring.domain.facts import STAGES, ApplicationFacts, BusinessProfile
from services.scoring.domain.rubric import Rubric, evaluate
from services.scoring.domain.scorecard import Review, ScoreCard, combine
from shared.editions import load_editions

pytestmark = pytest.mark.unit

RUBRIC = rubric_of(load_editions()["athlete365-4"])
NOCS = ("FRA", "DEU", "USA", "JPN", "KEN", "BRA", "CHN", "AUS")
SECTORS = ("sporting_goods", "apparel", "coaching", "media", "nutrition", "software")

businesses = st.builds(
    BusinessProfile,
    sector=st.sampled_from(SECTORS),
    stage=st.sampled_from(STAGES),
    sourcing_needs=st.lists(st.sampled_from(("textiles", "packaging", "electronics", "food"))).map(
        tuple
    ),
    target_markets=st.lists(st.sampled_from(NOCS), max_size=8).map(tuple),
    pitch_word_count=st.integers(0, 400),
)
facts = st.builds(
    ApplicationFacts,
    edition_id=st.just("athlete365-4"),
    country=st.sampled_from(NOCS),
    athlete_status=st.sampled_from(
        ("current_olympian", "former_olympian", "current_paralympian", "former_paralympian")
    ),
    submitted_at=st.datetimes(
        min_value=datetime(2026, 9, 1), max_value=datetime(2027, 8, 31), timezones=st.just(UTC)
    ),
    career_end_year=st.one_of(st.none(), st.integers(1970, 2027)),
    business=st.one_of(st.none(), businesses),
)
completed = st.frozensets(st.sampled_from((*RUBRIC.training_modules, "elsewhere")))
reviews = st.lists(
    st.builds(
        Review,
        reviewer_id=st.sampled_from(("r1", "r2", "r3", "r4")),
        score=st.integers(0, 100),
        conflict_of_interest=st.booleans(),
        comment=st.none(),
        submitted_at=st.just(datetime(2026, 11, 1, tzinfo=UTC)),
    ),
    unique_by=lambda r: r.reviewer_id,
)
weights = st.lists(st.integers(0, 40), min_size=6, max_size=6).filter(lambda w: sum(w) <= 100)


def _card(f: ApplicationFacts, done: frozenset[str], rs: list[Review]) -> ScoreCard:
    return combine(evaluate(RUBRIC, f, done), rs)


@given(facts, completed, reviews)
def test_total_is_always_between_0_and_100_and_the_breakdown_adds_up(
    f: ApplicationFacts, done: frozenset[str], rs: list[Review]
) -> None:
    card = _card(f, done, rs)
    assert 0 <= card.total <= 10_000
    assert card.total == sum(card.breakdown.values())
    assert all(v >= 0 for v in card.breakdown.values())


@given(facts, weights, completed)
def test_any_rubric_with_weights_up_to_100_stays_within_0_and_100(
    f: ApplicationFacts, w: list[int], done: frozenset[str]
) -> None:
    rubric = Rubric(1, dict(zip(RUBRIC.weights, w, strict=True)), RUBRIC.training_modules)
    assert 0 <= evaluate(rubric, f, done).total <= 100 * sum(w)


@given(facts, completed, reviews)
def test_identical_input_gives_an_identical_score(
    f: ApplicationFacts, done: frozenset[str], rs: list[Review]
) -> None:
    first, again = _card(f, done, rs), _card(replace(f), frozenset(done), list(reversed(rs)))
    assert first.breakdown == again.breakdown
    assert first.fingerprint == again.fingerprint
    assert first.explanations == again.explanations


def _improvements(f: ApplicationFacts) -> list[ApplicationFacts]:
    """The same application, better on exactly one criterion input each."""
    better: list[ApplicationFacts] = []
    b = f.business
    if b is not None:
        later = STAGES[min(STAGES.index(b.stage) + 1, len(STAGES) - 1)]
        better.append(replace(f, business=replace(b, stage=later)))
        better.append(replace(f, business=replace(b, target_markets=(*b.target_markets, "ESP"))))
        better.append(replace(f, business=replace(b, sourcing_needs=(*b.sourcing_needs, "wood"))))
        better.append(replace(f, business=replace(b, pitch_word_count=b.pitch_word_count + 25)))
        better.append(replace(f, business=replace(b, sector="sporting_goods")))
    if f.career_end_year is not None and f.athlete_status.startswith("former"):
        better.append(replace(f, career_end_year=f.career_end_year + 3))
    return better


@given(facts, completed, reviews, st.sampled_from(RUBRIC.training_modules))
def test_the_score_never_decreases_when_one_criterion_input_improves(
    f: ApplicationFacts, done: frozenset[str], rs: list[Review], module: str
) -> None:
    before = _card(f, done, rs).total
    assert _card(f, done | {module}, rs).total >= before
    for better in _improvements(f):
        assert _card(better, done, rs).total >= before


@given(facts, completed, reviews, st.sampled_from(("r1", "r2", "r3", "r4", "r5")))
def test_a_conflicted_review_never_changes_the_score(
    f: ApplicationFacts, done: frozenset[str], rs: list[Review], reviewer: str
) -> None:
    others = [r for r in rs if r.reviewer_id != reviewer]
    conflicted = Review(reviewer, 0, True, "my cousin", datetime(2027, 1, 1, tzinfo=UTC))
    assert _card(f, done, [*others, conflicted]).breakdown == _card(f, done, others).breakdown
