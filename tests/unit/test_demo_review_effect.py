"""The demo's summary tells how many first-round offers the panel's reviews moved: against
grant's own ranking of the same applications on their rubric totals alone."""

from datetime import UTC, datetime, timedelta
from uuid import uuid4

import pytest

from demo.observer import Picture, rubric_total
from demo.panel import offers_changed_by_reviews
from shared.editions import load_editions

pytestmark = pytest.mark.unit

START = datetime(2027, 1, 1, tzinfo=UTC)


def test_the_rubric_total_is_read_back_from_a_reviewed_score() -> None:
    assert rubric_total({"stage": 20.0, "pitch": 10.0}) == 30.0
    # 70 % of a rubric of 60 is 42; the reviewers' 30 % is added beside it.
    assert rubric_total({"stage": 28.0, "pitch": 14.0, "reviewers": 27.0}) == pytest.approx(60.0)


def _picture(*applicants: tuple[str, float, float]) -> tuple[Picture, list[str]]:
    picture = Picture("athlete365-4")
    ids = []
    for n, (country, rubric, total) in enumerate(applicants):
        application_id = str(uuid4())
        ids.append(application_id)
        submitted = (START + timedelta(minutes=n)).isoformat()
        picture.received[application_id] = {"country": country, "submitted_at": submitted}
        picture.eligible.add(application_id)
        picture.scored.add(application_id)
        picture.rubric_totals[application_id] = rubric
        picture.totals[application_id] = total
    return picture, ids


def test_an_offer_the_rubric_alone_would_have_given_elsewhere_counts_as_changed() -> None:
    edition = load_editions()["athlete365-4"].model_copy(update={"grant_capacity": 1})
    picture, (best_on_rubric, lifted_by_reviews) = _picture(
        ("FRA", 80.0, 80.0), ("KEN", 70.0, 85.0)
    )

    picture.offer_order = [{"application_id": lifted_by_reviews}]
    assert offers_changed_by_reviews(picture, edition, first_round=1) == 1

    picture.offer_order = [{"application_id": best_on_rubric}]
    assert offers_changed_by_reviews(picture, edition, first_round=1) == 0


def test_a_withdrawn_application_is_not_a_rubric_choice() -> None:
    edition = load_editions()["athlete365-4"].model_copy(update={"grant_capacity": 1})
    picture, (withdrawn, next_best) = _picture(("FRA", 90.0, 90.0), ("KEN", 70.0, 70.0))
    picture.withdrawn.add(withdrawn)
    picture.offer_order = [{"application_id": next_best}]
    assert offers_changed_by_reviews(picture, edition, first_round=1) == 0
