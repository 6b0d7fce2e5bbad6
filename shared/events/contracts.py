"""Payload models of every public event (docs/architecture.md#event-types), in one place so
producers and consumers cannot drift. Consumers ignore fields they do not read; fields are
added, never renamed."""

from typing import Annotated, ClassVar, Final, Literal
from uuid import UUID

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from shared import topics
from shared.languages import Language

AthleteStatus = Literal[
    "current_olympian", "former_olympian", "current_paralympian", "former_paralympian"
]


class EventPayload(BaseModel):
    """Base of every payload: the CloudEvents `type` and the topic it travels on."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    event_type: ClassVar[str]
    topic: ClassVar[str]
    producer: ClassVar[str]


BusinessStage = Literal["idea", "prototype", "revenue", "growth"]


class BusinessProfile(BaseModel):
    """What scoring needs of the business, without free text that could carry personal data."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    sector: str
    stage: BusinessStage
    sourcing_needs: list[str]
    target_markets: list[str] = Field(description="IOC NOC or ISO alpha-3 codes.")
    pitch_word_count: int = Field(ge=0)


class ApplicationReceived(EventPayload):
    event_type = "accelerator.application.received.v1"
    topic = topics.APPLICATIONS
    producer = "intake"

    application_id: UUID
    edition_id: str
    applicant_id: str = Field(description="Athlete365 id; no name or e-mail on this topic.")
    country: str = Field(description="IOC NOC code.", examples=["FRA"])
    sport: str
    athlete_status: AthleteStatus
    submitted_at: AwareDatetime
    career_end_year: int | None = Field(default=None, description="None for current athletes.")
    language: Language = "en"
    business: BusinessProfile | None = None


class ApplicationScreened(EventPayload):
    event_type = "accelerator.application.screened.v1"
    topic = topics.APPLICATIONS
    producer = "intake"

    application_id: UUID
    eligible: bool
    reasons: list[str] = Field(description="Reason codes; empty when eligible.")


class ApplicationWithdrawn(EventPayload):
    event_type = "accelerator.application.withdrawn.v1"
    topic = topics.APPLICATIONS
    producer = "intake"

    application_id: UUID


class ContactUpdated(EventPayload):
    """An athlete's name and address: personal data, so it travels on the compacted contacts
    topic only, like the pitch and reviewers' contacts (the only other payloads with any).

    Intake erases it with a tombstone: the same key (the athlete id) with a null value.
    """

    event_type = "accelerator.contact.updated.v1"
    topic = topics.CONTACTS
    producer = "intake"

    applicant_id: str
    full_name: str
    email: str
    language: Language


class TrainingEnrolled(EventPayload):
    event_type = "accelerator.training.enrolled.v1"
    topic = topics.TRAINING
    producer = "intake"

    application_id: UUID
    edition_id: str
    modules: list[str]


class TrainingModuleCompleted(EventPayload):
    event_type = "accelerator.training.module_completed.v1"
    topic = topics.TRAINING
    producer = "intake"

    application_id: UUID
    module: str
    completed_at: AwareDatetime


class ApplicationScored(EventPayload):
    event_type = "accelerator.application.scored.v1"
    topic = topics.SCORES
    producer = "scoring"

    application_id: UUID
    total: float = Field(ge=0, le=100)
    breakdown: dict[str, float] = Field(description="Criterion name to points.")
    rubric_version: int


# A reviewer's id on an edition's panel: an opaque code chosen by the admin ("r-017"), never
# an e-mail address (no "@"), since it travels on a public topic.
REVIEWER_ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$"
ReviewerId = Annotated[str, Field(pattern=REVIEWER_ID_PATTERN, examples=["r-017"])]


class ReviewAssigned(EventPayload):
    """One reviewer is to review one application (docs/architecture.md#the-review-panel)."""

    event_type = "accelerator.review.assigned.v1"
    topic = topics.REVIEWS
    producer = "scoring"

    edition_id: str
    application_id: UUID
    reviewer_id: ReviewerId
    assigned_at: AwareDatetime
    reassignment: bool = Field(
        description="True when it replaces a reviewer released from the application."
    )


class ReviewReleased(EventPayload):
    """A reviewer no longer reviews an application; a re-assignment usually follows."""

    event_type = "accelerator.review.released.v1"
    topic = topics.REVIEWS
    producer = "scoring"

    edition_id: str
    application_id: UUID
    reviewer_id: ReviewerId
    released_at: AwareDatetime
    reason: Literal["conflict", "removed"] = Field(
        description="conflict: the reviewer declared a conflict of interest; removed: the"
        " admin took the reviewer off the panel before they reviewed it."
    )


class ReviewSubmitted(EventPayload):
    """A reviewer's scores of an application; a later one by the same reviewer replaces it.

    No comment: free text could carry personal data. A score event follows on
    accelerator.scores when the application's total changes.
    """

    event_type = "accelerator.review.submitted.v1"
    topic = topics.REVIEWS
    producer = "scoring"

    edition_id: str
    application_id: UUID
    reviewer_id: ReviewerId
    score: int = Field(ge=0, le=100, description="The review's total, 0-100.")
    criteria: dict[str, int] = Field(
        description="Review criterion to its score, 0-10 each; the score is their mean x 10."
    )
    submitted_at: AwareDatetime


class ReviewerInvited(EventPayload):
    """Asks notification to e-mail a reviewer their personal link (shared/review_links.py).

    Published once per reviewer with assignments after each assignment run, and to the new
    reviewer after a re-assignment. The Kafka key is the seat id. The token is never
    published: notification signs it from seat_id and link_expires_at with REVIEW_LINK_KEY.
    """

    event_type = "accelerator.reviewer.invited.v1"
    topic = topics.REVIEWS
    producer = "scoring"

    edition_id: str
    reviewer_id: ReviewerId
    seat_id: UUID = Field(description="The reviewer's seat on the panel; the link names it.")
    assignments: int = Field(
        ge=0, description="Applications in the reviewer's queue now, reviewed or not."
    )
    new_assignments: int = Field(ge=0, description="Of those, how many since the last invite.")
    link_expires_at: AwareDatetime


def reviewer_contact_key(edition_id: str, reviewer_id: str) -> str:
    """The contacts topic's key of a reviewer: "reviewer:<edition>:<reviewer id>". Athlete ids
    are letters, digits and hyphens only, so the colon keeps the two kinds of key apart."""
    return f"reviewer:{edition_id}:{reviewer_id}"


PITCH_KEY_PREFIX: Final = "pitch:"


def pitch_key(application_id: UUID) -> str:
    """The contacts topic's key of an application's pitch: "pitch:<application id>". Athlete
    ids have no colon and reviewers' keys start "reviewer:", so no key of the three kinds can
    be another's."""
    return f"{PITCH_KEY_PREFIX}{application_id}"


class ReviewerContactUpdated(EventPayload):
    """A panel reviewer's contact: personal data, on the compacted contacts topic only.

    The key is reviewer_contact_key(edition_id, reviewer_id). Removing the reviewer from the
    panel publishes a tombstone under that key, as an athlete's erasure does.
    """

    event_type = "accelerator.reviewer.contact_updated.v1"
    topic = topics.CONTACTS
    producer = "scoring"

    edition_id: str
    reviewer_id: ReviewerId
    full_name: str
    email: str
    language: Language


class ApplicationPitch(EventPayload):
    """The pitch of an application, free text that may name the athlete: personal data, so it
    travels on the compacted contacts topic only (the applications topic has its word count).

    The key is pitch_key(application_id). Intake's erasure publishes a tombstone under it.
    """

    event_type = "accelerator.application.pitch.v1"
    topic = topics.CONTACTS
    producer = "intake"

    edition_id: str
    application_id: UUID
    pitch: str


class EditionOpened(EventPayload):
    event_type = "accelerator.edition.opened.v1"
    topic = topics.EDITIONS
    producer = "grant"

    edition_id: str
    name: str
    opens_at: AwareDatetime
    closes_at: AwareDatetime
    grant_capacity: int
    package_value_cents: int
    currency: str = "USD"


class EditionClosed(EventPayload):
    event_type = "accelerator.edition.closed.v1"
    topic = topics.EDITIONS
    producer = "grant"

    edition_id: str
    closed_at: AwareDatetime


class GrantOffered(EventPayload):
    event_type = "accelerator.grant.offered.v1"
    topic = topics.GRANTS
    producer = "grant"

    application_id: UUID
    edition_id: str
    offer_id: UUID
    amount_cents: int = Field(ge=0)
    currency: str = Field(examples=["USD"])
    components: list[str]
    rank: int = Field(ge=1)
    expires_at: AwareDatetime


class _OfferOutcome(EventPayload):
    """What became of an offer: accepted, declined or expired."""

    topic = topics.GRANTS
    producer = "grant"

    application_id: UUID
    edition_id: str
    offer_id: UUID


class GrantAccepted(_OfferOutcome):
    event_type = "accelerator.grant.accepted.v1"


class GrantDeclined(_OfferOutcome):
    event_type = "accelerator.grant.declined.v1"


class GrantExpired(_OfferOutcome):
    event_type = "accelerator.grant.expired.v1"


class ApplicationWaitlisted(EventPayload):
    event_type = "accelerator.application.waitlisted.v1"
    topic = topics.GRANTS
    producer = "grant"

    application_id: UUID
    edition_id: str
    rank: int = Field(ge=1)


class ApplicationNotSelected(EventPayload):
    event_type = "accelerator.application.not_selected.v1"
    topic = topics.GRANTS
    producer = "grant"

    application_id: UUID
    edition_id: str


class NotificationSent(EventPayload):
    event_type = "accelerator.notification.sent.v1"
    topic = topics.NOTIFICATIONS
    producer = "notification"

    notification_id: UUID
    cause_event_id: UUID
    template: str
    language: Language


class NotificationFailed(EventPayload):
    event_type = "accelerator.notification.failed.v1"
    topic = topics.NOTIFICATIONS
    producer = "notification"

    notification_id: UUID
    cause_event_id: UUID
    template: str
    language: Language
    reason: str = Field(description="Why delivery failed; never the address.")


PAYLOAD_TYPES: dict[str, type[EventPayload]] = {
    model.event_type: model
    for model in (
        ApplicationReceived,
        ApplicationScreened,
        ApplicationWithdrawn,
        ContactUpdated,
        ApplicationPitch,
        TrainingEnrolled,
        TrainingModuleCompleted,
        ApplicationScored,
        ReviewAssigned,
        ReviewReleased,
        ReviewSubmitted,
        ReviewerInvited,
        ReviewerContactUpdated,
        EditionOpened,
        EditionClosed,
        GrantOffered,
        GrantAccepted,
        GrantDeclined,
        GrantExpired,
        ApplicationWaitlisted,
        ApplicationNotSelected,
        NotificationSent,
        NotificationFailed,
    )
}
