"""Notification rows: recorded by the consumer, claimed and settled by the sender."""

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from services.notification.adapters import notification_queries as q
from services.notification.adapters.dead_letters import FailedCause
from shared.db import Connection


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
    full_name: str
    email: str
    languages: tuple[str | None, ...]


@dataclass(frozen=True)
class Settled:
    """What the notification.sent / .failed event of a finished row is made from."""

    notification_id: UUID
    cause_event_id: UUID
    template: str
    subject: str
    correlation_id: str
    edition_id: str | None
    languages: tuple[str | None, ...]


async def add_pending(conn: Connection, *, rows: Sequence[NewNotification]) -> None:
    await conn.executemany(
        q.INSERT,
        [
            (
                r.notification_id, r.cause_event_id, r.cause_type, r.application_id,
                r.edition_id, r.template, json.dumps(r.facts), r.correlation_id,
                r.cause_time, r.cause_topic, r.cause_partition, r.cause_offset, r.cause_event,
            )
            for r in rows
        ],
    )  # fmt: skip


async def claim_due(
    conn: Connection, *, now: datetime, lease_until: datetime, limit: int
) -> list[Claimed]:
    """Hold up to `limit` due rows whose recipient is known, counting the attempt (commits)."""
    async with conn.transaction():
        rows = await conn.fetch(q.CLAIM, now, limit, lease_until)
    return [
        Claimed(
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
        for r in rows
    ]


async def mark_sent(
    conn: Connection, *, notification_id: UUID, language: str, now: datetime
) -> bool:
    """False when the row is no longer pending (it was settled elsewhere meanwhile)."""
    status = await conn.execute(q.MARK_SENT, notification_id, language, now)
    return status == "UPDATE 1"


async def reschedule(conn: Connection, *, notification_id: UUID, at: datetime, error: str) -> None:
    await conn.execute(q.RESCHEDULE, notification_id, at, error)


async def mark_failed(
    conn: Connection, *, notification_id: UUID, language: str, error: str, now: datetime
) -> FailedCause | None:
    """Fail a pending row; returns its cause for the dead letter (None if not pending)."""
    r = await conn.fetchrow(q.MARK_FAILED, notification_id, language, error, now)
    if r is None:
        return None
    return FailedCause(
        notification_id=notification_id,
        key=str(r["application_id"]),
        value=r["cause_event"] or b"",
        topic=r["cause_topic"],
        partition=r["cause_partition"],
        offset=r["cause_offset"],
    )


async def release(conn: Connection, *, notification_ids: Sequence[UUID], now: datetime) -> None:
    """Give back rows claimed but not attempted (a stop, or a lease running out)."""
    await conn.execute(q.RELEASE, list(notification_ids), now)


async def cancel_for_applicants(
    conn: Connection, *, applicant_ids: Sequence[str], error: str, now: datetime
) -> list[Settled]:
    """Fail every pending row of these applicants that no sender holds right now."""
    rows = await conn.fetch(q.CANCEL_FOR_APPLICANTS, list(applicant_ids), error, now)
    return [_settled(r) for r in rows]


async def unaddressable(conn: Connection, *, created_before: datetime, limit: int) -> list[Settled]:
    """Pending rows that waited this long for a contact or an application in vain (locked)."""
    rows = await conn.fetch(q.UNADDRESSABLE, created_before, limit)
    return [_settled(r) for r in rows]


def _settled(r: Any) -> Settled:
    return Settled(
        notification_id=r["notification_id"],
        cause_event_id=r["cause_event_id"],
        template=r["template"],
        subject=r["subject"],
        correlation_id=r["correlation_id"],
        edition_id=r["edition_id"],
        languages=(r["contact_language"], r["application_language"]),
    )
