"""Selection on small, named examples: how ties and the country cap decide."""

from datetime import UTC, datetime, timedelta
from uuid import UUID

import pytest

from services.grant.domain.selection import (
    Candidate,
    Constraints,
    KnownApplication,
    rank,
    select_offers,
    selection_pool,
)
from services.grant.domain.waitlist import not_selected

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
    chosen = select_offers(ranked, Constraints(3, max_per_country=2))
    assert [r.application_id.int for r in chosen] == [1, 2, 4]
    assert [r.rank for r in chosen] == [1, 2, 4]


def test_a_declined_seat_goes_to_a_capped_candidate_once_their_country_frees_up() -> None:
    ranked = rank([_c(1, 99), _c(2, 98), _c(3, 97), _c(4, 50, country="KEN")])
    constraints = Constraints(3, max_per_country=2)
    # Rank 2 (FRA) declined: FRA holds one live offer, KEN one; rank 3 (FRA) now fits.
    promoted = select_offers(
        ranked[2:3],
        constraints,
        live_countries=["FRA", "KEN"],
        already_offered={UUID(int=2)},
    )
    assert [r.application_id for r in promoted] == [UUID(int=3)]


def test_no_one_is_promoted_when_every_seat_is_held() -> None:
    ranked = rank([_c(1, 99), _c(2, 98)])
    assert select_offers(ranked[1:], Constraints(1), live_countries=["FRA"]) == []


def _known(
    n: int, *, eligible: bool | None, withdrawn: bool, total: float | None
) -> KnownApplication:
    return KnownApplication(UUID(int=n), "FRA", T0, eligible, withdrawn, total)


def test_only_eligible_applications_not_withdrawn_compete_and_only_scored_ones_rank() -> None:
    pool = selection_pool(
        [
            _known(1, eligible=True, withdrawn=False, total=70.0),
            _known(2, eligible=True, withdrawn=False, total=None),  # not scored yet
            _known(3, eligible=False, withdrawn=False, total=90.0),
            _known(4, eligible=None, withdrawn=False, total=90.0),  # not screened yet
            _known(5, eligible=True, withdrawn=True, total=95.0),
            _known(6, eligible=True, withdrawn=False, total=0.0),  # a score of 0 is a score
        ]
    )
    assert [c.application_id.int for c in pool.scored] == [1, 6]
    assert [c.application_id.int for c in pool.unscored] == [2]


def test_once_settled_everyone_undecided_is_not_selected_and_nobody_else() -> None:
    states = {
        UUID(int=1): "offered",
        UUID(int=2): "waitlisted",
        UUID(int=3): "unranked",
        UUID(int=4): "withdrawn",
        UUID(int=5): "not_selected",  # told already
    }
    assert not_selected(states) == [UUID(int=2), UUID(int=3)]
