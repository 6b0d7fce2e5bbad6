"""Builds envelopes around payloads and reads typed payloads back out of them."""

from pydantic import ValidationError

from shared.events.contracts import PAYLOAD_TYPES, EventPayload
from shared.events.envelope import CloudEvent, MalformedEvent, service_source


def make_event(
    payload: EventPayload,
    *,
    service: str,
    subject: str,
    correlation_id: str,
    edition_id: str | None = None,
) -> CloudEvent:
    return CloudEvent(
        source=service_source(service),
        type=payload.event_type,
        subject=subject,
        data=payload.model_dump(mode="json"),
        correlationid=correlation_id,
        editionid=edition_id,
    )


# An event with the topic its payload travels on: what a service hands to its outbox.
Outgoing = tuple[str, CloudEvent]


def outgoing(
    payload: EventPayload,
    *,
    service: str,
    subject: str,
    correlation_id: str,
    edition_id: str | None = None,
) -> Outgoing:
    event = make_event(
        payload,
        service=service,
        subject=subject,
        correlation_id=correlation_id,
        edition_id=edition_id,
    )
    return payload.topic, event


def read_payload(event: CloudEvent) -> EventPayload:
    """The typed payload of a known event type; anything else is malformed for good."""
    model = PAYLOAD_TYPES.get(event.type)
    if model is None:
        raise MalformedEvent(f"unknown event type {event.type!r}")
    try:
        return model.model_validate(event.data)
    except ValidationError as exc:
        raise MalformedEvent(f"invalid {event.type} data: {exc.errors(include_url=False)}") from exc
