"""What intake takes from grant's topics: editions closed take no more applications, packages
accepted can no longer be withdrawn, and grant's decisions are remembered for the athlete's
status page. One subscription per topic dispatches each delivery to both."""

from collections.abc import Sequence

from services.intake.adapters import applications_repository as repository
from services.intake.adapters import selection_repository
from services.intake.adapters import withdrawals_repository as withdrawals
from services.intake.domain.selection import SELECTION_EVENTS, selection_of
from shared.consumer import Delivery, bound_to
from shared.db import Connection
from shared.events.codec import read_payload
from shared.events.contracts import EditionClosed, GrantAccepted


async def record_consumed(conn: Connection, deliveries: Sequence[Delivery]) -> None:
    """Editions grant closed take no more applications; packages accepted can no longer be
    withdrawn here. Every other event on those topics is grant's business."""
    for delivery in deliveries:
        if delivery.event.type not in _CONSUMED:
            continue
        with bound_to(delivery):
            payload = read_payload(delivery.event)
            if isinstance(payload, EditionClosed):
                await repository.record_edition_closed(
                    conn, edition_id=payload.edition_id, closed_at=payload.closed_at
                )
            elif isinstance(payload, GrantAccepted):
                await withdrawals.record_accepted(
                    conn,
                    application_id=payload.application_id,
                    offer_id=payload.offer_id,
                    accepted_at=delivery.event.time,
                )


_CONSUMED = frozenset({EditionClosed.event_type, GrantAccepted.event_type})


async def grant_decisions(conn: Connection, deliveries: Sequence[Delivery]) -> None:
    for delivery in deliveries:
        if delivery.event.type not in SELECTION_EVENTS:
            continue
        with bound_to(delivery):
            selection = selection_of(read_payload(delivery.event), at=delivery.event.time)
            if selection is not None:
                await selection_repository.record(conn, selection)
