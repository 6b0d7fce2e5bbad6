"""A whole edition in domain terms: close, then answers and expiries in any order, with
every freed seat passing down the waitlist. Invariants hold after every step."""

from collections import Counter
from dataclasses import replace
from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from services.grant.domain.offers import EditionTerms, Offer, OfferState
from services.grant.domain.selection import Candidate, Ranked, rank
from services.grant.domain.waitlist import fill
from tests.unit.test_selection_properties import candidate_lists, oracle_offers

pytestmark = pytest.mark.unit

NOW = datetime(2027, 9, 1, tzinfo=UTC)

terms_strategy = st.builds(
    EditionTerms,
    capacity=st.integers(1, 4),
    package_value_cents=st.just(1_000_000),
    currency=st.just("USD"),
    components=st.just(("mentoring",)),
    acceptance_days=st.just(14),
    max_per_country=st.one_of(st.none(), st.integers(1, 3)),
)


def _check_invariants(offers: list[Offer], terms: EditionTerms) -> None:
    live = [o for o in offers if o.live]
    assert len(live) <= terms.capacity
    assert sum(o.amount_cents for o in live) <= terms.capacity * terms.package_value_cents
    assert all(o.amount_cents == terms.package_value_cents for o in offers)
    if terms.max_per_country is not None:
        assert max(Counter(o.country for o in live).values(), default=0) <= terms.max_per_country
    assert len({o.application_id for o in offers}) == len(offers)
    assert len({o.seat_no for o in live}) == len(live)
    assert all(1 <= o.seat_no <= terms.capacity for o in offers)


def _waitlist(ranked: list[Ranked], offers: list[Offer]) -> list[Ranked]:
    offered = {o.application_id for o in offers}
    return [r for r in ranked if r.application_id not in offered]


@given(candidate_lists(), terms_strategy, st.data())
def test_every_freed_seat_goes_to_the_best_remaining_candidate_until_settled(
    candidates: list[Candidate], terms: EditionTerms, data: st.DataObject
) -> None:
    ranked = rank(candidates)
    offers: list[Offer] = []
    for _ in range(2 * len(ranked) + 2):
        waitlist = _waitlist(ranked, offers)
        expected = oracle_offers(waitlist, terms.constraints, [o.country for o in offers if o.live])
        result = fill(waitlist, offers, edition_id="e", terms=terms, now=NOW)
        assert [o.rank for o in result.offers] == [r.rank for r in expected]
        offers += result.offers
        _check_invariants(offers, terms)
        open_offers = [o for o in offers if o.open]
        if result.settled:
            assert not open_offers
            accepted = sum(o.state is OfferState.ACCEPTED for o in offers)
            assert accepted == terms.capacity or not oracle_offers(
                _waitlist(ranked, offers), terms.constraints, [o.country for o in offers if o.live]
            )
            return
        assert open_offers
        target = data.draw(st.sampled_from(open_offers), label="offer answered")
        outcome = data.draw(st.sampled_from(list(OfferState)[1:]), label="outcome")
        offers = [replace(o, state=outcome) if o == target else o for o in offers]
    raise AssertionError("the edition never settled")
