"""The events notification publishes about each notification: sent, or failed and why."""

from dataclasses import dataclass
from uuid import UUID

from shared.events.codec import make_event
from shared.events.contracts import NotificationFailed, NotificationSent
from shared.events.envelope import CloudEvent
from shared.languages import Language

SERVICE = "notification"


@dataclass(frozen=True)
class Announcement:
    """A finished notification, as the public (address-free) events describe it."""

    notification_id: UUID
    cause_event_id: UUID
    template: str
    language: Language
    applicant_id: str
    correlation_id: str
    edition_id: str | None


def sent_event(outcome: Announcement) -> tuple[str, CloudEvent]:
    payload = NotificationSent(
        notification_id=outcome.notification_id,
        cause_event_id=outcome.cause_event_id,
        template=outcome.template,
        language=outcome.language,
    )
    return payload.topic, _envelope(payload, outcome)


def failed_event(outcome: Announcement, *, reason: str) -> tuple[str, CloudEvent]:
    payload = NotificationFailed(
        notification_id=outcome.notification_id,
        cause_event_id=outcome.cause_event_id,
        template=outcome.template,
        language=outcome.language,
        reason=reason[:500],
    )
    return payload.topic, _envelope(payload, outcome)


def _envelope(payload: NotificationSent | NotificationFailed, outcome: Announcement) -> CloudEvent:
    # Keyed by applicant (docs/architecture.md#keys-and-ordering), so one athlete's
    # notifications stay in order.
    return make_event(
        payload,
        service=SERVICE,
        subject=outcome.applicant_id,
        correlation_id=outcome.correlation_id,
        edition_id=outcome.edition_id,
    )
