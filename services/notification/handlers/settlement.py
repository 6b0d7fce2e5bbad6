"""Settling a notification after an attempt: sent, retried later, or failed and dead-lettered.

Each settlement commits with the events it causes, through the outbox. Settlements asked for
while a commit is under way (by the sender's other sessions) wait and commit together in the
next transaction: one commit for several e-mails, and each caller still returns only once
its own row is settled, so a session sends its next message only after that.
"""

import asyncio
from collections.abc import Callable
from datetime import timedelta
from typing import Protocol

import asyncpg

from services.notification.adapters import metrics
from services.notification.adapters import notifications_repository as repository
from services.notification.adapters.dead_letters import FailedCause
from services.notification.adapters.notification_rows import Claimed
from services.notification.domain.delivery import GiveUp, Outcome, RetryAt, RetryPolicy, Sent
from services.notification.handlers.consuming import announcement_of
from services.notification.handlers.events import Announcement, failed_event, sent_event
from shared.clock import Clock
from shared.db import Connection
from shared.languages import Language
from shared.logs import correlation, get_logger
from shared.outbox import add_to_outbox

log = get_logger(__name__)

NO_RECIPIENT = "no contact for the recipient arrived in time"


class DeadLetters(Protocol):
    """Where the cause of an e-mail given up on goes for a person to look at."""

    async def send(self, cause: FailedCause, *, reason: str, error_class: str) -> None: ...


class Settlement:
    def __init__(
        self,
        *,
        pool: Callable[[], asyncpg.Pool],
        dead_letters: Callable[[], DeadLetters],
        policy: RetryPolicy,
        clock: Clock,
    ) -> None:
        self._pool = pool
        self._dead_letters = dead_letters
        self._policy = policy
        self._clock = clock
        self._queued: list[tuple[Claimed, Outcome, Language, asyncio.Future[None]]] = []
        self._committer: asyncio.Task[None] | None = None

    async def settle(self, row: Claimed, outcome: Outcome, language: Language) -> None:
        """Returns once this row's settlement has committed."""
        settled = asyncio.get_running_loop().create_future()
        self._queued.append((row, outcome, language, settled))
        if self._committer is None or self._committer.done():
            self._committer = asyncio.create_task(self._commit_queued())
        await settled

    async def _commit_queued(self) -> None:
        while self._queued:
            batch, self._queued = self._queued, []
            try:
                async with self._pool().acquire() as conn, conn.transaction():
                    await self._settle_all(conn, [(row, o, lang) for row, o, lang, _ in batch])
            except BaseException as exc:
                for *_, settled in batch:
                    settled.set_exception(exc)
                if isinstance(exc, asyncio.CancelledError):
                    raise
            else:
                for *_, settled in batch:
                    settled.set_result(None)

    async def _settle_all(
        self, conn: Connection, batch: list[tuple[Claimed, Outcome, Language]]
    ) -> None:
        now = self._clock.now()
        sent: list[Announcement] = []
        for row, outcome, language in batch:
            announced = _announcement(row, language)
            match self._policy.decide(outcome, attempts=row.attempts, now=now):
                case Sent():
                    sent.append(announced)
                case RetryAt(at, reason):
                    await repository.reschedule(
                        conn, notification_id=row.notification_id, at=at, error=reason
                    )
                    metrics.RETRIED.labels(row.template).inc()
                    log.warning(
                        "notification will be retried",
                        notification_id=str(row.notification_id),
                        correlation_id=row.correlation_id,
                        attempts=row.attempts,
                        retry_at=at.isoformat(),
                        reason=reason,
                    )
                case GiveUp(reason, error_class):
                    await self._give_up(conn, announced, reason, error_class)
        await self._mark_all_sent(conn, sent)

    async def fail_unaddressable(self, *, waited: timedelta, limit: int) -> int:
        """Give up on e-mails whose recipient (contact or application) never became known."""
        cutoff = self._clock.now() - waited
        async with self._pool().acquire() as conn, conn.transaction():
            stuck = await repository.unaddressable(conn, created_before=cutoff, limit=limit)
            for settled in stuck:
                await self._give_up(conn, announcement_of(settled), NO_RECIPIENT, "NoRecipient")
        return len(stuck)

    async def _mark_all_sent(self, conn: Connection, sent: list[Announcement]) -> None:
        """One statement for all the rows and one for their events, so a settlement of several
        sessions' e-mails costs about what one e-mail's did."""
        if not sent:
            return
        marked = await repository.mark_sent(
            conn, languages={a.notification_id: a.language for a in sent}, now=self._clock.now()
        )
        await add_to_outbox(conn, [sent_event(a) for a in sent if a.notification_id in marked])
        for announced in sent:
            if announced.notification_id in marked:
                metrics.SENT.labels(announced.template, announced.language).inc()
                log.info(
                    "notification sent",
                    notification_id=str(announced.notification_id),
                    correlation_id=announced.correlation_id,
                    template=announced.template,
                    language=announced.language,
                )
            else:
                log.warning(
                    "notification was settled elsewhere while it was being sent",
                    notification_id=str(announced.notification_id),
                    correlation_id=announced.correlation_id,
                )

    async def _give_up(
        self, conn: Connection, announced: Announcement, reason: str, error_class: str
    ) -> None:
        cause = await repository.mark_failed(
            conn,
            notification_id=announced.notification_id,
            language=announced.language,
            error=reason,
            now=self._clock.now(),
        )
        if cause is None:
            return
        await add_to_outbox(conn, [failed_event(announced, reason=reason)])
        metrics.FAILED.labels(announced.template, error_class).inc()
        # Before the commit: a crash in between repeats the dead letter, never loses it.
        with correlation(announced.correlation_id):  # the dead-letter line carries it too
            await self._dead_letters().send(cause, reason=reason, error_class=error_class)


def _announcement(row: Claimed, language: Language) -> Announcement:
    return Announcement(
        notification_id=row.notification_id,
        cause_event_id=row.cause_event_id,
        template=row.template,
        language=language,
        applicant_id=row.applicant_id,
        correlation_id=row.correlation_id,
        edition_id=row.edition_id,
    )
