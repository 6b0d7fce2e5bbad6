"""FastStream wiring: batch subscribers that commit explicit offsets after the database commit.

FastStream's own ack() commits the consumer's whole position and its nack() rewinds with no
delay; here the offsets committed are exactly those of the handled batch, and a batch that
hit an outage is rewound only after a backoff (DESIGN §8).
"""

import asyncio
import time
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
    """What readiness needs to tell a working consumer from a stuck one (aiokafka #1154)."""

    def __init__(self) -> None:
        self.lag = 0
        self.last_batch_at = time.monotonic()

    def stalled(self, after_s: float) -> bool:
        return self.lag > 0 and time.monotonic() - self.last_batch_at > after_s


def subscribe_batches(
    broker: KafkaBroker,
    *topics: str,
    service: str,
    consumer: BatchConsumer,
    progress: ConsumerProgress,
    batch_size: int,
    description: str,
) -> None:
    @broker.subscriber(
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
        _record_progress(service, message.consumer, offsets, progress)


def _record_progress(
    service: str,
    kafka_consumer: Any,
    offsets: dict[TopicPartition, int],
    progress: ConsumerProgress,
) -> None:
    total = 0
    for tp, next_offset in offsets.items():
        highwater = kafka_consumer.highwater(tp)
        lag = max(0, (highwater or next_offset) - next_offset)
        metrics.CONSUMER_LAG.labels(service, tp.topic, str(tp.partition)).set(lag)
        total += lag
    progress.lag = total
    progress.last_batch_at = time.monotonic()
