"""Kafka records to observations. A record the dashboard cannot read is skipped and counted:
it is a read-only subscriber, and dead-lettering is the owning service's job."""

from datetime import UTC, datetime
from typing import Any

from prometheus_client import Counter

from services.dashboard.domain.observations import (
    DeadLetter,
    Observation,
    ObservedEvent,
    Redriven,
)
from shared import topics
from shared.dlq import DlqHeader
from shared.events.contracts import PAYLOAD_TYPES
from shared.events.envelope import CloudEvent, MalformedEvent
from shared.logs import get_logger

log = get_logger(__name__)

UNREADABLE = Counter(
    "accelerator_dashboard_unreadable_total", "Records the dashboard skipped", ["topic"]
)


def observe(record: Any) -> Observation | None:
    if record.topic == topics.DLQ:
        return _dead_letter(record)
    try:
        event = CloudEvent.from_bytes(record.value)
        model = PAYLOAD_TYPES.get(event.type)
        payload = model.model_validate(event.data) if model is not None else None
    except (MalformedEvent, ValueError) as exc:
        UNREADABLE.labels(record.topic).inc()
        log.warning(
            "record skipped", topic=record.topic, offset=record.offset, error=str(exc)[:300]
        )
        return None
    return ObservedEvent(
        event_id=event.id,
        topic=record.topic,
        type=event.type,
        subject=event.subject,
        time=event.time,
        edition_id=event.editionid,
        payload=payload,
    )


def _dead_letter(record: Any) -> DeadLetter | Redriven:
    # The last value of a header wins: a letter redriven and dead-lettered again carries both.
    headers = {key: value.decode(errors="replace") for key, value in record.headers or ()}
    if DlqHeader.REDRIVE_OF in headers:
        return Redriven(ref=headers[DlqHeader.REDRIVE_OF])
    origin = headers.get(DlqHeader.ORIGIN_TOPIC, "?")
    return DeadLetter(
        ref=f"{record.partition}:{record.offset}",
        origin_topic=origin,
        origin_partition=_int(headers.get(DlqHeader.ORIGIN_PARTITION)),
        origin_offset=_int(headers.get(DlqHeader.ORIGIN_OFFSET)),
        consumer_group=headers.get(DlqHeader.CONSUMER_GROUP, "?"),
        failed_at=_time(headers.get(DlqHeader.FAILED_AT), fallback_ms=record.timestamp),
        # The contacts topic carries personal data: its dead letters are never opened here.
        edition_id=None if origin == topics.CONTACTS else _edition_of(record.value),
    )


def _edition_of(raw: bytes | None) -> str | None:
    try:
        return CloudEvent.from_bytes(raw).editionid
    except MalformedEvent:
        return None


def _int(text: str | None) -> int:
    return int(text) if text and text.lstrip("-").isdigit() else -1


def _time(text: str | None, *, fallback_ms: int) -> datetime:
    try:
        if text:
            return datetime.fromisoformat(text)
    except ValueError:
        pass
    return datetime.fromtimestamp(fallback_ms / 1000, UTC)
