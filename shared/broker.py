"""FastStream wiring: batch subscribers that commit explicit offsets after the database commit.

FastStream's own ack() commits the consumer's whole position and its nack() rewinds with no
delay; here the offsets committed are exactly those of the handled batch, and a batch that
hit an outage is rewound only after a backoff (docs/architecture.md#retries-and-dead-letters).
"""

import asyncio
import contextlib
import time
from collections.abc import Sequence
from typing import Any, cast

from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.errors import CommitFailedError, IllegalStateError
from faststream import AckPolicy
from faststream.kafka import KafkaBroker
from faststream.kafka.annotations import KafkaMessage

from shared import metrics
from shared.consumer import BatchConsumer, StillUnavailable
from shared.logs import get_logger

log = get_logger(__name__)


async def _keep_raw_bytes(message: Any) -> None:
    """Decoding happens in BatchConsumer, where a bad message can be dead-lettered."""
    return None


class ConsumerProgress:
    """One subscription's lag per partition and when it last committed a batch: what the lag
    gauge shows and what readiness needs to tell a working consumer from a stuck one
    (aiokafka #1154)."""

    def __init__(self, *, service: str) -> None:
        self.service = service
        self.lag_by_partition: dict[TopicPartition, int] = {}
        self.last_batch_at = time.monotonic()
        # FastStream's subscriber; its Kafka consumer exists only while the broker runs.
        self.subscriber: Any = None

    @property
    def lag(self) -> int:
        return sum(self.lag_by_partition.values())

    @property
    def kafka_consumer(self) -> AIOKafkaConsumer | None:
        consumer: AIOKafkaConsumer | None = getattr(self.subscriber, "consumer", None)
        return consumer

    def stalled(self, after_s: float) -> bool:
        return self.lag > 0 and time.monotonic() - self.last_batch_at > after_s

    def batch_committed(self, lags: dict[TopicPartition, int]) -> None:
        self.last_batch_at = time.monotonic()
        self._show({**self.lag_by_partition, **lags})

    def measured(self, lags: dict[TopicPartition, int]) -> None:
        """The lag of every partition assigned now; partitions no longer assigned drop out."""
        self._show(lags)

    def _show(self, lags: dict[TopicPartition, int]) -> None:
        for gone in self.lag_by_partition.keys() - lags.keys():
            # Another member owns it now and reports it; a frozen figure here would mislead.
            with contextlib.suppress(KeyError):
                metrics.CONSUMER_LAG.remove(self.service, gone.topic, str(gone.partition))
        for tp, lag in lags.items():
            metrics.CONSUMER_LAG.labels(self.service, tp.topic, str(tp.partition)).set(lag)
        self.lag_by_partition = lags


async def measure_lag(kafka_consumer: AIOKafkaConsumer) -> dict[TopicPartition, int]:
    """Per assigned partition: log end offset minus the group's committed offset, from Kafka."""
    assigned = sorted(kafka_consumer.assignment())
    if not assigned:
        return {}
    ends = await kafka_consumer.end_offsets(assigned)
    committed = await asyncio.gather(*(kafka_consumer.committed(tp) for tp in assigned))
    never_committed = [tp for tp, offset in zip(assigned, committed, strict=True) if offset is None]
    # A partition the group never committed on is read from its beginning (earliest).
    starts = await kafka_consumer.beginning_offsets(never_committed) if never_committed else {}
    return {
        tp: max(0, ends[tp] - (starts[tp] if offset is None else offset))
        for tp, offset in zip(assigned, committed, strict=True)
    }


class LagWatch:
    """Measures every subscription's lag every few seconds, whether batches arrive or not:
    a gauge set only by arriving batches would freeze when a consumer idles or gets stuck."""

    def __init__(self, progress: Sequence[ConsumerProgress], *, interval_s: float = 5.0) -> None:
        self._progress = progress
        self._interval_s = interval_s
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        if self._progress:
            self._task = asyncio.create_task(self._run(), name="consumer-lag")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def measure_once(self) -> None:
        for progress in self._progress:
            if (kafka_consumer := progress.kafka_consumer) is not None:
                progress.measured(await measure_lag(kafka_consumer))

    async def _run(self) -> None:
        failing = False
        while True:
            try:
                # Bounded: with Kafka gone, aiokafka would wait for its own 40 s request timeout.
                async with asyncio.timeout(self._interval_s):
                    await self.measure_once()
                if failing:
                    log.info("consumer lag measured again")
                failing = False
            except Exception as exc:
                # Keep the last figures; readiness reports Kafka itself. Say it once per outage.
                if not failing:
                    log.warning("consumer lag not measured; last figures kept", error=repr(exc))
                failing = True
            await asyncio.sleep(self._interval_s)


def subscribe_batches(
    broker: KafkaBroker,
    *topics: str,
    service: str,
    consumer: BatchConsumer,
    progress: ConsumerProgress,
    batch_size: int,
    description: str,
) -> None:
    subscriber = broker.subscriber(
        *topics,
        group_id=service,
        batch=True,
        max_records=batch_size,
        auto_offset_reset="earliest",
        ack_policy=AckPolicy.MANUAL,
        decoder=_keep_raw_bytes,
        title=f"{service}:consume",
        description=description,
    )
    progress.subscriber = subscriber

    @subscriber
    async def consume_batch(_: Any, message: KafkaMessage) -> None:
        records = message.raw_message
        batch = records if isinstance(records, tuple) else (records,)
        try:
            offsets = await consumer.process(batch)
        except StillUnavailable as exc:
            log.error("infrastructure unavailable; batch will be consumed again", error=str(exc))
            await asyncio.sleep(5.0)
            await message.nack()
            return
        try:
            await cast(AIOKafkaConsumer, message.consumer).commit(offsets)
        except (CommitFailedError, IllegalStateError) as exc:
            # Partitions moved to another member; it re-reads the batch and the inbox skips it.
            log.warning("offset commit refused after rebalance", error=repr(exc))
        _record_progress(message.consumer, offsets, progress)


def _record_progress(
    kafka_consumer: Any, offsets: dict[TopicPartition, int], progress: ConsumerProgress
) -> None:
    """At once after a commit, from the last fetch's high-water marks; LagWatch refines it."""
    lags = {}
    for tp, next_offset in offsets.items():
        highwater = kafka_consumer.highwater(tp)
        lags[tp] = max(0, (highwater or next_offset) - next_offset)
    progress.batch_committed(lags)
