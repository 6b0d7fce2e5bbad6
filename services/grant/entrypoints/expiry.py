"""The background loop that expires overdue offers; every replica runs one, safely."""

import asyncio
import contextlib
import uuid

from services.grant import handlers
from shared.clock import Clock
from shared.logs import get_logger
from shared.runtime import ServiceRuntime

log = get_logger(__name__)


class ExpiryLoop:
    def __init__(self, *, runtime: ServiceRuntime, clock: Clock, interval_s: float) -> None:
        self._runtime = runtime
        self._clock = clock
        self._interval_s = interval_s
        self._stopping = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        self._stopping.clear()
        self._task = asyncio.create_task(self._run(), name="grant-offer-expiry")

    async def stop(self) -> None:
        """Let a pass in progress finish (it is one transaction per edition), then end."""
        self._stopping.set()
        if self._task is not None:
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def run_once(self) -> int:
        async with self._runtime.pool.acquire() as conn:
            return await handlers.expire_all_overdue(
                conn, clock=self._clock, correlation_id=str(uuid.uuid4())
            )

    async def _run(self) -> None:
        while True:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stopping.wait(), self._interval_s)
            if self._stopping.is_set():
                return
            try:
                expired = await self.run_once()
                if expired:
                    log.info("overdue offers expired", count=expired)
            except Exception as exc:
                # The database briefly away, say: the next pass tries again.
                log.warning("offer expiry pass failed", error=repr(exc))
