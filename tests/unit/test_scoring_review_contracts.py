"""The review panel's contracts: a review link names only its seat and passes for no other
kind of link; a reviewer's contact key cannot be an athlete's; the edition's review rules are
checked when the file is read."""

import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from shared import offer_links, review_links, status_links
from shared.editions import EditionConfigError, load_edition
from shared.events.contracts import ReviewerContactUpdated, ReviewSubmitted, reviewer_contact_key
from shared.signed_links import ForgedToken
from shared.topics import CONTACTS, EVENT_TOPICS, REVIEWS

KEY = "unit-review-link-key"
DEADLINE = datetime(2027, 3, 1, 12, 0, tzinfo=UTC)
EDITION = Path(__file__).resolve().parents[2] / "deploy" / "editions" / "athlete365-4.toml"


def test_a_review_link_names_its_seat_and_deadline_and_opens_the_review_page() -> None:
    seat = uuid.uuid4()
    token = review_links.sign(seat, DEADLINE, key=KEY)
    claim = review_links.verify(token, key=KEY)
    assert (claim.record_id, claim.expires_at) == (seat, DEADLINE)
    link = review_links.review_link("https://review.example.org/", token, "fr")
    assert link == f"https://review.example.org/review/{token}?lang=fr"


def test_no_other_link_and_no_other_key_passes_for_a_review_link() -> None:
    seat = uuid.uuid4()
    with pytest.raises(ForgedToken):
        review_links.verify(offer_links.sign(seat, DEADLINE, key=KEY), key=KEY)
    with pytest.raises(ForgedToken):
        review_links.verify(status_links.sign(seat, DEADLINE, key=KEY), key=KEY)
    with pytest.raises(ForgedToken):
        review_links.verify(review_links.sign(seat, DEADLINE, key="another"), key=KEY)
    with pytest.raises(ForgedToken):
        status_links.verify(review_links.sign(seat, DEADLINE, key=KEY), key=KEY)


def test_reviewer_contacts_are_private_and_keyed_apart_from_athletes() -> None:
    assert ReviewerContactUpdated.topic == CONTACTS
    assert CONTACTS not in EVENT_TOPICS
    assert REVIEWS in EVENT_TOPICS
    key = reviewer_contact_key("athlete365-4", "r-017")
    assert key == "reviewer:athlete365-4:r-017"
    # intake's athlete ids are letters, digits and hyphens: none has a colon.
    assert ":" in key


def test_a_reviewer_id_on_the_public_topic_cannot_be_an_address() -> None:
    with pytest.raises(ValueError, match="reviewer_id"):
        ReviewSubmitted(
            edition_id="athlete365-4",
            application_id=uuid.uuid4(),
            reviewer_id="ana@example.org",
            score=70,
            criteria={"market_opportunity": 7},
            submitted_at=DEADLINE - timedelta(days=1),
        )


def test_the_demo_edition_has_review_rules() -> None:
    review = load_edition(EDITION).review
    assert review is not None
    assert (review.assign, review.top, review.reviewers_per_application) == ("top", 150, 2)


def test_review_rules_name_the_bad_field(tmp_path: Path) -> None:
    text = EDITION.read_text().replace("top = 150\n", "")
    bad = tmp_path / "edition.toml"
    bad.write_text(text)
    with pytest.raises(EditionConfigError, match=r"review: .*top is required"):
        load_edition(bad)
    bad.write_text(
        EDITION.read_text().replace(
            "reviewers_per_application = 2", "reviewers_per_application = 0"
        )
    )
    with pytest.raises(EditionConfigError, match=r"review\.reviewers_per_application"):
        load_edition(bad)
