"""The events scoring publishes: an application's new score, with its breakdown, and the
review panel's assignments, releases, submissions, invitations and reviewer contacts."""

from datetime import datetime
from typing import Literal
from uuid import UUID

from services.scoring.domain.application import ApplicationState
from services.scoring.domain.assignment import Pair
from services.scoring.domain.panel import ReviewerContact
from services.scoring.domain.rubric import as_points
from services.scoring.domain.scorecard import ScoreCard
from shared.events.codec import Outgoing, outgoing
from shared.events.contracts import (
    ApplicationScored,
    EventPayload,
    ReviewAssigned,
    ReviewerContactUpdated,
    ReviewerInvited,
    ReviewReleased,
    ReviewSubmitted,
    reviewer_contact_key,
)

SERVICE = "scoring"


def scored(state: ApplicationState, card: ScoreCard, correlation_id: str) -> Outgoing:
    payload = ApplicationScored(
        application_id=state.application_id,
        total=as_points(card.total),
        breakdown=card.published_breakdown(),
        rubric_version=card.rubric.version,
    )
    return outgoing(
        payload,
        service=SERVICE,
        subject=str(state.application_id),
        correlation_id=correlation_id,
        edition_id=state.edition_id,
    )


def _on_reviews(
    payload: EventPayload, *, subject: str, edition_id: str, correlation_id: str
) -> Outgoing:
    return outgoing(
        payload,
        service=SERVICE,
        subject=subject,
        correlation_id=correlation_id,
        edition_id=edition_id,
    )


def assigned(
    edition_id: str, pair: Pair, *, at: datetime, reassignment: bool, correlation_id: str
) -> Outgoing:
    payload = ReviewAssigned(
        edition_id=edition_id,
        application_id=pair.application_id,
        reviewer_id=pair.reviewer_id,
        assigned_at=at,
        reassignment=reassignment,
    )
    return _on_reviews(
        payload,
        subject=str(pair.application_id),
        edition_id=edition_id,
        correlation_id=correlation_id,
    )


def released(
    edition_id: str,
    pair: Pair,
    *,
    at: datetime,
    reason: Literal["conflict", "removed"],
    correlation_id: str,
) -> Outgoing:
    payload = ReviewReleased(
        edition_id=edition_id,
        application_id=pair.application_id,
        reviewer_id=pair.reviewer_id,
        released_at=at,
        reason=reason,
    )
    return _on_reviews(
        payload,
        subject=str(pair.application_id),
        edition_id=edition_id,
        correlation_id=correlation_id,
    )


def submitted(
    edition_id: str,
    pair: Pair,
    *,
    score: int,
    criteria: dict[str, int],
    at: datetime,
    correlation_id: str,
) -> Outgoing:
    payload = ReviewSubmitted(
        edition_id=edition_id,
        application_id=pair.application_id,
        reviewer_id=pair.reviewer_id,
        score=score,
        criteria=criteria,
        submitted_at=at,
    )
    return _on_reviews(
        payload,
        subject=str(pair.application_id),
        edition_id=edition_id,
        correlation_id=correlation_id,
    )


def invited(
    edition_id: str,
    *,
    reviewer_id: str,
    seat_id: UUID,
    assignments: int,
    new_assignments: int,
    link_expires_at: datetime,
    correlation_id: str,
) -> Outgoing:
    payload = ReviewerInvited(
        edition_id=edition_id,
        reviewer_id=reviewer_id,
        seat_id=seat_id,
        assignments=assignments,
        new_assignments=new_assignments,
        link_expires_at=link_expires_at,
    )
    return _on_reviews(
        payload, subject=str(seat_id), edition_id=edition_id, correlation_id=correlation_id
    )


def reviewer_contact(edition_id: str, contact: ReviewerContact, correlation_id: str) -> Outgoing:
    payload = ReviewerContactUpdated(
        edition_id=edition_id,
        reviewer_id=contact.reviewer_id,
        full_name=contact.full_name,
        email=contact.email,
        language=contact.language,
    )
    return _on_reviews(
        payload,
        subject=reviewer_contact_key(edition_id, contact.reviewer_id),
        edition_id=edition_id,
        correlation_id=correlation_id,
    )
