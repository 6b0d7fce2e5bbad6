"""Reads every public topic but contacts from the beginning into the projection.

No consumer group and no commits: each start reads the whole log again, so the picture never
depends on where an earlier run stopped, and replicas never share partitions.
"""

import asyncio
import contextlib
from typing import Final

from aiokafka import AIOKafkaConsumer, TopicPartition

from services.dashboard.adapters.decoding import observe
from services.dashboard.domain.observations import ObservedEvent
from services.dashboard.domain.projection import Projection
from shared import metrics, topics
from shared.logs import get_logger

log = get_logger(__name__)

# Never accelerator.contacts: it is the one topic with personal data.
READ_TOPICS: Final = (*topics.EVENT_TOPICS, topics.DLQ)


class TopicReader:
    def __init__(
        self, *, service: str, bootstrap_servers: str, projection: Projection, batch_size: int
    ) -> None:
        self._service = service
        self._bootstrap_servers = bootstrap_servers
        self._projection = projection
        self._batch_size = batch_size
        self._consumer: AIOKafkaConsumer | None = None
        self._task: asyncio.Task[None] | None = None
        self._history_end: dict[TopicPartition, int] | None = None
        self.caught_up = False
        """True once everything on the topics at start-up has been read."""

    @property
    def failed(self) -> bool:
        return self._task is not None and self._task.done()

    async def start(self) -> None:
        # Created here, not in __init__: aiokafka binds a client to the running event loop.
        self._consumer = AIOKafkaConsumer(
            *READ_TOPICS,
            bootstrap_servers=self._bootstrap_servers,
            client_id=self._service,
            group_id=None,
            enable_auto_commit=False,
            auto_offset_reset="earliest",
        )
        await self._consumer.start()
        self._task = asyncio.create_task(self._run(self._consumer), name=f"{self._service}-reader")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        if self._consumer is not None:
            await self._consumer.stop()

    async def _run(self, consumer: AIOKafkaConsumer) -> None:
        try:
            while True:
                batches = await consumer.getmany(timeout_ms=500, max_records=self._batch_size)
                observations = [
                    seen
                    for records in batches.values()
                    for record in records
                    if (seen := observe(record)) is not None
                ]
                self._projection.apply(observations)
                for seen in observations:
                    if isinstance(seen, ObservedEvent):
                        metrics.EVENTS_CONSUMED.labels(self._service, seen.type).inc()
                if not self.caught_up:
                    self.caught_up = await self._read_history(consumer)
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("reading the topics failed; the dashboard is no longer ready")
            raise

    async def _read_history(self, consumer: AIOKafkaConsumer) -> bool:
        assigned = consumer.assignment()
        if {tp.topic for tp in assigned} != set(READ_TOPICS):
            return False  # partitions still being assigned
        if self._history_end is None:
            self._history_end = await consumer.end_offsets(list(assigned))
            log.info("reading history", messages=sum(self._history_end.values()))
        for tp, end in self._history_end.items():
            if await consumer.position(tp) < end:
                return False
        log.info("history read", events=self._projection.events_seen)
        return True
