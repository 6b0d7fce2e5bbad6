"""The shapes of notification rows, as the repository hands them over."""

import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from uuid import UUID


@dataclass(frozen=True)
class NewNotification:
    notification_id: UUID
    cause_event_id: UUID
    cause_type: str
    application_id: UUID
    edition_id: str | None
    template: str
    facts: dict[str, Any]
    correlation_id: str
    cause_time: datetime
    cause_topic: str
    cause_partition: int
    cause_offset: int
    cause_event: bytes
    contact_key: str | None = None
    """A reviewer's e-mail: whose contact (application_id then holds their seat)."""


@dataclass(frozen=True)
class Claimed:
    """A notification a sender now holds, joined to its recipient."""

    notification_id: UUID
    cause_event_id: UUID
    template: str
    facts: dict[str, Any]
    attempts: int
    in_doubt: bool
    correlation_id: str
    edition_id: str | None
    applicant_id: str
    """The recipient's contact key: the athlete id, or a reviewer's reviewer:<edition>:<id>."""
    # Personal data: kept out of repr, so it cannot reach a log line by accident.
    full_name: str = field(repr=False)
    email: str = field(repr=False)
    languages: tuple[str | None, ...]


@dataclass(frozen=True)
class Settled:
    """What the notification.sent / .failed event of a finished row is made from."""

    notification_id: UUID
    cause_event_id: UUID
    template: str
    # The key of its notification.* events: the applicant (a reviewer's contact key for a
    # reviewer's e-mail), else (owner unknown) the application.
    applicant_id: str
    correlation_id: str
    edition_id: str | None
    languages: tuple[str | None, ...]


def claimed_from(r: Any) -> Claimed:
    return Claimed(
        notification_id=r["notification_id"],
        cause_event_id=r["cause_event_id"],
        template=r["template"],
        facts=json.loads(r["facts"]),
        attempts=r["attempts"],
        in_doubt=r["previous_claim"] is not None,
        correlation_id=r["correlation_id"],
        edition_id=r["edition_id"],
        applicant_id=r["applicant_id"],
        full_name=r["full_name"],
        email=r["email"],
        languages=(r["contact_language"], r["application_language"]),
    )


def settled_from(r: Any) -> Settled:
    return Settled(
        notification_id=r["notification_id"],
        cause_event_id=r["cause_event_id"],
        template=r["template"],
        applicant_id=r["applicant_id"],
        correlation_id=r["correlation_id"],
        edition_id=r["edition_id"],
        languages=(r["contact_language"], r["application_language"]),
    )
