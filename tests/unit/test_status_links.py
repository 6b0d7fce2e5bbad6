"""The status link the "received" e-mail carries is the one intake shows after applying, it
names only its application, and no offer token (same format, another purpose) passes for it."""

import uuid
from datetime import UTC, datetime, timedelta

import pytest

from services.notification.adapters.renderer import TemplateRenderer
from services.notification.domain.catalog import notice_for
from services.notification.domain.composition import OfferLinks, StatusLinks, compose
from shared import offer_links, status_links
from shared.events.contracts import ApplicationReceived

KEY = "unit-status-link-key"
SUBMITTED = datetime(2026, 10, 2, 9, 30, 12, 345678, tzinfo=UTC)


def _received(application_id: uuid.UUID) -> ApplicationReceived:
    return ApplicationReceived(
        application_id=application_id,
        edition_id="athlete365-4",
        applicant_id="A365-1",
        country="GER",
        sport="Rowing",
        athlete_status="current_olympian",
        submitted_at=SUBMITTED,
        language="de",
    )


def test_the_received_email_links_to_the_page_intake_shows() -> None:
    application_id = uuid.uuid4()
    notice = notice_for(_received(application_id))
    assert notice is not None
    letter = compose(
        notice.template,
        notice.facts,
        name="Jana",
        language="de",
        programme=None,
        offer_links=OfferLinks("", ""),
        status_links=StatusLinks("https://apply.example.org/", KEY),
    )
    text = TemplateRenderer().render(letter).text
    intake_token = status_links.sign(application_id, SUBMITTED, key=KEY)
    assert f"https://apply.example.org/status/{intake_token}?lang=de" in text
    claim = status_links.verify(intake_token, key=KEY)
    assert claim.record_id == application_id
    assert claim.expires_at > SUBMITTED + timedelta(days=365)


def test_without_a_key_the_received_email_has_no_broken_link() -> None:
    notice = notice_for(_received(uuid.uuid4()))
    assert notice is not None
    letter = compose(
        notice.template,
        notice.facts,
        name="Jana",
        language="en",
        programme=None,
        offer_links=OfferLinks("", ""),
    )
    assert "/status/" not in TemplateRenderer().render(letter).text


def test_an_offer_token_is_no_status_token_and_the_key_matters() -> None:
    record = uuid.uuid4()
    offer = offer_links.sign(record, SUBMITTED, key=KEY)
    with pytest.raises(status_links.ForgedToken):
        status_links.verify(offer, key=KEY)
    with pytest.raises(status_links.ForgedToken):
        status_links.verify(status_links.sign(record, SUBMITTED, key=KEY), key="another key")
