"""Offer terms, seats and country slots, and when an answer is refused."""

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from uuid import UUID

import pytest

from services.grant.domain.applications import ApplicationFacts, fold
from services.grant.domain.offers import EditionTerms, OfferState, Refusal, make_offers, refusal
from services.grant.domain.selection import Candidate, Ranked

pytestmark = pytest.mark.unit

NOW = datetime(2027, 9, 1, 10, 30, 15, 123456, tzinfo=UTC)
TERMS = EditionTerms(
    capacity=3,
    package_value_cents=1_000_000,
    currency="USD",
    components=("logistics_training", "mentoring"),
    acceptance_days=14,
    max_per_country=2,
)


def _ranked(n: int, country: str) -> Ranked:
    return Ranked(n, Candidate(UUID(int=n), country, 50.0, NOW))


def test_offers_carry_the_package_value_and_a_whole_second_deadline() -> None:
    [offer] = make_offers([_ranked(1, "FRA")], edition_id="e", terms=TERMS, live=[], now=NOW)
    assert offer.amount_cents == 1_000_000
    assert offer.currency == "USD"
    assert offer.state is OfferState.OPEN
    assert offer.expires_at == datetime(2027, 9, 15, 10, 30, 15, tzinfo=UTC)


def test_new_offers_take_the_lowest_free_seat_and_country_slot() -> None:
    first = make_offers(
        [_ranked(1, "FRA"), _ranked(2, "FRA"), _ranked(3, "KEN")],
        edition_id="e",
        terms=TERMS,
        live=[],
        now=NOW,
    )
    assert [(o.seat_no, o.country_slot) for o in first] == [(1, 1), (2, 2), (3, 1)]
    still_live = [first[0], first[2]]  # the second FRA offer was declined
    [again] = make_offers(
        [_ranked(4, "FRA")], edition_id="e", terms=TERMS, live=still_live, now=NOW
    )
    assert (again.seat_no, again.country_slot) == (2, 2)


def test_without_a_country_cap_every_seat_may_go_to_one_country() -> None:
    terms = replace(TERMS, max_per_country=None)
    offers = make_offers(
        [_ranked(i, "FRA") for i in (1, 2, 3)], edition_id="e", terms=terms, live=[], now=NOW
    )
    assert [o.country_slot for o in offers] == [1, 2, 3]
    assert terms.country_cap == 3


def test_an_open_offer_may_be_answered_until_its_deadline_and_only_once() -> None:
    [offer] = make_offers([_ranked(1, "FRA")], edition_id="e", terms=TERMS, live=[], now=NOW)
    assert refusal(offer, now=offer.expires_at - timedelta(seconds=1)) is None
    assert refusal(offer, now=offer.expires_at) is Refusal.EXPIRED
    for state in (OfferState.ACCEPTED, OfferState.DECLINED):
        answered = replace(offer, state=state)
        assert refusal(answered, now=NOW) is Refusal.ALREADY_ANSWERED
    assert refusal(replace(offer, state=OfferState.EXPIRED), now=NOW) is Refusal.EXPIRED


def test_facts_of_one_application_fold_in_log_order() -> None:
    app = UUID(int=9)
    folded = fold(
        [
            ApplicationFacts(app, score_total=40.0, rubric_version=1),
            ApplicationFacts(app, edition_id="e", country="FRA", submitted_at=NOW),
            ApplicationFacts(app, eligible=True),
            ApplicationFacts(app, score_total=65.5, rubric_version=2),
            ApplicationFacts(UUID(int=1), withdrawn=True),
        ]
    )
    assert [f.application_id for f in folded] == [UUID(int=1), app]
    assert folded[1] == ApplicationFacts(
        app,
        edition_id="e",
        country="FRA",
        submitted_at=NOW,
        eligible=True,
        score_total=65.5,
        rubric_version=2,
    )
    assert folded[0].withdrawn
