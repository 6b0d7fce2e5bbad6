"""The picture the demo and the end-to-end tests draw from the topics counts each event once,
however often at-least-once delivery hands it over."""

from datetime import UTC, datetime, timedelta
from uuid import uuid4

from demo.observer import Picture
from shared.events.codec import make_event
from shared.events.contracts import GrantOffered

EDITION = "athlete365-test"


def _offer() -> GrantOffered:
    return GrantOffered(
        application_id=uuid4(),
        edition_id=EDITION,
        offer_id=uuid4(),
        amount_cents=1_000_000,
        currency="USD",
        components=["logistics"],
        rank=1,
        expires_at=datetime.now(UTC) + timedelta(days=14),
    )


def test_a_republished_event_is_counted_once() -> None:
    offer = _offer()
    event = make_event(
        offer,
        service="grant",
        subject=str(offer.application_id),
        correlation_id="c-1",
        edition_id=EDITION,
    )
    picture = Picture(EDITION)

    picture.take(event)
    picture.take(event.model_copy())  # the same id, as a producer's retry publishes it

    assert picture.count("grant.offered") == 1
    assert len(picture.offer_order) == 1


def test_two_offers_are_two_events() -> None:
    picture = Picture(EDITION)
    for offer in (_offer(), _offer()):
        picture.take(
            make_event(
                offer,
                service="grant",
                subject=str(offer.application_id),
                correlation_id="c-1",
                edition_id=EDITION,
            )
        )

    assert picture.count("grant.offered") == 2
