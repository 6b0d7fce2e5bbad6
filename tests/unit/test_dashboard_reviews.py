"""The review panel on the dashboard, folded from accelerator.reviews: how far each reviewer
is, which applications still lack reviews, and which ones the reviewers disagree on."""

from datetime import timedelta
from uuid import uuid4

import pytest

from services.dashboard.bootstrap import review_rules
from services.dashboard.domain.picture import Reviews
from services.dashboard.domain.projection import Projection
from services.dashboard.domain.review_tally import (
    APPLICATIONS_LISTED,
    DEFAULT_SPREAD,
    ReviewRules,
)
from shared.editions import DEFAULT_EDITIONS_DIR, ReviewConfig, load_editions
from tests.support.dashboard import EditionEvents, Published, observed

pytestmark = pytest.mark.unit

K2_SPREAD30 = ReviewRules(reviewers_per_application=2, disagreement_spread=30)


def _reviews(
    edition: EditionEvents, events: list[Published], rules: ReviewRules | None = K2_SPREAD30
) -> Reviews:
    projection = Projection({edition.edition_id: rules} if rules else None)
    projection.apply(observed(events))
    picture = projection.view(
        edition_id=edition.edition_id,
        now=edition.now,
        caught_up=True,
        consumer_lag=[],
        lag_checked_at=None,
    ).edition
    assert picture is not None
    return picture.reviews


def _progress(reviews: Reviews) -> dict[str, tuple[int, int, int]]:
    return {r.reviewer_id: (r.done, r.assigned, r.conflicts) for r in reviews.reviewers}


def test_each_reviewer_shows_reviews_done_of_those_assigned_and_releases_for_conflicts() -> None:
    edition = EditionEvents()
    a, b = uuid4(), uuid4()
    events = [
        *edition.assigned(a, "r-1", "r-2"),
        *edition.assigned(b, "r-1", "r-3"),
        *edition.reviewed(a, "r-1", 70),
        *edition.reviewed(a, "r-2", 75),
        # r-3 declares a conflict; b goes to r-2.
        *edition.released(b, "r-3"),
        *edition.assigned(b, "r-2", at=edition.now + timedelta(hours=1, minutes=1)),
    ]

    reviews = _reviews(edition, events)

    assert _progress(reviews) == {"r-1": (1, 2, 0), "r-2": (1, 2, 0), "r-3": (0, 0, 1)}
    assert (reviews.under_review, reviews.complete, reviews.lacking) == (2, 1, 1)
    [gap] = reviews.lacking_listed
    assert (gap.application_id, gap.submitted, gap.needed) == (b, 0, 2)


def test_an_application_lacks_reviews_until_k_of_its_reviewers_submitted() -> None:
    edition = EditionEvents()
    a = uuid4()
    assigned = edition.assigned(a, "r-1", "r-2")

    assert _reviews(edition, assigned).lacking == 1
    assert _reviews(edition, [*assigned, *edition.reviewed(a, "r-1", 60)]).lacking == 1
    both = [*assigned, *edition.reviewed(a, "r-1", 60), *edition.reviewed(a, "r-2", 64)]
    reviews = _reviews(edition, both)
    assert (reviews.lacking, reviews.complete) == (0, 1)
    assert _progress(reviews) == {"r-1": (1, 1, 0), "r-2": (1, 1, 0)}


def test_a_release_without_a_replacement_yet_leaves_the_application_lacking() -> None:
    edition = EditionEvents()
    a = uuid4()
    events = [
        *edition.assigned(a, "r-1", "r-2"),
        *edition.reviewed(a, "r-1", 60),
        *edition.released(a, "r-2"),
    ]

    [gap] = _reviews(edition, events).lacking_listed
    assert (gap.submitted, gap.needed) == (1, 2)


def test_without_the_editions_rules_each_current_reviewer_must_review() -> None:
    edition = EditionEvents()
    a = uuid4()
    events = [*edition.assigned(a, "r-1", "r-2", "r-3"), *edition.reviewed(a, "r-1", 60)]

    reviews = _reviews(edition, events, rules=None)

    assert reviews.reviewers_per_application is None
    assert reviews.disagreement_spread == DEFAULT_SPREAD
    [gap] = reviews.lacking_listed
    assert (gap.submitted, gap.needed) == (1, 3)


def test_reviews_further_apart_than_the_spread_are_flagged_widest_first() -> None:
    edition = EditionEvents()
    wide, wider, at_the_limit, single = uuid4(), uuid4(), uuid4(), uuid4()
    events = [
        *edition.assigned(wide, "r-1", "r-2"),
        *edition.reviewed(wide, "r-1", 40),
        *edition.reviewed(wide, "r-2", 75),
        *edition.assigned(wider, "r-1", "r-3"),
        *edition.reviewed(wider, "r-1", 90),
        *edition.reviewed(wider, "r-3", 20),
        *edition.assigned(at_the_limit, "r-2", "r-3"),
        *edition.reviewed(at_the_limit, "r-2", 50),
        *edition.reviewed(at_the_limit, "r-3", 80),
        *edition.assigned(single, "r-2", "r-3"),
        *edition.reviewed(single, "r-2", 0),
    ]

    reviews = _reviews(edition, events)

    assert reviews.disagreements == 2
    assert [(d.application_id, d.low, d.high) for d in reviews.disagreements_listed] == [
        (wider, 20, 90),
        (wide, 40, 75),
    ]


def test_a_later_review_replaces_the_earlier_and_may_settle_the_disagreement() -> None:
    edition = EditionEvents()
    a = uuid4()
    first = [
        *edition.assigned(a, "r-1", "r-2"),
        *edition.reviewed(a, "r-1", 30),
        *edition.reviewed(a, "r-2", 80),
    ]
    assert _reviews(edition, first).disagreements == 1

    second_look = edition.reviewed(a, "r-1", 70, at=edition.now + timedelta(days=1))
    reviews = _reviews(edition, [*first, *second_look])

    assert reviews.disagreements == 0
    assert _progress(reviews)["r-1"] == (1, 1, 0)


def test_the_review_of_a_reviewer_released_afterwards_no_longer_counts() -> None:
    edition = EditionEvents()
    a = uuid4()
    events = [
        *edition.assigned(a, "r-1", "r-2"),
        *edition.reviewed(a, "r-1", 10),
        *edition.reviewed(a, "r-2", 90),
        *edition.released(a, "r-1", at=edition.now + timedelta(hours=3)),
    ]

    reviews = _reviews(edition, events)

    assert reviews.disagreements == 0
    assert [(g.submitted, g.needed) for g in reviews.lacking_listed] == [(1, 2)]
    assert _progress(reviews)["r-1"] == (0, 0, 1)


def test_a_reviewer_taken_off_the_panel_leaves_without_a_conflict_counted() -> None:
    edition = EditionEvents()
    a = uuid4()
    events = [
        *edition.assigned(a, "r-1", "r-2"),
        *edition.released(a, "r-2", reason="removed"),
        *edition.assigned(a, "r-3", at=edition.now + timedelta(hours=2)),
    ]

    reviews = _reviews(edition, events)

    assert _progress(reviews) == {"r-1": (0, 1, 0), "r-2": (0, 0, 0), "r-3": (0, 1, 0)}
    [gap] = reviews.lacking_listed
    assert (gap.submitted, gap.needed) == (0, 2)


def test_a_redelivered_assignment_after_its_release_changes_nothing() -> None:
    edition = EditionEvents()
    a = uuid4()
    assigned = edition.assigned(a, "r-1", "r-2")
    events = [*assigned, *edition.released(a, "r-2"), *edition.reviewed(a, "r-1", 55)]
    once = _reviews(edition, events)

    # At least once: the whole history again, and the first assignment once more after it.
    again = _reviews(edition, [*events, *events, *assigned])

    assert again == once
    assert _progress(again) == {"r-1": (1, 1, 0), "r-2": (0, 0, 1)}


def test_a_withdrawn_application_needs_no_more_reviews() -> None:
    edition = EditionEvents()
    a = uuid4()
    events = [*edition.applied(a), *edition.assigned(a, "r-1", "r-2")]
    assert _reviews(edition, events).lacking == 1

    reviews = _reviews(edition, [*events, *edition.withdrawn(a)])

    assert (reviews.under_review, reviews.lacking) == (0, 0)


def test_only_the_first_applications_are_listed_but_all_are_counted() -> None:
    edition = EditionEvents()
    events = [e for _ in range(APPLICATIONS_LISTED + 5) for e in edition.assigned(uuid4(), "r-1")]

    reviews = _reviews(edition, events)

    assert reviews.lacking == APPLICATIONS_LISTED + 5
    assert len(reviews.lacking_listed) == APPLICATIONS_LISTED
    assert _progress(reviews) == {"r-1": (0, APPLICATIONS_LISTED + 5, 0)}


def test_an_invitation_names_no_application_and_counts_nothing() -> None:
    edition = EditionEvents()

    reviews = _reviews(edition, edition.invited("r-1", assignments=3))

    assert reviews.reviewers == []
    assert reviews.under_review == 0


def test_the_rules_come_from_the_edition_files_review_section() -> None:
    rules = review_rules(load_editions(DEFAULT_EDITIONS_DIR))
    assert rules["athlete365-4"] == ReviewRules(reviewers_per_application=2, disagreement_spread=30)
    assert ReviewConfig.model_fields["disagreement_spread"].default == DEFAULT_SPREAD
