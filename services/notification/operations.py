"""What operators do with notifications: see where e-mail stands, retry a failed one.

A retried notification keeps its id, so its Message-ID is the same; it is announced again
(notification.sent, or .failed once more), and the latest announcement is the one to trust.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from uuid import UUID

from shared.db import Connection

_RETRY = """
UPDATE notifications
SET state = 'pending', attempts = 0, next_attempt_at = $2, claimed_until = NULL,
    finished_at = NULL, language = NULL
WHERE notification_id = $1 AND state = 'failed'
RETURNING notification_id
"""

_COUNTS = """
SELECT state, template, coalesce(language, '') AS language, count(*) AS n
FROM notifications GROUP BY state, template, language
"""


class RetryResult(StrEnum):
    QUEUED = "queued"
    UNKNOWN = "unknown"
    NOT_FAILED = "not_failed"


async def retry_failed(conn: Connection, *, notification_id: UUID, now: datetime) -> RetryResult:
    """Queue a failed notification again, from its first attempt."""
    if await conn.fetchval(_RETRY, notification_id, now) is not None:
        return RetryResult.QUEUED
    exists = await conn.fetchval(
        "SELECT 1 FROM notifications WHERE notification_id = $1", notification_id
    )
    return RetryResult.NOT_FAILED if exists else RetryResult.UNKNOWN


@dataclass
class Summary:
    by_state: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    sent_by_language: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    sent_by_template: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    failed_by_template: dict[str, int] = field(default_factory=lambda: defaultdict(int))


async def summary(conn: Connection) -> Summary:
    result = Summary()
    for row in await conn.fetch(_COUNTS):
        state, n = row["state"], row["n"]
        result.by_state[state] += n
        if state == "sent":
            result.sent_by_language[row["language"]] += n
            result.sent_by_template[row["template"]] += n
        elif state == "failed":
            result.failed_by_template[row["template"]] += n
    return result
