"""Sending: claim due e-mails, send them over a few SMTP sessions at once, settle each in the
database before its session sends the next.

Exactly once per (event, recipient), and the one place it cannot be:
- claim (commit): attempts + 1 and a lease. A crash now only delays the e-mail until the
  lease ends; nothing was sent.
- SMTP accepts the message, then the row is marked sent and notification.sent queued in one
  transaction. A crash after that commit is harmless: the row is no longer pending.
- A crash after SMTP accepted and before that commit (a window of one message per session)
  leaves the row pending: once the lease ends it is sent again, with the same Message-ID, so the
  copy is recognisable as the same message. No protocol closes that window: SMTP has no
  way to ask whether a message was received. The second attempt is logged as in doubt.

Each recipient's e-mails of a pass go over one session, in the order they were claimed (the
order of their events), so an athlete never gets "enrolled" before "received".
"""

import asyncio
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

import asyncpg

from services.notification.adapters import metrics
from services.notification.adapters import notifications_repository as repository
from services.notification.adapters.notification_rows import Claimed
from services.notification.domain.composition import LinksUnavailable
from services.notification.domain.delivery import Permanent, Sent, Transient
from services.notification.domain.mailer import DeliveryFailed, Mailer, MailSession
from services.notification.handlers.settlement import Settlement
from services.notification.handlers.writing import LetterWriter
from shared.clock import Clock
from shared.failpoints import crash_point
from shared.languages import choose_language
from shared.logs import get_logger

log = get_logger(__name__)


@dataclass(frozen=True)
class SenderConfig:
    batch_size: int
    lease: timedelta
    sessions: int = 1  # SMTP sessions a pass holds at once


class Sender:
    def __init__(
        self,
        *,
        pool: Callable[[], asyncpg.Pool],
        mailer: Mailer,
        writer: LetterWriter,
        settlement: Settlement,
        clock: Clock,
        config: SenderConfig,
    ) -> None:
        self._pool = pool
        self._mailer = mailer
        self._writer = writer
        self._settlement = settlement
        self._clock = clock
        self._config = config
        self._stopping = False

    def stop(self) -> None:
        """Finish the message in hand, give the rest of the batch back."""
        self._stopping = True

    async def send_due(self) -> int:
        """One pass over what is due; returns how many notifications it settled."""
        now = self._clock.now()
        async with self._pool().acquire() as conn:
            claimed = await repository.claim_due(
                conn, now=now, lease_until=now + self._config.lease, limit=self._config.batch_size
            )
        if not claimed:
            return 0
        crash_point("notification_after_claim")
        # Stop early enough that no row is still in hand when its lease runs out.
        deadline = time.monotonic() + self._config.lease.total_seconds() / 3
        lanes = _lanes(claimed, self._config.sessions)
        # Every lane runs to its end even when another fails, so none is left sending after
        # this pass has returned; a defect (not a delivery failure) is raised afterwards.
        ended = await asyncio.gather(
            *(self._send_lane(lane, deadline) for lane in lanes), return_exceptions=True
        )
        defects = [e for e in ended if isinstance(e, BaseException)]
        if defects:
            raise defects[0]  # the rows still held wait for their lease, as after a crash
        unsent = [row for lane in lanes for row in lane]
        unreachable = [e for e in ended if isinstance(e, Transient | Permanent)]
        if unsent and len(unreachable) == len(lanes):
            # The server cannot be reached on any session: nothing more goes now.
            for row in unsent:
                await self._settlement.settle(row, unreachable[0], choose_language(*row.languages))
            unsent = []
        if unsent:
            async with self._pool().acquire() as conn:
                ids = [row.notification_id for row in unsent]
                await repository.release(conn, notification_ids=ids, now=self._clock.now())
        return len(claimed) - len(unsent)

    async def _send_lane(
        self, lane: deque[Claimed], deadline: float
    ) -> Transient | Permanent | None:
        """Sends a lane's rows over one session until done, stopped or out of time; what is
        left stays in the lane. Returns why the session ended early, if it did."""
        try:
            async with self._mailer.session() as session:
                while lane and not self._stopping and time.monotonic() < deadline:
                    await self._send_one(session, lane.popleft())
        except DeliveryFailed as exc:
            return exc.outcome
        return None

    async def _send_one(self, session: MailSession, row: Claimed) -> None:
        language = choose_language(*row.languages)
        if row.in_doubt:
            metrics.IN_DOUBT.inc()
            log.warning(
                "re-sending a notification whose last attempt never reported back;"
                " it may arrive twice, under the same Message-ID",
                notification_id=str(row.notification_id),
                correlation_id=row.correlation_id,
            )
        try:
            email = self._writer.write(row, language)
        except LinksUnavailable as exc:
            await self._settlement.settle(row, Transient(str(exc)), language)
            return
        except Exception as exc:  # a template or data defect: retrying cannot fix it
            reason = f"cannot write the e-mail: {exc!r}"[:500]
            await self._settlement.settle(row, Permanent(reason, "RenderError"), language)
            return
        try:
            await session.send(email)
        except DeliveryFailed as exc:
            await self._settlement.settle(row, exc.outcome, language)
            if exc.connection_lost:
                raise
            return
        crash_point("notification_after_smtp_accept")
        await self._settlement.settle(row, Sent(), language)
        crash_point("notification_after_mark_sent")


def _lanes(claimed: list[Claimed], sessions: int) -> list[deque[Claimed]]:
    """Claimed rows dealt to at most `sessions` lanes, each recipient's rows in one lane."""
    lanes: list[deque[Claimed]] = [deque() for _ in range(min(sessions, len(claimed)))]
    lane_of: dict[str, int] = {}
    for row in claimed:
        lane = lane_of.setdefault(row.applicant_id, len(lane_of) % len(lanes))
        lanes[lane].append(row)
    return lanes
