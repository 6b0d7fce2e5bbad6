"""Selection on small, named examples: how ties and the country cap decide."""

from datetime import UTC, datetime, timedelta
from uuid import UUID

import pytest

from services.grant.domain.selection import (
    Candidate,
    Constraints,
    next_promotion,
    rank,
    select_offers,
)

pytestmark = pytest.mark.unit

T0 = datetime(2027, 1, 1, tzinfo=UTC)


def _c(n: int, total: float, *, country: str = "FRA", minutes: int = 0) -> Candidate:
    return Candidate(UUID(int=n), country, total, T0 + timedelta(minutes=minutes))


def test_equal_scores_go_to_the_earlier_submission_then_the_lower_application_id() -> None:
    ranked = rank([_c(3, 80, minutes=5), _c(2, 80, minutes=1), _c(1, 80, minutes=5), _c(4, 90)])
    assert [r.application_id.int for r in ranked] == [4, 2, 1, 3]
    assert [r.rank for r in ranked] == [1, 2, 3, 4]


def test_the_country_cap_skips_to_the_next_candidate_who_fits() -> None:
    ranked = rank([_c(1, 99), _c(2, 98), _c(3, 97), _c(4, 50, country="KEN")])
    chosen = select_offers(ranked, Constraints(3, 1_000_000, max_per_country=2))
    assert [r.application_id.int for r in chosen] == [1, 2, 4]
    assert [r.rank for r in chosen] == [1, 2, 4]


def test_a_declined_seat_goes_to_a_capped_candidate_once_their_country_frees_up() -> None:
    ranked = rank([_c(1, 99), _c(2, 98), _c(3, 97), _c(4, 50, country="KEN")])
    constraints = Constraints(3, 1_000_000, max_per_country=2)
    # Rank 2 (FRA) declined: FRA holds one live offer, KEN one; rank 3 (FRA) now fits.
    promotion = next_promotion(
        ranked[2:3],
        constraints,
        live_countries=["FRA", "KEN"],
        already_offered={UUID(int=2)},
    )
    assert promotion is not None
    assert promotion.application_id == UUID(int=3)


def test_no_one_is_promoted_when_every_seat_is_held() -> None:
    ranked = rank([_c(1, 99), _c(2, 98)])
    assert next_promotion(ranked[1:], Constraints(1, 10), live_countries=["FRA"]) is None
