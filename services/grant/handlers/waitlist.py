"""Filling free seats down the waitlist, and telling the rest once nothing can change.

Callers hold the edition's row lock, so one writer at a time sees and changes its offers.
"""

from datetime import datetime

from services.grant.adapters import candidates_repository, editions_repository, offers_repository
from services.grant.adapters.editions_repository import EditionRecord
from services.grant.domain.waitlist import fill, not_selected
from services.grant.handlers import events
from shared.db import Connection
from shared.events.codec import Outgoing


async def fill_and_settle(
    conn: Connection, *, edition: EditionRecord, now: datetime, correlation_id: str
) -> list[Outgoing]:
    """Offer the free seats down the waitlist; once no offer is open, everyone never
    offered is not selected. Returns the events, in order."""
    edition_id = edition.edition_id
    if edition.terms is None:
        raise ValueError(f"edition {edition_id} is not closed")
    result = fill(
        await candidates_repository.waitlist(conn, edition_id=edition_id),
        await offers_repository.of_edition(conn, edition_id=edition_id),
        edition_id=edition_id,
        terms=edition.terms,
        now=now,
    )
    await offers_repository.add(conn, offers=result.offers, terms=edition.terms)
    await candidates_repository.move(
        conn,
        edition_id=edition_id,
        application_ids=[o.application_id for o in result.offers],
        to="offered",
    )
    outgoing = [events.offered(o, edition.terms, correlation_id) for o in result.offers]
    if result.settled:
        standings = await candidates_repository.of_edition(conn, edition_id=edition_id)
        settled = not_selected({c.application_id: c.state for c in standings})
        await candidates_repository.move(
            conn, edition_id=edition_id, application_ids=settled, to="not_selected"
        )
        await editions_repository.mark_settled(conn, edition_id=edition_id, at=now)
        outgoing += [events.not_selected(a, edition_id, correlation_id) for a in settled]
    return outgoing
