"""Dead-letters a notification that failed for good: its cause event, with why and where from.

Same topic and header names as the shared consumer's dead letters, so the same tools list
them; a notification is not a consumed record, hence this small publisher of its own.
"""

from dataclasses import dataclass
from uuid import UUID

from aiokafka import AIOKafkaProducer

from shared import metrics, topics
from shared.dlq import DlqHeader, entry_headers
from shared.logs import get_logger

log = get_logger(__name__)


@dataclass(frozen=True)
class FailedCause:
    """The event a failed notification was for, and where it was consumed from."""

    notification_id: UUID
    key: str
    value: bytes
    topic: str
    partition: int
    offset: int


class NotificationDeadLetters:
    def __init__(self, *, producer: AIOKafkaProducer, service: str, group_id: str) -> None:
        self._producer = producer
        self._service = service
        self._group_id = group_id

    async def send(self, cause: FailedCause, *, reason: str, error_class: str) -> None:
        """Returns once Kafka has the entry (acks=all), so the caller may then commit."""
        headers = [
            *entry_headers(
                topic=cause.topic,
                partition=cause.partition,
                offset=cause.offset,
                group_id=self._group_id,
                error_class=error_class,
                reason=reason,
            ),
            (DlqHeader.NOTIFICATION_ID, str(cause.notification_id).encode()),
        ]
        await self._producer.send_and_wait(
            topics.DLQ, cause.value, key=cause.key.encode(), headers=headers
        )
        metrics.DEAD_LETTERS.labels(self._service, cause.topic).inc()
        log.error(
            "notification dead-lettered",
            notification_id=str(cause.notification_id),
            topic=cause.topic,
            offset=cause.offset,
            reason=reason[:500],
        )
