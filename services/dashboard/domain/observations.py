"""What the dashboard reads off the topics, already decoded: the projection's only input."""

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from shared.events.contracts import EventPayload


@dataclass(frozen=True)
class ObservedEvent:
    """One CloudEvent from a public topic; payload is None for a type this projection ignores."""

    event_id: UUID
    topic: str
    type: str
    subject: str
    time: datetime
    edition_id: str | None
    payload: EventPayload | None


@dataclass(frozen=True)
class DeadLetter:
    """One message on the DLQ, known only by where it came from: its bytes may be personal."""

    ref: str
    """Its place on the DLQ, `<partition>:<offset>`: what a redrive marker names."""
    origin_topic: str
    origin_partition: int
    origin_offset: int
    consumer_group: str
    failed_at: datetime
    edition_id: str | None


@dataclass(frozen=True)
class Redriven:
    """An operator put the dead letter at `ref` back on its way: it no longer waits."""

    ref: str


Observation = ObservedEvent | DeadLetter | Redriven
