"""What operators do with notifications: see where e-mail stands, retry a failed one.

A retried notification keeps its id, so its Message-ID is the same; it is announced again
(notification.sent, or .failed once more), and the latest announcement is the one to trust.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from uuid import UUID

from services.notification.adapters import notifications_repository as repository
from shared.db import Connection


class RetryResult(StrEnum):
    QUEUED = "queued"
    UNKNOWN = "unknown"
    NOT_FAILED = "not_failed"


async def retry_failed(conn: Connection, *, notification_id: UUID, now: datetime) -> RetryResult:
    """Queue a failed notification again, from its first attempt."""
    if await repository.requeue_failed(conn, notification_id=notification_id, now=now):
        return RetryResult.QUEUED
    exists = await repository.exists(conn, notification_id=notification_id)
    return RetryResult.NOT_FAILED if exists else RetryResult.UNKNOWN


@dataclass
class Summary:
    by_state: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    sent_by_language: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    sent_by_template: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    failed_by_template: dict[str, int] = field(default_factory=lambda: defaultdict(int))


async def summary(conn: Connection) -> Summary:
    result = Summary()
    for count in await repository.counts(conn):
        state, n = count.state, count.n
        result.by_state[state] += n
        if state == "sent":
            result.sent_by_language[count.language] += n
            result.sent_by_template[count.template] += n
        elif state == "failed":
            result.failed_by_template[count.template] += n
    return result
