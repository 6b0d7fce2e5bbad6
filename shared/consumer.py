"""Effectively-once handling of a consumed batch: inbox, one transaction, then the offsets.

The caller commits the returned offsets only after `process` returns, so a crash anywhere
before that redelivers the batch, and the inbox turns the redelivery into a no-op.
"""

from collections.abc import Awaitable, Callable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import dataclass
from datetime import UTC, datetime
from itertools import groupby
from typing import Any, Protocol
from uuid import UUID

import asyncpg
from aiokafka import AIOKafkaProducer, TopicPartition

from shared import metrics
from shared.db import Connection
from shared.dlq import DeadLetterQueue
from shared.events.envelope import CloudEvent, MalformedEvent
from shared.failpoints import crash_point
from shared.logs import correlation, get_logger
from shared.retry import Backoff, is_transient

log = get_logger(__name__)


@dataclass(frozen=True)
class Delivery:
    """One consumed event, with where it came from."""

    event: CloudEvent
    record: Any


@dataclass(frozen=True)
class Tombstone:
    """A record with a key and no value: on a compacted topic, "erase this key"."""

    record: Any

    @property
    def key(self) -> str:
        return bytes(self.record.key or b"").decode()


Handler = Callable[[Connection, Sequence[Delivery]], Awaitable[None]]
# Tombstones carry no event id, so the inbox cannot skip a redelivered one: a handler must
# be idempotent, and must not let a replayed tombstone erase what a later update wrote
# (compare the record's partition offset with the one stored for the key).
TombstoneHandler = Callable[[Connection, Sequence[Tombstone]], Awaitable[None]]
Item = Delivery | Tombstone


class Connections(Protocol):
    @property
    def pool(self) -> asyncpg.Pool: ...
    @property
    def producer(self) -> AIOKafkaProducer: ...


class StillUnavailable(Exception):
    """Infrastructure stayed down through every retry; the batch must be consumed again later."""


class _PoisonBatch(Exception):
    pass


_INBOX_INSERT = """
INSERT INTO inbox (event_id, event_type, topic, kafka_partition, kafka_offset)
SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::int[], $5::bigint[])
ON CONFLICT (event_id) DO NOTHING
RETURNING event_id
"""


class BatchConsumer:
    def __init__(
        self,
        *,
        service: str,
        group_id: str,
        connections: Connections,
        handler: Handler,
        backoff: Backoff,
        tombstone_handler: TombstoneHandler | None = None,
    ) -> None:
        self._service = service
        self._group_id = group_id
        self._connections = connections
        self._handler = handler
        self._backoff = backoff
        self._tombstone_handler = tombstone_handler

    async def process(self, records: Sequence[Any]) -> dict[TopicPartition, int]:
        """Handle the batch; returns the offsets that are now safe to commit."""
        dead_letters = DeadLetterQueue(
            producer=self._connections.producer, service=self._service, group_id=self._group_id
        )
        deliveries: list[Item] = []
        for record in records:
            if record.value is None and self._tombstone_handler is not None:
                deliveries.append(Tombstone(record))
                continue
            try:
                deliveries.append(Delivery(CloudEvent.from_bytes(record.value), record))
            except MalformedEvent as exc:
                await dead_letters.send(record, reason=str(exc))
        if deliveries:
            with metrics.HANDLER_SECONDS.labels(self._service).time():
                try:
                    with _bound_to_batch(deliveries):
                        await self._apply_retrying(deliveries)
                except _PoisonBatch:
                    # Something in the batch cannot be handled: isolate it one by one, so
                    # only the culprit is dead-lettered and the rest go through.
                    for delivery in deliveries:
                        with _bound_to_batch([delivery]):
                            try:
                                await self._apply_retrying([delivery])
                            except _PoisonBatch as exc:
                                cause = exc.__cause__ or exc
                                await dead_letters.send(
                                    delivery.record,
                                    reason=repr(cause),
                                    error=cause,
                                    correlation_id=_correlation_of(delivery),
                                )
        return next_offsets(records)

    async def _apply_retrying(self, deliveries: Sequence[Item]) -> None:
        # A permanent failure of a lone message still gets a few quick tries: some errors
        # only look permanent (a unique violation racing another replica, say).
        permanent_tries = 1 if len(deliveries) > 1 else 3
        transient_failures = permanent_failures = 0
        while True:
            try:
                await self._apply(deliveries)
                return
            except Exception as exc:
                if is_transient(exc):
                    transient_failures += 1
                    if transient_failures >= self._backoff.attempts:
                        raise StillUnavailable(repr(exc)) from exc
                    log.warning("batch failed transiently; retrying", error=repr(exc))
                    await self._backoff.sleep(transient_failures)
                else:
                    permanent_failures += 1
                    if permanent_failures >= permanent_tries:
                        raise _PoisonBatch() from exc
                    await Backoff(base_s=0.05, max_s=0.5).sleep(permanent_failures)

    async def _apply(self, items: Sequence[Item]) -> None:
        unique: dict[UUID, Delivery] = {}
        for item in items:
            if isinstance(item, Delivery):
                unique.setdefault(item.event.id, item)
        batch = list(unique.values())
        async with self._connections.pool.acquire() as conn, conn.transaction():
            fresh_ids = {
                row["event_id"]
                for row in await conn.fetch(
                    _INBOX_INSERT,
                    [d.event.id for d in batch],
                    [d.event.type for d in batch],
                    [d.record.topic for d in batch],
                    [d.record.partition for d in batch],
                    [d.record.offset for d in batch],
                )
            }
            fresh = [d for d in batch if d.event.id in fresh_ids]
            await self._hand_over(conn, items, fresh_ids)
            crash_point("consumer_before_db_commit")
        crash_point("consumer_after_db_commit")
        metrics.EVENTS_DUPLICATE.labels(self._service).inc(len(batch) - len(fresh))
        handled_at = datetime.now(UTC)
        for d in fresh:
            metrics.EVENTS_CONSUMED.labels(self._service, d.event.type).inc()
            metrics.EVENT_DELAY.labels(self._service, d.event.type).observe(
                max(0.0, (handled_at - d.event.time).total_seconds())
            )
            # One line per event with its correlation id: how one application is followed
            # through every service with a single grep.
            with bound_to(d):
                log.info("event handled", subject=d.event.subject)

    async def _hand_over(self, conn: Connection, items: Sequence[Item], fresh: set[UUID]) -> None:
        """New events (each once) and tombstones go to their handlers in log order."""
        handed: set[UUID] = set()
        kept: list[Item] = []
        for item in items:
            if isinstance(item, Tombstone):
                kept.append(item)
            elif item.event.id in fresh and item.event.id not in handed:
                handed.add(item.event.id)
                kept.append(item)
        for is_tombstone, group in groupby(kept, key=lambda item: isinstance(item, Tombstone)):
            run = list(group)
            if is_tombstone and self._tombstone_handler is not None:
                await self._tombstone_handler(conn, [t for t in run if isinstance(t, Tombstone)])
            else:
                await self._handler(conn, [d for d in run if isinstance(d, Delivery)])


@contextmanager
def bound_to(delivery: Delivery) -> Iterator[None]:
    """Every log line written inside carries this event's correlation id, id and type.

    Handlers wrap their per-event work in it, so a line about one event can be found with
    the same grep as the rest of its application's story.
    """
    event = delivery.event
    with correlation(event.correlationid, event_id=str(event.id), event_type=event.type):
        yield


def _bound_to_batch(items: Sequence[Item]) -> AbstractContextManager[None]:
    """A batch that is all one story (often one event) binds its correlation id throughout;
    a mixed batch binds none, and its per-event lines name their own."""
    correlation_ids = {item.event.correlationid for item in items if isinstance(item, Delivery)}
    if len(correlation_ids) == 1:
        return correlation(correlation_ids.pop())
    return nullcontext()


def _correlation_of(item: Item) -> str | None:
    return item.event.correlationid if isinstance(item, Delivery) else None


def next_offsets(records: Sequence[Any]) -> dict[TopicPartition, int]:
    """Per partition, the offset after the last record: what Kafka's commit expects."""
    offsets: dict[TopicPartition, int] = {}
    for record in records:
        tp = TopicPartition(record.topic, record.partition)
        offsets[tp] = max(offsets.get(tp, 0), record.offset + 1)
    return offsets
