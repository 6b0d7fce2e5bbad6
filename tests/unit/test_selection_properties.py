"""Selection against a brute-force oracle on small editions, checked with hypothesis."""

from collections import Counter
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from itertools import combinations
from uuid import UUID

import pytest
from hypothesis import given
from hypothesis import strategies as st

from services.grant.domain.selection import (
    Candidate,
    Constraints,
    Ranked,
    rank,
    select_offers,
)

pytestmark = pytest.mark.unit

COUNTRIES = ("FRA", "KEN", "JPN")
T0 = datetime(2027, 1, 1, tzinfo=UTC)


@st.composite
def candidate_lists(draw: st.DrawFn, max_size: int = 8) -> list[Candidate]:
    # Few distinct totals and times, so ties on score and on submission are common.
    ids = draw(st.lists(st.integers(1, 10_000), max_size=max_size, unique=True))
    return [
        Candidate(
            application_id=UUID(int=i),
            country=draw(st.sampled_from(COUNTRIES)),
            total=draw(st.sampled_from((40.0, 55.5, 55.5, 70.0, 100.0))),
            submitted_at=T0 + timedelta(hours=draw(st.integers(0, 2))),
        )
        for i in ids
    ]


constraints = st.builds(
    Constraints,
    capacity=st.integers(1, 4),
    max_per_country=st.one_of(st.none(), st.integers(1, 3)),
)


def _before(a: Candidate, b: Candidate) -> bool:
    """The ordering as docs/architecture.md words it: score, then earlier submission, then id."""
    if a.total != b.total:
        return a.total > b.total
    if a.submitted_at != b.submitted_at:
        return a.submitted_at < b.submitted_at
    return a.application_id < b.application_id


def oracle_ranks(candidates: Sequence[Candidate]) -> dict[UUID, int]:
    return {
        c.application_id: 1 + sum(_before(other, c) for other in candidates) for c in candidates
    }


def _admissible(chosen: Sequence[Ranked], c: Constraints, live_countries: Sequence[str]) -> bool:
    if len(chosen) + len(live_countries) > c.capacity:
        return False
    per_country = Counter(live_countries) + Counter(r.country for r in chosen)
    return c.max_per_country is None or max(per_country.values(), default=0) <= c.max_per_country


def oracle_offers(
    waitlist: Sequence[Ranked], c: Constraints, live_countries: Sequence[str]
) -> list[Ranked]:
    """Every admissible subset; the most seats filled, then the best ranks (lexicographic)."""
    best: tuple[int, tuple[int, ...]] | None = None
    best_set: tuple[Ranked, ...] = ()
    for size in range(len(waitlist) + 1):
        for subset in combinations(sorted(waitlist, key=lambda r: r.rank), size):
            if not _admissible(subset, c, live_countries):
                continue
            key = (-size, tuple(r.rank for r in subset))
            if best is None or key < best:
                best, best_set = key, subset
    return list(best_set)


@given(candidate_lists())
def test_ranking_orders_by_score_then_submission_then_application_id(
    candidates: list[Candidate],
) -> None:
    ranked = rank(candidates)
    expected = oracle_ranks(candidates)
    assert {r.application_id: r.rank for r in ranked} == expected
    assert [r.rank for r in ranked] == list(range(1, len(candidates) + 1))


@given(candidate_lists(), constraints)
def test_selection_at_close_is_the_oracles_best_admissible_set(
    candidates: list[Candidate], c: Constraints
) -> None:
    chosen = select_offers(rank(candidates), c)
    assert _admissible(chosen, c, ())
    assert [r.rank for r in chosen] == [r.rank for r in oracle_offers(rank(candidates), c, ())]


@given(candidate_lists(), constraints, st.lists(st.sampled_from(COUNTRIES), max_size=4), st.data())
def test_freed_seats_go_to_the_best_remaining_candidates_that_fit(
    candidates: list[Candidate], c: Constraints, live: list[str], data: st.DataObject
) -> None:
    ranked = rank(candidates)
    already = {
        r.application_id for r in ranked if data.draw(st.booleans(), label="already offered")
    }
    waitlist = [r for r in ranked if r.application_id not in already]
    live = live[: c.capacity]
    if c.max_per_country is not None:
        live = [
            country
            for i, country in enumerate(live)
            if live[: i + 1].count(country) <= c.max_per_country
        ]
    chosen = select_offers(ranked, c, live_countries=live, already_offered=already)
    assert not {r.application_id for r in chosen} & already
    assert _admissible(chosen, c, live)
    assert [r.rank for r in chosen] == [r.rank for r in oracle_offers(waitlist, c, live)]

    if chosen:
        # Nobody better placed than the first promoted, and still waiting, could have
        # taken a seat: the country cap kept each of them out.
        for better in (r for r in waitlist if r.rank < chosen[0].rank):
            assert not _admissible([better], c, live)
