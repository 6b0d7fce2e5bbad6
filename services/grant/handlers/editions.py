"""Closing an edition, once, with selection. (Opening is in `opening`.)"""

from dataclasses import dataclass
from datetime import datetime

from services.grant.adapters import (
    applications_repository,
    candidates_repository,
    editions_repository,
    offers_repository,
)
from services.grant.domain.selection import rank, selection_pool
from services.grant.handlers import events
from services.grant.handlers.errors import EditionNotOpened
from services.grant.handlers.waitlist import fill_and_settle
from shared.clock import Clock
from shared.db import Connection
from shared.editions import Edition
from shared.failpoints import crash_point
from shared.outbox import add_to_outbox


@dataclass(frozen=True)
class ClosingReport:
    """The outcome of closing, the same however often the close is repeated."""

    edition_id: str
    closed_at: datetime
    ranked: int
    unranked: int
    offered_at_close: int
    waitlisted_at_close: int


async def close_edition(
    conn: Connection, *, edition: Edition, clock: Clock, correlation_id: str
) -> ClosingReport:
    """Close the edition and select: offers to the best candidates the constraints admit,
    everyone else ranked on the waitlist. A closed edition is left as it is."""
    async with conn.transaction():
        record = await editions_repository.lock(conn, edition_id=edition.id)
        if record is None:
            raise EditionNotOpened(edition.id)
        if not record.closed:
            now = clock.now()
            record = await editions_repository.close(conn, edition=edition, closed_at=now)
            pool = selection_pool(
                await applications_repository.of_edition(conn, edition_id=edition.id)
            )
            await candidates_repository.add_ranking(
                conn, edition_id=edition.id, ranked=rank(pool.scored), unranked=pool.unscored
            )
            outgoing = [events.edition_closed(edition.id, now, correlation_id)]
            outgoing += await fill_and_settle(
                conn, edition=record, now=now, correlation_id=correlation_id
            )
            outgoing += [
                events.waitlisted(r.application_id, edition.id, r.rank, correlation_id)
                for r in await candidates_repository.waitlist(conn, edition_id=edition.id)
            ]
            await add_to_outbox(conn, outgoing)
        report = await _report(conn, edition_id=edition.id)
    crash_point("grant_close_after_commit")
    return report


async def _report(conn: Connection, *, edition_id: str) -> ClosingReport:
    record = await editions_repository.get(conn, edition_id=edition_id)
    assert record is not None
    assert record.closed_at is not None
    closed_at = record.closed_at
    standings = await candidates_repository.of_edition(conn, edition_id=edition_id)
    offers = await offers_repository.of_edition(conn, edition_id=edition_id)
    offered_at_close = sum(1 for o in offers if o.offered_at == closed_at)
    ranked = sum(1 for s in standings if s.rank is not None)
    return ClosingReport(
        edition_id=edition_id,
        closed_at=closed_at,
        ranked=ranked,
        unranked=len(standings) - ranked,
        offered_at_close=offered_at_close,
        waitlisted_at_close=ranked - offered_at_close,
    )
