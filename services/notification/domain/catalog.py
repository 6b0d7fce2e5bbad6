"""Which event becomes which e-mail (an athlete's, or a panel reviewer's invitation), and what
of the event that e-mail needs.

Only facts without personal data are kept here: the name and address are joined in from the
contact when the e-mail is written, so an erased contact leaves nothing personal behind.
"""

from dataclasses import dataclass, field
from typing import Any, Final
from uuid import UUID

from shared.events.contracts import (
    ApplicationNotSelected,
    ApplicationReceived,
    ApplicationScreened,
    ApplicationWaitlisted,
    ApplicationWithdrawn,
    EventPayload,
    GrantAccepted,
    GrantDeclined,
    GrantExpired,
    GrantOffered,
    ReviewerInvited,
    TrainingEnrolled,
    reviewer_contact_key,
)

TEMPLATES: Final = (
    "received",
    "screened_eligible",
    "screened_ineligible",
    "enrolled",
    "offered",
    "accepted",
    "declined",
    "expired",
    "waitlisted",
    "not_selected",
    "withdrawn",
    "reviewer_invited",
)

ATHLETE_FACING: Final = frozenset(
    model.event_type
    for model in (
        ApplicationReceived,
        ApplicationScreened,
        TrainingEnrolled,
        GrantOffered,
        GrantAccepted,
        GrantDeclined,
        GrantExpired,
        ApplicationWaitlisted,
        ApplicationNotSelected,
        ApplicationWithdrawn,
    )
)


# Reviewer-facing: the panel's invitation, addressed by the reviewer's contact key.
REVIEWER_FACING: Final = frozenset({ReviewerInvited.event_type})


@dataclass(frozen=True)
class Notice:
    """One e-mail to write about one application: its template and the event's facts.

    An athlete's e-mail goes to the applicant of `application_id`. A reviewer's has no
    application: `application_id` holds the reviewer's seat (what the event is keyed by, so
    one e-mail per event and seat), and `contact_key` names the contact it goes to.
    """

    application_id: UUID
    template: str
    facts: dict[str, Any] = field(default_factory=dict)
    edition_id: str | None = None
    contact_key: str | None = None


def notice_for(payload: EventPayload) -> Notice | None:
    """The e-mail an event causes, or None for an event athletes are not told about."""
    edition_id = getattr(payload, "edition_id", None)
    match payload:
        case ApplicationReceived():
            # The status link is derived from these, as intake derives it: never published.
            link = {
                "application_id": str(payload.application_id),
                "submitted_at": payload.submitted_at.isoformat(),
            }
            return Notice(payload.application_id, "received", link, edition_id)
        case ApplicationScreened(eligible=True):
            return Notice(payload.application_id, "screened_eligible")
        case ApplicationScreened():
            reasons = {"reasons": list(payload.reasons)}
            return Notice(payload.application_id, "screened_ineligible", reasons)
        case TrainingEnrolled():
            modules = {"modules": list(payload.modules)}
            return Notice(payload.application_id, "enrolled", modules, edition_id)
        case GrantOffered():
            return Notice(payload.application_id, "offered", _offer_facts(payload), edition_id)
        case GrantAccepted() | GrantDeclined() | GrantExpired():
            offer = {"offer_id": str(payload.offer_id)}
            return Notice(payload.application_id, _OUTCOMES[type(payload)], offer, edition_id)
        case ApplicationWaitlisted():
            rank = {"rank": payload.rank}
            return Notice(payload.application_id, "waitlisted", rank, edition_id)
        case ApplicationNotSelected():
            return Notice(payload.application_id, "not_selected", {}, edition_id)
        case ApplicationWithdrawn():
            # The event names no edition; the envelope's editionid or the application's does.
            return Notice(payload.application_id, "withdrawn")
        case ReviewerInvited():
            # The link is signed from these when the e-mail is written: never published.
            invitation = {
                "seat_id": str(payload.seat_id),
                "link_expires_at": payload.link_expires_at.isoformat(),
                "assignments": payload.assignments,
                "new_assignments": payload.new_assignments,
            }
            return Notice(
                payload.seat_id,
                "reviewer_invited",
                invitation,
                payload.edition_id,
                contact_key=reviewer_contact_key(payload.edition_id, payload.reviewer_id),
            )
    return None


_OUTCOMES: Final[dict[type[EventPayload], str]] = {
    GrantAccepted: "accepted",
    GrantDeclined: "declined",
    GrantExpired: "expired",
}


def _offer_facts(offer: GrantOffered) -> dict[str, Any]:
    return {
        "offer_id": str(offer.offer_id),
        "amount_cents": offer.amount_cents,
        "currency": offer.currency,
        "components": list(offer.components),
        "rank": offer.rank,
        "expires_at": offer.expires_at.isoformat(),
    }
