"""The review panel's assignment: each chosen application gets k reviewers, never a conflicted
one, loads as even as the conflicts allow, the same plan for the same input; a declared
conflict frees the application for another reviewer. Checked on examples and, on small
panels, against a brute-force search of every possible assignment."""

import itertools
import uuid
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from services.scoring.domain.assignment import Pair, assign, choose
from services.scoring.domain.panel import (
    BadCriterionScores,
    Candidate,
    Reviewer,
    UnknownReviewCriterion,
    check_criteria,
    conflicted,
    review_score,
)

NOCS = ("FRA", "GER", "ESP", "KEN")
SECTORS = ("apparel", "food_and_beverage", "software")
T0 = datetime(2027, 1, 10, tzinfo=UTC)


def _app(
    n: int,
    country: str = "FRA",
    sector: str | None = "software",
    *,
    rubric_total: int = 0,
    submitted_at: datetime | None = None,
    declined_by: frozenset[str] = frozenset(),
) -> Candidate:
    return Candidate(
        application_id=uuid.UUID(int=n + 1),
        country=country,
        sector=sector,
        rubric_total=rubric_total,
        submitted_at=submitted_at,
        declined_by=declined_by,
    )


def _loads(pairs: list[Pair] | tuple[Pair, ...], reviewers: list[Reviewer]) -> list[int]:
    counts = Counter(p.reviewer_id for p in pairs)
    return [counts[r.reviewer_id] for r in reviewers]


def test_every_application_gets_k_reviewers_and_loads_differ_by_at_most_one() -> None:
    reviewers = [Reviewer.of(f"r-{i}") for i in range(5)]
    apps = [_app(i) for i in range(150)]
    plan = assign(apps, reviewers, k=2)
    per_app = Counter(p.application_id for p in plan.new)
    assert set(per_app.values()) == {2}
    assert len(per_app) == 150
    assert sorted(_loads(plan.new, reviewers)) == [60, 60, 60, 60, 60]
    assert plan.short == ()


def test_the_same_input_gives_the_same_plan_whatever_the_order() -> None:
    reviewers = [Reviewer.of(f"r-{i}", noc=NOCS[i % 4]) for i in range(6)]
    apps = [_app(i, country=NOCS[i % 4]) for i in range(40)]
    first = assign(apps, reviewers, k=3)
    again = assign(list(reversed(apps)), list(reversed(reviewers)), k=3)
    assert first == again


def test_no_reviewer_gets_an_application_of_their_own_or_a_declared_noc_or_sector() -> None:
    ana = Reviewer.of("r-ana", noc="esp", conflict_nocs=["FRA"])
    ben = Reviewer.of("r-ben", noc="GER", conflict_sectors=["Food and beverage"])
    cy = Reviewer.of("r-cy", noc="KEN")
    assert conflicted(ana, _app(0, country="ESP"))
    assert conflicted(ana, _app(0, country="fra"))
    assert conflicted(ben, _app(0, country="KEN", sector="food-and-beverage"))
    assert not conflicted(cy, _app(0, country="FRA"))
    apps = [
        _app(0, country="ESP", sector="software"),
        _app(1, country="FRA", sector="food_and_beverage"),
        _app(2, country="KEN", sector="apparel"),
    ]
    plan = assign(apps, [ana, ben, cy], k=2)
    got = {(p.application_id.int - 1, p.reviewer_id) for p in plan.new}
    assert got == {(0, "r-ben"), (0, "r-cy"), (1, "r-cy"), (2, "r-ana"), (2, "r-ben")}
    # Application 1 has a single reviewer who may read it: it is short, not given a conflict.
    assert plan.short == (apps[1].application_id,)


def test_a_declared_conflict_frees_the_application_for_another_reviewer() -> None:
    reviewers = [Reviewer.of(f"r-{i}") for i in range(4)]
    apps = [_app(i) for i in range(8)]
    first = assign(apps, reviewers, k=2)
    target = first.new[0]
    live = [p for p in first.new if p != target]
    declined = [
        Candidate(
            a.application_id, a.country, a.sector, declined_by=frozenset({target.reviewer_id})
        )
        if a.application_id == target.application_id
        else a
        for a in apps
    ]
    again = assign(declined, reviewers, k=2, live=live)
    assert len(again.new) == 1
    (replacement,) = again.new
    assert replacement.application_id == target.application_id
    assert replacement.reviewer_id != target.reviewer_id
    assert replacement.reviewer_id not in {
        p.reviewer_id for p in live if p.application_id == target.application_id
    }
    # The freed reviewer has one less, the replacement one more: live assignments never move.
    assert again.loads[target.reviewer_id] == 3
    assert again.loads[replacement.reviewer_id] == 5
    assert sorted(again.loads.values()) == [3, 4, 4, 5]


def test_a_second_run_keeps_every_assignment_and_adds_only_what_is_missing() -> None:
    reviewers = [Reviewer.of(f"r-{i}") for i in range(3)]
    apps = [_app(i) for i in range(6)]
    first = assign(apps[:4], reviewers, k=2)
    second = assign(apps, reviewers, k=2, live=first.new)
    assert {p.application_id for p in second.new} == {a.application_id for a in apps[4:]}
    assert sorted(second.loads.values()) == [4, 4, 4]


def test_top_n_takes_the_best_rubric_totals_then_the_earlier_submission() -> None:
    apps = [
        _app(0, rubric_total=5000, submitted_at=T0),
        _app(1, rubric_total=7000, submitted_at=T0),
        _app(2, rubric_total=5000, submitted_at=T0 - timedelta(days=1)),
    ]
    assert [c.application_id for c in choose(apps, rule="top", top=2)] == [
        apps[1].application_id,
        apps[2].application_id,
    ]
    assert len(choose(apps, rule="all_eligible", top=None)) == 3


def test_a_review_score_is_the_mean_criterion_score_times_ten() -> None:
    criteria = check_criteria(["market_opportunity", "business_model", "founder_readiness"])
    assert (
        review_score(
            criteria, {"market_opportunity": 7, "business_model": 8, "founder_readiness": 8}
        )
        == 77
    )
    assert review_score(criteria, {c: 10 for c in criteria}) == 100
    with pytest.raises(BadCriterionScores, match="business_model"):
        review_score(criteria, {"market_opportunity": 7, "founder_readiness": 8})
    with pytest.raises(BadCriterionScores, match="0 to 10"):
        review_score(criteria, {c: 11 for c in criteria})
    with pytest.raises(UnknownReviewCriterion, match="charisma"):
        check_criteria(["charisma"])


# --- against a brute-force oracle -----------------------------------------------------------

reviewer_st = st.builds(
    Reviewer.of,
    st.just("r"),
    noc=st.none() | st.sampled_from(NOCS),
    conflict_nocs=st.lists(st.sampled_from(NOCS), max_size=2),
    conflict_sectors=st.lists(st.sampled_from(SECTORS), max_size=1),
)


@st.composite
def panels(draw: st.DrawFn) -> tuple[list[Candidate], list[Reviewer], int, list[Pair]]:
    drawn = draw(st.lists(reviewer_st, min_size=1, max_size=4))
    reviewers = [
        Reviewer(f"r-{i}", r.noc, r.conflict_nocs, r.conflict_sectors) for i, r in enumerate(drawn)
    ]
    count = draw(st.integers(min_value=1, max_value=4))
    apps = []
    for n in range(count):
        declined = draw(st.sets(st.sampled_from([r.reviewer_id for r in reviewers]), max_size=1))
        apps.append(
            _app(
                n,
                country=draw(st.sampled_from(NOCS)),
                sector=draw(st.sampled_from(SECTORS)),
                declined_by=frozenset(declined),
            )
        )
    k = draw(st.integers(min_value=1, max_value=2))
    live = []
    for app in apps:
        for reviewer in reviewers:
            if not conflicted(reviewer, app) and draw(st.integers(0, 5)) == 0:
                live.append(Pair(app.application_id, reviewer.reviewer_id))
    # At most k live reviewers per application, as the service keeps it.
    kept: list[Pair] = []
    for app in apps:
        kept += [p for p in live if p.application_id == app.application_id][:k]
    return apps, reviewers, k, kept


def _every_assignment(
    apps: list[Candidate], reviewers: list[Reviewer], k: int, live: list[Pair]
) -> list[list[Pair]]:
    choices = []
    for app in apps:
        has = {p.reviewer_id for p in live if p.application_id == app.application_id}
        may = [
            r.reviewer_id for r in reviewers if not conflicted(r, app) and r.reviewer_id not in has
        ]
        need = min(k - len(has), len(may))
        choices.append(
            [
                [Pair(app.application_id, rid) for rid in combo]
                for combo in itertools.combinations(may, need)
            ]
        )
    return [list(itertools.chain.from_iterable(c)) for c in itertools.product(*choices)]


@settings(max_examples=300, deadline=None)
@given(panels())
def test_assignment_matches_the_best_a_brute_force_search_finds(
    panel: tuple[list[Candidate], list[Reviewer], int, list[Pair]],
) -> None:
    apps, reviewers, k, live = panel
    plan = assign(apps, reviewers, k=k, live=live)
    by_id = {r.reviewer_id: r for r in reviewers}
    by_app = {a.application_id: a for a in apps}
    assert not any(conflicted(by_id[p.reviewer_id], by_app[p.application_id]) for p in plan.new)
    assert not set(plan.new) & set(live)
    assert len(set(plan.new)) == len(plan.new)

    options = _every_assignment(apps, reviewers, k, live)
    # Every application gets as many reviewers as any assignment could give it.
    best_counts = Counter(p.application_id for p in options[0])
    assert Counter(p.application_id for p in plan.new) == best_counts
    loads = _loads([*live, *plan.new], reviewers)
    assert plan.loads == {r.reviewer_id: n for r, n in zip(reviewers, loads, strict=True)}
    every = [_loads([*live, *o], reviewers) for o in options]
    assert max(loads) == min(max(o) for o in every)
    assert min(loads) == max(min(o) for o in every)
    if any(max(o) - min(o) <= 1 for o in every):
        assert max(loads) - min(loads) <= 1
    assert plan == assign(list(reversed(apps)), list(reversed(reviewers)), k=k, live=live)
