"""Publishes outbox rows to Kafka after they commit, in order, at least once.

Several replicas may run: rows are claimed with FOR UPDATE SKIP LOCKED, and a transaction
advisory lock lets only one replica publish a schema's outbox at a time. Without that lock,
two replicas could each claim a slice and publish a later event of one application before
an earlier one; with it the others stand by and take over the moment the holder dies.
"""

import asyncio
import contextlib
import json
import time

import asyncpg
from aiokafka import AIOKafkaProducer

from shared import metrics
from shared.db import advisory_lock_id
from shared.failpoints import crash_point
from shared.logs import get_logger
from shared.retry import Backoff, is_transient

log = get_logger(__name__)

_CLAIM = """
SELECT id, topic, key, event_type, payload FROM outbox
WHERE published_at IS NULL ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED
"""
_CONTENT_TYPE_HEADER = [("content-type", b"application/cloudevents+json; charset=UTF-8")]


class OutboxRelay:
    def __init__(
        self,
        *,
        pool: asyncpg.Pool,
        producer: AIOKafkaProducer,
        schema: str,
        batch_size: int = 500,
        poll_interval_s: float = 1.0,
        linger_s: float = 0.0,
        backlog_every_s: float = 1.0,
    ) -> None:
        self._pool = pool
        self._producer = producer
        self._schema = schema
        self._batch_size = batch_size
        self._poll_interval_s = poll_interval_s
        self._linger_s = linger_s
        self._backlog_every_s = backlog_every_s
        self._backlog_shown_at = float("-inf")
        self._wake = asyncio.Event()
        self._stopping = asyncio.Event()
        self._lock_id = advisory_lock_id(f"relay:{schema}")

    async def publish_pending(self) -> int:
        """One pass: publish up to a batch of rows and mark them sent; returns how many."""
        async with self._pool.acquire() as conn, conn.transaction():
            if not await conn.fetchval("SELECT pg_try_advisory_xact_lock($1)", self._lock_id):
                return 0
            rows = await conn.fetch(_CLAIM, self._batch_size)
            if not rows:
                return 0
            deliveries = [
                await self._producer.send(
                    r["topic"],
                    r["payload"],
                    key=r["key"].encode(),
                    # A tombstone (no payload) is no CloudEvent, so it says it is none.
                    headers=_CONTENT_TYPE_HEADER if r["payload"] is not None else None,
                )
                for r in rows
            ]
            outcomes = await asyncio.gather(*deliveries, return_exceptions=True)
            _raise_first_failure(rows, outcomes)
            crash_point("relay_after_publish")
            await conn.execute(
                "UPDATE outbox SET published_at = now() WHERE id = ANY($1::bigint[])",
                [r["id"] for r in rows],
            )
        for r in rows:
            metrics.EVENTS_PUBLISHED.labels(self._schema, r["topic"], r["event_type"]).inc()
        return len(rows)

    async def backlog(self) -> int:
        async with self._pool.acquire() as conn:
            count: int = await conn.fetchval(
                "SELECT count(*) FROM outbox WHERE published_at IS NULL"
            )
            return count

    async def _show_backlog(self) -> None:
        """Refreshes the backlog gauge; with the database gone the last figure stays."""
        with contextlib.suppress(Exception):
            # Bounded, so an unreachable database cannot hold up the relay's own retries.
            async with asyncio.timeout(5.0):
                metrics.OUTBOX_BACKLOG.labels(self._schema).set(await self.backlog())

    async def run(self) -> None:
        """Publish until stopped; woken by NOTIFY, with polling as the fallback."""
        listener = asyncio.create_task(self._listen())
        backoff = Backoff(attempts=1_000_000, base_s=0.2, max_s=5.0)
        failures = 0
        try:
            while not self._stopping.is_set():
                self._wake.clear()
                try:
                    published = await self.publish_pending()
                    failures = 0
                except Exception as exc:
                    if not is_transient(exc):
                        log.error("outbox relay stopped", error=repr(exc))
                        raise
                    log.warning("outbox relay pass failed; retrying", error=repr(exc))
                    # Kafka may be what is down while rows pile up: the backlog shows it.
                    await self._show_backlog()
                    await backoff.sleep(failures)
                    failures += 1
                    continue
                if time.monotonic() - self._backlog_shown_at >= self._backlog_every_s:
                    # At most once a second: a count per pass cost as much as the pass.
                    await self._show_backlog()
                    self._backlog_shown_at = time.monotonic()
                if published < self._batch_size:
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(self._wake.wait(), self._poll_interval_s)
                    if self._wake.is_set() and self._linger_s:
                        # Woken by one commit: let the commits close behind it join this pass.
                        await asyncio.sleep(self._linger_s)
            # Drain on a clean stop: what was committed before SIGTERM goes out now.
            while await self.publish_pending() == self._batch_size:
                pass
        finally:
            listener.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await listener

    def stop(self) -> None:
        self._stopping.set()
        self._wake.set()

    async def _listen(self) -> None:
        channel = f"{self._schema}_outbox"

        def wake(*_: object) -> None:
            self._wake.set()

        while not self._stopping.is_set():
            try:
                async with self._pool.acquire() as conn:
                    await conn.add_listener(channel, wake)
                    # A dropped connection ends the wait so the listener is set up again.
                    while not self._stopping.is_set() and not conn.is_closed():
                        with contextlib.suppress(TimeoutError):
                            await asyncio.wait_for(self._stopping.wait(), 5.0)
                    if not conn.is_closed():
                        await conn.remove_listener(channel, wake)
            except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError) as exc:
                # Polling still runs meanwhile; listen again shortly.
                log.warning("outbox listener lost", error=repr(exc))
                await asyncio.sleep(1.0)


def _raise_first_failure(rows: list[asyncpg.Record], outcomes: list[object]) -> None:
    """Fails the pass if Kafka refused any event; one it refused for good is named, under its
    correlation id, since it is that event (too large, say) and not the broker at fault."""
    failures: list[tuple[asyncpg.Record, Exception]] = [
        (r, o) for r, o in zip(rows, outcomes, strict=True) if isinstance(o, Exception)
    ]
    for row, error in failures:
        if not is_transient(error):
            log.error(
                "event cannot be published",
                outbox_id=row["id"],
                topic=row["topic"],
                event_type=row["event_type"],
                correlation_id=_correlation_of(row["payload"]),
                error=repr(error),
            )
    if failures:
        raise failures[0][1]


def _correlation_of(payload: bytes | None) -> str | None:
    if payload is None:  # a tombstone
        return None
    try:
        correlation_id = json.loads(payload).get("correlationid")
    except ValueError:
        return None
    return correlation_id if isinstance(correlation_id, str) else None
