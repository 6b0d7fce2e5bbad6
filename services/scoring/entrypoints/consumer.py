"""Translates consumed application and training events into changes to applications, and
the contacts topic's pitches (and their tombstones) into the pitches kept for reviewers.

Event types this service does not read are ignored, on the contacts topic every type but
the pitch and every tombstone under another key than a pitch's; a known type with invalid
data raises MalformedEvent, which the shared consumer dead-letters. Nothing here logs a
pitch: only ids are ever logged (shared/logs.py also redacts a "pitch" field).
"""

from collections.abc import Sequence
from uuid import UUID

from pydantic import ValidationError

from services.scoring import handlers
from services.scoring.adapters.pitches_repository import PitchVersion
from services.scoring.domain.application import (
    Change,
    Enrolled,
    ModuleCompleted,
    Received,
    Screened,
    Withdrawn,
)
from services.scoring.domain.facts import ApplicationFacts, BusinessProfile
from shared.consumer import Delivery, Handler, Tombstone, TombstoneHandler, bound_to
from shared.db import Connection
from shared.events.codec import read_payload
from shared.events.contracts import (
    PITCH_KEY_PREFIX,
    ApplicationPitch,
    ApplicationReceived,
    ApplicationScreened,
    ApplicationWithdrawn,
    EventPayload,
    TrainingEnrolled,
    TrainingModuleCompleted,
)
from shared.events.envelope import CloudEvent, MalformedEvent

READ = frozenset(
    model.event_type
    for model in (
        ApplicationReceived,
        ApplicationScreened,
        ApplicationWithdrawn,
        TrainingEnrolled,
        TrainingModuleCompleted,
    )
)


def _facts(event: ApplicationReceived) -> ApplicationFacts:
    business = event.business
    return ApplicationFacts(
        edition_id=event.edition_id,
        country=event.country,
        athlete_status=event.athlete_status,
        submitted_at=event.submitted_at,
        career_end_year=event.career_end_year,
        business=BusinessProfile(
            sector=business.sector,
            stage=business.stage,
            sourcing_needs=tuple(business.sourcing_needs),
            target_markets=tuple(business.target_markets),
            pitch_word_count=business.pitch_word_count,
        )
        if business is not None
        else None,
    )


def _change(payload: EventPayload) -> tuple[UUID, Change]:
    """The application an event is about, and what it changes."""
    match payload:
        case ApplicationReceived():
            return payload.application_id, Received(_facts(payload))
        case ApplicationScreened():
            return payload.application_id, Screened(payload.eligible, tuple(payload.reasons))
        case ApplicationWithdrawn():
            return payload.application_id, Withdrawn()
        case TrainingEnrolled():
            return payload.application_id, Enrolled(payload.edition_id, tuple(payload.modules))
        case TrainingModuleCompleted():
            return payload.application_id, ModuleCompleted(payload.module)
    raise AssertionError(f"no change for {payload.event_type}")


def inbound(deliveries: Sequence[Delivery]) -> list[handlers.Inbound]:
    items = []
    for delivery in deliveries:
        event = delivery.event
        if event.type not in READ:
            continue
        with bound_to(delivery):
            application_id, change = _change(read_payload(event))
        items.append(handlers.Inbound(application_id, change, event.correlationid))
    return items


def batch_handler(scoring: handlers.Scoring) -> Handler:
    async def handle(conn: Connection, deliveries: Sequence[Delivery]) -> None:
        items = inbound(deliveries)
        if items:
            await handlers.apply_changes(conn, items, scoring=scoring)

    return handle


def _pitch_of(event: CloudEvent) -> ApplicationPitch:
    """The pitch event's payload. Its error names the bad fields but quotes no value: the
    reason goes to the logs and the dead letter's headers, and a value may be the pitch."""
    try:
        return ApplicationPitch.model_validate(event.data)
    except ValidationError as exc:
        fields = sorted({".".join(map(str, e["loc"])) for e in exc.errors()})
        raise MalformedEvent(f"invalid {event.type} data in {', '.join(fields)}") from None


def pitches(deliveries: Sequence[Delivery]) -> list[PitchVersion]:
    versions = []
    for delivery in deliveries:
        if delivery.event.type != ApplicationPitch.event_type:
            continue
        with bound_to(delivery):
            payload = _pitch_of(delivery.event)
        record = delivery.record
        versions.append(
            PitchVersion(payload.application_id, payload.pitch, record.partition, record.offset)
        )
    return versions


def _erased_application(key: str) -> UUID | None:
    """The application a tombstone's key names, if it is a pitch's key."""
    if not key.startswith(PITCH_KEY_PREFIX):
        return None
    try:
        return UUID(key.removeprefix(PITCH_KEY_PREFIX))
    except ValueError:
        return None


def erasures(tombstones: Sequence[Tombstone]) -> list[PitchVersion]:
    """Tombstones under pitch keys; an athlete's or a reviewer's is no business of scoring."""
    return [
        PitchVersion(application_id, None, t.record.partition, t.record.offset)
        for t in tombstones
        if (application_id := _erased_application(t.key)) is not None
    ]


def pitch_handler() -> Handler:
    async def handle(conn: Connection, deliveries: Sequence[Delivery]) -> None:
        await handlers.pitches.record(conn, pitches(deliveries))

    return handle


def pitch_tombstone_handler() -> TombstoneHandler:
    async def erase(conn: Connection, tombstones: Sequence[Tombstone]) -> None:
        await handlers.pitches.record(conn, erasures(tombstones))

    return erase
