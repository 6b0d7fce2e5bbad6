"""Runs the sender in the background: woken by polling, stopped cleanly with the service."""

import asyncio
import contextlib
import time
from datetime import timedelta

from services.notification.handlers import Sender, Settlement
from shared.logs import get_logger
from shared.retry import Backoff, is_transient

log = get_logger(__name__)


class SenderLoop:
    def __init__(
        self,
        *,
        sender: Sender,
        settlement: Settlement,
        batch_size: int,
        poll_interval_s: float,
        contact_wait: timedelta,
        sweep_every_s: float = 60.0,
    ) -> None:
        self._sender = sender
        self._settlement = settlement
        self._batch_size = batch_size
        self._poll_interval_s = poll_interval_s
        self._contact_wait = contact_wait
        self._sweep_every_s = sweep_every_s
        self._stopping = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="notification-sender")

    async def stop(self) -> None:
        """Let the message in hand finish; what is left of the batch is released."""
        self._stopping.set()
        self._sender.stop()
        if self._task is not None:
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    async def _run(self) -> None:
        backoff = Backoff(attempts=1_000_000, base_s=0.5, max_s=30.0)
        failures = 0
        next_sweep = time.monotonic()
        while not self._stopping.is_set():
            try:
                if time.monotonic() >= next_sweep:
                    await self._sweep()
                    next_sweep = time.monotonic() + self._sweep_every_s
                settled = await self._sender.send_due()
                failures = 0
            except Exception as exc:
                # Never die: a dead sender would silently stop all e-mail. Keep trying,
                # slower and slower, and say loudly why.
                failures += 1
                log.error(
                    "sender pass failed; retrying",
                    error=repr(exc),
                    transient=is_transient(exc),
                    failures=failures,
                )
                await self._pause(backoff.delay(failures))
                continue
            if settled < self._batch_size:
                await self._pause(self._poll_interval_s)

    async def _sweep(self) -> None:
        failed = batch = await self._settlement.fail_unaddressable(
            waited=self._contact_wait, limit=self._batch_size
        )
        while batch == self._batch_size and not self._stopping.is_set():
            batch = await self._settlement.fail_unaddressable(
                waited=self._contact_wait, limit=self._batch_size
            )
            failed += batch
        if failed:
            log.warning("gave up on notifications with no known recipient", count=failed)

    async def _pause(self, seconds: float) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._stopping.wait(), seconds)
