"""Dead-lettering: a message that cannot be handled goes to accelerator.dlq with its reason."""

from datetime import UTC, datetime
from typing import Any

from aiokafka import AIOKafkaProducer

from shared import metrics, topics
from shared.logs import get_logger

log = get_logger(__name__)


class DeadLetterQueue:
    def __init__(self, *, producer: AIOKafkaProducer, service: str, group_id: str) -> None:
        self._producer = producer
        self._service = service
        self._group_id = group_id

    async def send(self, record: Any, *, reason: str, error: BaseException | None = None) -> None:
        """Keep the original key and bytes; headers say where it came from and why it failed."""
        headers = [
            *(record.headers or ()),
            ("dlq.origin.topic", record.topic.encode()),
            ("dlq.origin.partition", str(record.partition).encode()),
            ("dlq.origin.offset", str(record.offset).encode()),
            ("dlq.consumer.group", self._group_id.encode()),
            ("dlq.error.class", type(error).__name__.encode() if error else b"MalformedEvent"),
            ("dlq.error.reason", reason[:2000].encode()),
            ("dlq.failed.at", datetime.now(UTC).isoformat().encode()),
        ]
        await self._producer.send_and_wait(
            topics.DLQ, record.value, key=record.key, headers=headers
        )
        metrics.DEAD_LETTERS.labels(self._service, record.topic).inc()
        log.error(
            "message dead-lettered",
            topic=record.topic,
            partition=record.partition,
            offset=record.offset,
            reason=reason[:500],
        )
