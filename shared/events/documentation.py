"""Declares, for the AsyncAPI document, the events a service publishes through its outbox.

The relay publishes raw bytes, so FastStream would not otherwise know these messages;
the declared publishers are used only to describe the topic, never to send.
"""

from typing import Any, Literal

from faststream.kafka import KafkaBroker
from pydantic import create_model

from shared.events.contracts import PAYLOAD_TYPES, EventPayload
from shared.events.envelope import CloudEvent


def envelope_schema(payload_type: type[EventPayload]) -> type[CloudEvent]:
    """The CloudEvent envelope with `type` fixed and `data` typed, as a pydantic model."""
    fields: dict[str, Any] = {
        "type": (Literal[payload_type.event_type], payload_type.event_type),
        "data": (payload_type, ...),
    }
    model: type[CloudEvent] = create_model(
        f"{payload_type.__name__}Event",
        __base__=CloudEvent,
        __doc__=payload_type.__doc__ or f"CloudEvent carrying {payload_type.event_type}",
        **fields,
    )
    return model


def declare_publications(broker: KafkaBroker, service: str) -> None:
    for payload_type in PAYLOAD_TYPES.values():
        if payload_type.producer != service:
            continue
        broker.publisher(
            payload_type.topic,
            title=f"{payload_type.topic}:{payload_type.event_type}",
            description=(
                f"{payload_type.event_type}, keyed by the CloudEvent subject; structured "
                "mode (content-type application/cloudevents+json)."
            ),
            schema=envelope_schema(payload_type),
        )
