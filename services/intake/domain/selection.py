"""What grant decided for an application, as the athlete's status page tells it: offered (and
then accepted, declined or expired), waitlisted with the rank, or not selected. Only the
latest decision is kept, with the offer it concerns."""

from dataclasses import dataclass
from datetime import datetime
from typing import Literal
from uuid import UUID

from shared.events.contracts import (
    ApplicationNotSelected,
    ApplicationWaitlisted,
    EventPayload,
    GrantAccepted,
    GrantDeclined,
    GrantExpired,
    GrantOffered,
)

Outcome = Literal["offered", "accepted", "declined", "expired", "waitlisted", "not_selected"]
OFFER_OUTCOMES: frozenset[Outcome] = frozenset({"offered", "accepted", "declined", "expired"})
SELECTION_EVENTS = frozenset(
    model.event_type
    for model in (
        GrantOffered,
        GrantAccepted,
        GrantDeclined,
        GrantExpired,
        ApplicationWaitlisted,
        ApplicationNotSelected,
    )
)


@dataclass(frozen=True)
class Selection:
    application_id: UUID
    outcome: Outcome
    decided_at: datetime
    rank: int | None = None
    offer_id: UUID | None = None
    offer_expires_at: datetime | None = None


def selection_of(payload: EventPayload, *, at: datetime) -> Selection | None:
    """The decision an event of grant's carries, or None for another event."""
    match payload:
        case GrantOffered():
            return Selection(
                payload.application_id,
                "offered",
                at,
                rank=payload.rank,
                offer_id=payload.offer_id,
                offer_expires_at=payload.expires_at,
            )
        case GrantAccepted() | GrantDeclined() | GrantExpired():
            outcome: Outcome = {
                GrantAccepted: "accepted",
                GrantDeclined: "declined",
                GrantExpired: "expired",
            }[type(payload)]  # type: ignore[assignment]
            return Selection(payload.application_id, outcome, at, offer_id=payload.offer_id)
        case ApplicationWaitlisted():
            return Selection(payload.application_id, "waitlisted", at, rank=payload.rank)
        case ApplicationNotSelected():
            return Selection(payload.application_id, "not_selected", at)
    return None
