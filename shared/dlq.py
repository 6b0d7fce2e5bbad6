"""Dead-lettering: a message that cannot be handled goes to accelerator.dlq with its reason."""

from datetime import UTC, datetime
from typing import Any

from aiokafka import AIOKafkaProducer

from shared import metrics, topics
from shared.logs import get_logger

log = get_logger(__name__)


class DlqHeader:
    """The header names on accelerator.dlq: every tool that reads the topic relies on them.

    An entry carries the ORIGIN_* names, the consumer group and the error. An operator's
    redrive appends a *marker* to the same topic (no value, REDRIVE_OF = the entry's
    `<partition>:<offset>` there), so whoever counts dead letters tells the two apart.
    """

    ORIGIN_TOPIC = "dlq.origin.topic"
    ORIGIN_PARTITION = "dlq.origin.partition"
    ORIGIN_OFFSET = "dlq.origin.offset"
    CONSUMER_GROUP = "dlq.consumer.group"
    ERROR_CLASS = "dlq.error.class"
    ERROR_REASON = "dlq.error.reason"
    FAILED_AT = "dlq.failed.at"
    NOTIFICATION_ID = "dlq.notification.id"
    REDRIVE_OF = "dlq.redrive.of"
    REDRIVE_AT = "dlq.redrive.at"
    REDRIVE_OUTCOME = "dlq.redrive.outcome"


def entry_headers(
    *, topic: str, partition: int, offset: int, group_id: str, error_class: str, reason: str
) -> list[tuple[str, bytes]]:
    """Where a dead letter came from and why it failed."""
    return [
        (DlqHeader.ORIGIN_TOPIC, topic.encode()),
        (DlqHeader.ORIGIN_PARTITION, str(partition).encode()),
        (DlqHeader.ORIGIN_OFFSET, str(offset).encode()),
        (DlqHeader.CONSUMER_GROUP, group_id.encode()),
        (DlqHeader.ERROR_CLASS, error_class.encode()),
        (DlqHeader.ERROR_REASON, reason[:2000].encode()),
        (DlqHeader.FAILED_AT, datetime.now(UTC).isoformat().encode()),
    ]


class DeadLetterQueue:
    def __init__(self, *, producer: AIOKafkaProducer, service: str, group_id: str) -> None:
        self._producer = producer
        self._service = service
        self._group_id = group_id

    async def send(
        self,
        record: Any,
        *,
        reason: str,
        error: BaseException | None = None,
        correlation_id: str | None = None,
    ) -> None:
        """Keep the original key and bytes; headers say where it came from and why it failed."""
        headers = [
            *(record.headers or ()),
            *entry_headers(
                topic=record.topic,
                partition=record.partition,
                offset=record.offset,
                group_id=self._group_id,
                error_class=type(error).__name__ if error else "MalformedEvent",
                reason=reason,
            ),
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
            correlation_id=correlation_id,
        )
