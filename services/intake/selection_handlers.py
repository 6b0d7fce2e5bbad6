"""Intake's use cases on grant's decisions (accelerator.grants): remembered for the athlete's
status page. Kept apart from handlers.py: other events of the same topic may matter to intake
for other reasons, and one subscription per topic dispatches to each."""

from collections.abc import Sequence
from uuid import UUID

from services.intake.adapters import selection_repository
from services.intake.domain.selection import SELECTION_EVENTS, Selection, selection_of
from shared.consumer import Delivery, bound_to
from shared.db import Connection
from shared.events.codec import read_payload


async def grant_decisions(conn: Connection, deliveries: Sequence[Delivery]) -> None:
    for delivery in deliveries:
        if delivery.event.type not in SELECTION_EVENTS:
            continue
        with bound_to(delivery):
            selection = selection_of(read_payload(delivery.event), at=delivery.event.time)
            if selection is not None:
                await selection_repository.record(conn, selection)


async def read_selection(conn: Connection, *, application_id: UUID) -> Selection | None:
    return await selection_repository.find(conn, application_id=application_id)
