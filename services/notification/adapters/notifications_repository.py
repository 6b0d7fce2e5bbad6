"""Notification rows: recorded by the consumer, claimed and settled by the sender."""

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from services.notification.adapters import notification_queries as q
from services.notification.adapters.dead_letters import FailedCause
from services.notification.adapters.notification_rows import (
    Claimed,
    NewNotification,
    Settled,
    claimed_from,
    settled_from,
)
from shared.db import Connection


async def add_pending(conn: Connection, *, rows: Sequence[NewNotification]) -> None:
    await conn.executemany(
        q.INSERT,
        [
            (
                r.notification_id, r.cause_event_id, r.cause_type, r.application_id,
                r.edition_id, r.template, json.dumps(r.facts), r.correlation_id,
                r.cause_time, r.cause_topic, r.cause_partition, r.cause_offset, r.cause_event,
                r.contact_key,
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
    return [claimed_from(r) for r in rows]


async def mark_sent(conn: Connection, *, languages: Mapping[UUID, str], now: datetime) -> set[UUID]:
    """Marks these rows sent, each in its language; returns those that were still pending
    (the others were settled elsewhere meanwhile)."""
    ids = list(languages)
    rows = await conn.fetch(q.MARK_SENT, ids, [languages[i] for i in ids], now)
    return {r["notification_id"] for r in rows}


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
    """Fail every pending row of these applicants (or reviewers, by their contact key) that
    no sender holds right now."""
    keys = list(applicant_ids)
    rows = [
        *await conn.fetch(q.CANCEL_FOR_APPLICANTS, keys, error, now),
        *await conn.fetch(q.CANCEL_FOR_CONTACT_KEYS, keys, error, now),
    ]
    return [settled_from(r) for r in rows]


async def clear_errors_of(
    conn: Connection, *, applicant_ids: Sequence[str], replacement: str
) -> None:
    """Replace the recorded failure text of every e-mail of these applicants (or reviewers)."""
    if applicant_ids:
        await conn.execute(q.CLEAR_ERRORS_OF_APPLICANTS, list(applicant_ids), replacement)
        await conn.execute(q.CLEAR_ERRORS_OF_CONTACT_KEYS, list(applicant_ids), replacement)


async def unaddressable(conn: Connection, *, created_before: datetime, limit: int) -> list[Settled]:
    """Pending rows that waited this long for a contact or an application in vain (locked)."""
    rows = await conn.fetch(q.UNADDRESSABLE, created_before, limit)
    return [settled_from(r) for r in rows]


async def requeue_failed(conn: Connection, *, notification_id: UUID, now: datetime) -> bool:
    """Pending again if it had failed; False when it had not (or does not exist)."""
    return await conn.fetchval(q.REQUEUE_FAILED, notification_id, now) is not None


async def exists(conn: Connection, *, notification_id: UUID) -> bool:
    found = await conn.fetchval(
        "SELECT 1 FROM notifications WHERE notification_id = $1", notification_id
    )
    return found is not None


@dataclass(frozen=True)
class Count:
    state: str
    template: str
    language: str  # empty while no language was chosen yet
    n: int


async def counts(conn: Connection) -> list[Count]:
    rows = await conn.fetch(q.COUNTS)
    return [Count(r["state"], r["template"], r["language"], r["n"]) for r in rows]
