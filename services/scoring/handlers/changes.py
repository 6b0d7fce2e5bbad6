"""Consumed events, as changes to applications, applied in order and scored once per batch."""

from collections.abc import Sequence
from dataclasses import dataclass
from uuid import UUID

from services.scoring.adapters import applications_repository as repository
from services.scoring.domain.application import Change
from services.scoring.handlers.scoring import Scoring, score_and_save
from shared.db import Connection


@dataclass(frozen=True)
class Inbound:
    """One consumed event, as the change it makes to one application."""

    application_id: UUID
    change: Change
    correlation_id: str


async def apply_changes(conn: Connection, inbound: Sequence[Inbound], *, scoring: Scoring) -> int:
    """Apply a batch in order, then score each touched application once; returns events."""
    states = await repository.create_and_lock_many(
        conn, application_ids=[i.application_id for i in inbound]
    )
    correlation_ids: dict[UUID, str] = {}
    for item in inbound:
        states[item.application_id] = states[item.application_id].apply(item.change)
        correlation_ids[item.application_id] = item.correlation_id
    touched = [states[application_id] for application_id in correlation_ids]
    return await score_and_save(conn, touched, correlation_ids, scoring=scoring)
