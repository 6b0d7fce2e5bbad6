"""Notification's pure rules: which e-mail an event causes, in which language, with what."""

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID, uuid4

import pytest

from services.notification.domain.catalog import (
    ATHLETE_FACING,
    REVIEWER_FACING,
    TEMPLATES,
    notice_for,
)
from services.notification.domain.delivery import (
    GiveUp,
    Permanent,
    RetryAt,
    RetryPolicy,
    Sent,
    Transient,
)
from services.notification.domain.outgoing import (
    OutgoingEmail,
    message_id,
    notification_id,
    without_addresses,
)
from shared.events.contracts import (
    ApplicationNotSelected,
    ApplicationReceived,
    ApplicationScreened,
    ApplicationWaitlisted,
    ApplicationWithdrawn,
    GrantAccepted,
    GrantDeclined,
    GrantExpired,
    GrantOffered,
    ReviewAssigned,
    ReviewerInvited,
    ReviewSubmitted,
    TrainingEnrolled,
    TrainingModuleCompleted,
)
from shared.formatting import format_deadline, format_money
from shared.languages import choose_language
from shared.offer_links import offer_links, sign

pytestmark = pytest.mark.unit

APP = uuid4()
OFFER = uuid4()
WHEN = datetime(2026, 10, 1, 12, 0, tzinfo=UTC)


def _received() -> ApplicationReceived:
    return ApplicationReceived(
        application_id=APP,
        edition_id="athlete365-4",
        applicant_id="A365-1",
        country="FRA",
        sport="Judo",
        athlete_status="former_olympian",
        submitted_at=WHEN,
    )


def _offered() -> GrantOffered:
    return GrantOffered(
        application_id=APP,
        edition_id="athlete365-4",
        offer_id=OFFER,
        amount_cents=1_000_000,
        currency="USD",
        components=["logistics_training"],
        rank=7,
        expires_at=WHEN,
    )


def test_each_athlete_facing_event_selects_its_template() -> None:
    outcome = {"application_id": APP, "edition_id": "athlete365-4", "offer_id": OFFER}
    cases = [
        (_received(), "received"),
        (ApplicationScreened(application_id=APP, eligible=True, reasons=[]), "screened_eligible"),
        (
            ApplicationScreened(application_id=APP, eligible=False, reasons=["x"]),
            "screened_ineligible",
        ),
        (TrainingEnrolled(application_id=APP, edition_id="e", modules=["m"]), "enrolled"),
        (_offered(), "offered"),
        (GrantAccepted(**outcome), "accepted"),
        (GrantDeclined(**outcome), "declined"),
        (GrantExpired(**outcome), "expired"),
        (ApplicationWaitlisted(application_id=APP, edition_id="e", rank=51), "waitlisted"),
        (ApplicationNotSelected(application_id=APP, edition_id="e"), "not_selected"),
        (ApplicationWithdrawn(application_id=APP), "withdrawn"),
    ]
    for payload, template in cases:
        notice = notice_for(payload)
        assert notice is not None
        assert notice.template == template, payload
        assert notice.application_id == APP
        assert payload.event_type in ATHLETE_FACING
    athletes = set(TEMPLATES) - {"reviewer_invited"}
    assert {t for _, t in cases} == athletes, "every template has an event"


def test_a_reviewers_invitation_goes_to_their_contact_key_once_per_seat() -> None:
    seat = uuid4()
    invited = ReviewerInvited(
        edition_id="athlete365-4",
        reviewer_id="r-017",
        seat_id=seat,
        assignments=7,
        new_assignments=2,
        link_expires_at=WHEN,
    )
    notice = notice_for(invited)
    assert notice is not None
    assert invited.event_type in REVIEWER_FACING
    assert (notice.template, notice.edition_id) == ("reviewer_invited", "athlete365-4")
    assert notice.contact_key == "reviewer:athlete365-4:r-017"
    assert notice.application_id == seat
    # The link is signed from these when the e-mail is written; no token is kept.
    assert notice.facts == {
        "seat_id": str(seat),
        "link_expires_at": WHEN.isoformat(),
        "assignments": 7,
        "new_assignments": 2,
    }


def test_the_panels_other_events_cause_no_email() -> None:
    assigned = ReviewAssigned(
        edition_id="e", application_id=APP, reviewer_id="r-1", assigned_at=WHEN, reassignment=False
    )
    submitted = ReviewSubmitted(
        edition_id="e",
        application_id=APP,
        reviewer_id="r-1",
        score=70,
        criteria={"market_opportunity": 7},
        submitted_at=WHEN,
    )
    for payload in (assigned, submitted):
        assert notice_for(payload) is None
        assert payload.event_type not in ATHLETE_FACING | REVIEWER_FACING


def test_events_athletes_are_not_told_about_cause_no_email() -> None:
    completed = TrainingModuleCompleted(application_id=APP, module="m", completed_at=WHEN)
    assert notice_for(completed) is None
    assert TrainingModuleCompleted.event_type not in ATHLETE_FACING


def test_offer_facts_keep_what_the_email_needs_and_nothing_personal() -> None:
    notice = notice_for(_offered())
    assert notice is not None
    assert notice.facts == {
        "offer_id": str(OFFER),
        "amount_cents": 1_000_000,
        "currency": "USD",
        "components": ["logistics_training"],
        "rank": 7,
        "expires_at": WHEN.isoformat(),
    }
    assert notice.edition_id == "athlete365-4"


@pytest.mark.parametrize(
    ("preferences", "expected"),
    [
        (("fr",), "fr"),
        (("DE",), "de"),
        (("fr-CH",), "fr"),
        (("de_AT",), "de"),
        (("es-MX",), "es"),
        (("pt",), "en"),
        (("",), "en"),
        ((None,), "en"),
        (("pt", "de"), "de"),
        (("it", None), "en"),
    ],
)
def test_language_falls_back_to_english(preferences: tuple[str | None, ...], expected: str) -> None:
    assert choose_language(*preferences) == expected


@pytest.mark.parametrize(
    ("cents", "currency", "language", "expected"),
    [
        (1_000_000, "USD", "en", "US$10,000"),
        (1_000_000, "USD", "fr", "10\u202f000\u00a0$US"),
        (1_000_000, "USD", "de", "10.000\u00a0$"),
        (123_456_789, "EUR", "en", "€1,234,567.89"),
        (123_456_789, "EUR", "fr", "1\u202f234\u202f567,89\u00a0€"),
        (123_456_789, "EUR", "de", "1.234.567,89\u00a0€"),
        (5, "CHF", "en", "CHF\u00a00.05"),
        (250_000, "JPY", "en", "JP¥2,500"),
        (250_000, "JPY", "de", "2.500\u00a0¥"),
    ],
)
def test_money_is_written_from_cents_the_way_each_language_reads_it(
    cents: int, currency: str, language: str, expected: str
) -> None:
    assert format_money(cents, currency, language) == expected  # type: ignore[arg-type]


def test_deadlines_are_spelled_out_in_utc_per_language() -> None:
    moment = datetime(2026, 3, 1, 19, 30, tzinfo=UTC)
    assert format_deadline(moment, "en") == "1 March 2026, 19:30 UTC"
    assert format_deadline(moment, "fr") == "1 mars 2026, 19:30 UTC"
    assert format_deadline(moment, "de") == "1. März 2026, 19:30 UTC"


def test_offer_tokens_match_the_grant_services_signature() -> None:
    # Known vector: the grant service verifies exactly this token for this key.
    offer_id = UUID("6f1c2a3b-4d5e-4f60-8a9b-0c1d2e3f4a5b")
    token = sign(offer_id, WHEN, key="demo-offer-key")
    assert token == "AW8cKjtNXk9gipsMHS4_SlsAAAAAar5LQFkDNF4aTAw6Ud29ipoXNahiIjQK3-ahp2iXjeggmSK-"
    assert offer_links("http://grant:8003/", token, "de")["decline"] == (
        f"http://grant:8003/offers/{token}/decline?lang=de"
    )
    assert sign(offer_id, WHEN, key="another-key") != token
    with pytest.raises(ValueError, match="signing key"):
        sign(offer_id, WHEN, key="")


def test_the_same_event_and_recipient_always_get_the_same_message_id() -> None:
    cause = uuid4()
    first = notification_id(cause, APP)
    assert first == notification_id(cause, APP)
    assert first != notification_id(cause, uuid4())
    assert message_id(first, "example.org") == f"<{first}@example.org>"


def test_server_replies_lose_the_address_before_they_are_reported() -> None:
    reply = "550 5.1.1 <marie.dupont@example.org>: Recipient address rejected"
    assert without_addresses(reply) == "550 5.1.1 [address]: Recipient address rejected"


POLICY = RetryPolicy(max_attempts=4, base_s=2.0, max_s=5.0)


def test_transient_failures_are_retried_with_bounded_exponential_backoff() -> None:
    delays = [POLICY.decide(Transient("451"), attempts=n, now=WHEN) for n in (1, 2, 3)]
    assert [d.at - WHEN for d in delays if isinstance(d, RetryAt)] == [
        timedelta(seconds=2),
        timedelta(seconds=4),
        timedelta(seconds=5),
    ]


def test_a_transient_failure_on_the_last_attempt_gives_up() -> None:
    decision = POLICY.decide(Transient("SMTP 451: try later"), attempts=4, now=WHEN)
    assert isinstance(decision, GiveUp)
    assert decision.error_class == "AttemptsExhausted"
    assert "4 attempts" in decision.reason
    assert "451" in decision.reason


def test_a_permanent_failure_gives_up_at_once_and_success_is_final() -> None:
    decision = POLICY.decide(Permanent("SMTP 550", "SMTPRejected"), attempts=1, now=WHEN)
    assert decision == GiveUp("SMTP 550", "SMTPRejected")
    assert POLICY.decide(Sent(), attempts=3, now=WHEN) == Sent()


def _outgoing(**changes: Any) -> OutgoingEmail:
    written = OutgoingEmail(
        message_id="<n1@accelerator.example>",
        sender="Accelerator <no-reply@accelerator.example>",
        subject="Votre candidature",
        language="fr",
        recipient_name="Léa García",
        recipient_address="lea@athletes.example.org",
        text="Bonjour",
    )
    return replace(written, **changes)


def test_an_internationalised_address_makes_a_message_with_its_name_encoded() -> None:
    from email import message_from_string
    from email.policy import SMTPUTF8

    from services.notification.adapters.smtp_mailer import as_message

    message = as_message(_outgoing(recipient_address="léa.garcía@athletes.example.org"))
    flattened = message.as_bytes(policy=SMTPUTF8)
    assert "léa.garcía@athletes.example.org".encode() in flattened
    read = message_from_string(flattened.decode(), policy=SMTPUTF8)
    assert read["To"].addresses[0].display_name == "Léa García"


def test_a_message_reads_back_as_written_names_subject_and_both_parts() -> None:
    from email import message_from_bytes
    from email.message import EmailMessage
    from email.policy import default

    from services.notification.adapters.smtp_mailer import as_message

    written = _outgoing(
        sender="Accélérateur <no-reply@accelerator.example>",
        subject="Votre candidature a été reçue — " + "très " * 20,
        recipient_name="Zoë O'Brien-Ærø",
        text="Bonjour Zoë,\n\nVoir : https://intake.test/status/abc\n",
        html="<p>Bonjour Zoë,</p>",
    )
    read = message_from_bytes(as_message(written).as_bytes(), policy=default)
    assert isinstance(read, EmailMessage)
    assert read["Subject"] == written.subject
    assert read["From"].addresses[0].display_name == "Accélérateur"
    assert read["From"].addresses[0].addr_spec == "no-reply@accelerator.example"
    assert read["To"].addresses[0].display_name == written.recipient_name
    assert read["To"].addresses[0].addr_spec == written.recipient_address
    assert read["Message-ID"] == written.message_id
    assert read["Content-Language"] == "fr"
    plain, html = read.get_body(("plain",)), read.get_body(("html",))
    assert plain is not None
    assert html is not None
    assert plain.get_content() == written.text
    assert html.get_content().strip() == written.html


def test_a_line_break_in_a_name_or_subject_is_refused_not_sent_as_a_header() -> None:
    from services.notification.adapters.smtp_mailer import as_message

    for header in ("recipient_name", "subject"):
        with pytest.raises(ValueError, match="line break"):
            as_message(_outgoing(**{header: "Sam\r\nBcc: victim@example.org"}))
