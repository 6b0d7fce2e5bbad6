"""Turns consumed application and score events into facts about applications.

Event types grant does not read are ignored; a known type with invalid data raises
MalformedEvent, which the shared consumer dead-letters.
"""

from collections.abc import Sequence

from services.grant import handlers
from services.grant.domain.applications import ApplicationFacts
from shared.clock import Clock
from shared.consumer import Delivery, Handler, bound_to
from shared.db import Connection
from shared.events.codec import read_payload
from shared.events.contracts import (
    ApplicationReceived,
    ApplicationScored,
    ApplicationScreened,
    ApplicationWithdrawn,
    EventPayload,
)

READ = frozenset(
    model.event_type
    for model in (ApplicationReceived, ApplicationScreened, ApplicationWithdrawn, ApplicationScored)
)


def facts_of(payload: EventPayload) -> ApplicationFacts:
    match payload:
        case ApplicationReceived():
            return ApplicationFacts(
                payload.application_id,
                edition_id=payload.edition_id,
                country=payload.country,
                submitted_at=payload.submitted_at,
            )
        case ApplicationScreened():
            return ApplicationFacts(payload.application_id, eligible=payload.eligible)
        case ApplicationWithdrawn():
            return ApplicationFacts(payload.application_id, withdrawn=True)
        case ApplicationScored():
            return ApplicationFacts(
                payload.application_id,
                score_total=payload.total,
                rubric_version=payload.rubric_version,
            )
    raise AssertionError(f"grant does not read {payload.event_type}")


def batch_handler(clock: Clock) -> Handler:
    async def handle(conn: Connection, deliveries: Sequence[Delivery]) -> None:
        facts = []
        correlation_ids = {}
        for delivery in deliveries:
            if delivery.event.type not in READ:
                continue
            with bound_to(delivery):
                fact = facts_of(read_payload(delivery.event))
            facts.append(fact)
            correlation_ids[fact.application_id] = delivery.event.correlationid
        if facts:
            await handlers.record_applications(
                conn, facts=facts, correlation_ids=correlation_ids, clock=clock
            )

    return handle
