"""The dashboard's picture of an edition, folded from its events: what a programme manager
reads off the page."""

from datetime import timedelta
from uuid import uuid4

from services.dashboard.domain.picture import DashboardView, EditionPicture
from services.dashboard.domain.projection import Projection
from tests.support.dashboard import PACKAGE_CENTS, EditionEvents, observed


def _view(projection: Projection, edition: EditionEvents | None = None) -> DashboardView:
    return projection.view(
        edition_id=edition.edition_id if edition else None,
        now=(edition.now if edition else EditionEvents().now),
        caught_up=True,
        consumer_lag=[],
        lag_checked_at=None,
    )


def _picture(projection: Projection, edition: EditionEvents) -> EditionPicture:
    picture = _view(projection, edition).edition
    assert picture is not None
    return picture


def test_funnel_counts_distinct_applications_at_each_stage() -> None:
    edition = EditionEvents()
    a, b, c = uuid4(), uuid4(), uuid4()
    _, offer_a = edition.offered(a, rank=1)
    offer_b_id, offer_b = edition.offered(b, rank=2)
    events = [
        *edition.opened(),
        *edition.applied(a),
        *edition.applied(b),
        *edition.applied(c, eligible=False),
        *edition.scored(a, 81),
        *edition.scored(b, 64),
        *offer_a,
        *offer_b,
        *edition.answered(b, offer_b_id, "accepted"),
    ]
    projection = Projection()

    projection.apply(observed(events))

    funnel = _picture(projection, edition).funnel
    assert (funnel.received, funnel.eligible, funnel.enrolled) == (3, 2, 2)
    assert (funnel.scored, funnel.offered, funnel.accepted) == (2, 2, 1)


def test_a_redelivered_batch_changes_no_number() -> None:
    edition = EditionEvents()
    app = uuid4()
    offer_id, offer = edition.offered(app, rank=1)
    events = observed(
        [
            *edition.opened(),
            *edition.applied(app),
            *offer,
            *edition.answered(app, offer_id, "accepted"),
        ]
    )
    once, twice = Projection(), Projection()

    once.apply(events)
    twice.apply(events)
    twice.apply(events)

    assert _picture(twice, edition) == _picture(once, edition)
    assert len(_picture(twice, edition).recent_events) == len(events)


def test_only_the_latest_score_of_an_application_is_in_the_distribution() -> None:
    edition = EditionEvents()
    rescored, other = uuid4(), uuid4()
    projection = Projection()

    projection.apply(observed([*edition.scored(rescored, 35), *edition.scored(other, 100)]))
    projection.apply(observed(edition.scored(rescored, 72.5)))

    scores = _picture(projection, edition).scores
    counts = {b.low: b.count for b in scores.bins if b.count}
    assert counts == {70: 1, 90: 1}  # a perfect 100 falls in the top bin
    assert scores.count == 2
    assert scores.mean == 86.25


def test_budget_counts_open_and_accepted_offers_against_capacity_times_package() -> None:
    edition = EditionEvents()
    apps = [uuid4() for _ in range(4)]
    offers = [edition.offered(app, rank=i + 1) for i, app in enumerate(apps)]
    outcomes = ["accepted", "declined", "expired"]
    events = [*edition.opened(capacity=3), *(e for _, published in offers for e in published)]
    for (offer_id, _), app, outcome in zip(offers, apps, outcomes, strict=False):
        events += edition.answered(app, offer_id, outcome)
    projection = Projection()

    projection.apply(observed(events))

    picture = _picture(projection, edition)
    assert picture.budget.committed_cents == 2 * PACKAGE_CENTS  # one accepted, one open
    assert picture.budget.cap_cents == 3 * PACKAGE_CENTS
    offers_by_state = picture.offers
    assert (offers_by_state.open, offers_by_state.accepted) == (1, 1)
    assert (offers_by_state.declined, offers_by_state.expired) == (1, 1)


def test_open_offers_show_time_left_soonest_deadline_first() -> None:
    edition = EditionEvents()
    late_id, late = edition.offered(uuid4(), rank=1, expires_in=timedelta(days=10))
    soon_id, soon = edition.offered(uuid4(), rank=2, expires_in=timedelta(hours=5))
    projection = Projection()

    projection.apply(observed([*late, *soon]))

    open_offers = _picture(projection, edition).offers.open_offers
    assert [o.offer_id for o in open_offers] == [soon_id, late_id]
    assert 5 * 3600 - 1 <= open_offers[0].seconds_left <= 5 * 3600


def test_a_promoted_candidate_leaves_the_waitlist() -> None:
    edition = EditionEvents()
    promoted, waiting = uuid4(), uuid4()
    _, offer = edition.offered(promoted, rank=51)
    events = [*edition.waitlisted(promoted, rank=51), *edition.waitlisted(waiting, rank=52)]
    projection = Projection()

    projection.apply(observed([*events, *offer]))

    assert _picture(projection, edition).waitlisted == 1


def test_recent_events_name_no_applicant() -> None:
    edition = EditionEvents()
    projection = Projection()

    projection.apply(observed(edition.mail_sent("A365-004711")))

    (recent,) = _picture(projection, edition).recent_events
    assert recent.type == "accelerator.notification.sent.v1"
    assert "A365" not in recent.subject
    assert _picture(projection, edition).notifications_sent == 1


def test_editions_are_told_apart_and_the_latest_opened_is_the_default() -> None:
    earlier = EditionEvents()
    later = EditionEvents(now=earlier.now + timedelta(days=200))
    projection = Projection()

    projection.apply(observed([*later.opened(), *earlier.opened(), *earlier.applied(uuid4())]))

    view = _view(projection)
    assert view.edition is not None
    assert view.edition.edition_id == later.edition_id
    assert view.edition.funnel.received == 0
    assert [e.edition_id for e in view.editions] == [later.edition_id, earlier.edition_id]
    assert _picture(projection, earlier).funnel.received == 1


def test_an_edition_not_heard_of_yet_shows_zeros() -> None:
    picture = _picture(Projection(), EditionEvents("athlete365-9"))

    assert picture.state == "unknown"
    assert picture.funnel.received == 0
    assert picture.budget.cap_cents is None


def test_closing_shows_on_the_edition() -> None:
    edition = EditionEvents()
    projection = Projection()

    projection.apply(observed([*edition.opened(), *edition.closed()]))

    assert _picture(projection, edition).state == "closed"
    assert [e.state for e in _view(projection).editions] == ["closed"]
