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

# Waitlist events built and queued at once, at most: memory stays flat however large the
# edition, and each insert is still one round trip.
WAITLIST_EVENTS_PER_INSERT = 5_000


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
            await _rank(conn, edition_id=edition.id)
            outgoing = [events.edition_closed(edition.id, now, correlation_id)]
            outgoing += await fill_and_settle(
                conn, edition=record, now=now, correlation_id=correlation_id
            )
            await add_to_outbox(conn, outgoing)
            await _tell_the_waitlist(conn, edition_id=edition.id, correlation_id=correlation_id)
        report = await _report(conn, edition_id=edition.id)
    crash_point("grant_close_after_commit")
    return report


async def _rank(conn: Connection, *, edition_id: str) -> None:
    """Every application of the edition, read once: its candidates are no longer needed
    once their ranking is stored, so they go before the events are built."""
    pool = selection_pool(await applications_repository.of_edition(conn, edition_id=edition_id))
    await candidates_repository.add_ranking(
        conn, edition_id=edition_id, ranked=rank(pool.scored), unranked=pool.unscored
    )


async def _tell_the_waitlist(conn: Connection, *, edition_id: str, correlation_id: str) -> None:
    """One application.waitlisted per place, queued a slice at a time: built all at once,
    the events of a 100,000-application edition took 300 MB."""
    places = await candidates_repository.waitlist_places(conn, edition_id=edition_id)
    for start in range(0, len(places), WAITLIST_EVENTS_PER_INSERT):
        slice_ = places[start : start + WAITLIST_EVENTS_PER_INSERT]
        await add_to_outbox(
            conn,
            [events.waitlisted(app, edition_id, place, correlation_id) for app, place in slice_],
        )


async def _report(conn: Connection, *, edition_id: str) -> ClosingReport:
    record = await editions_repository.get(conn, edition_id=edition_id)
    assert record is not None
    assert record.closed_at is not None
    ranked, unranked = await candidates_repository.ranked_and_unranked(conn, edition_id=edition_id)
    offered_at_close = await offers_repository.count_offered_at(
        conn, edition_id=edition_id, at=record.closed_at
    )
    return ClosingReport(
        edition_id=edition_id,
        closed_at=record.closed_at,
        ranked=ranked,
        unranked=unranked,
        offered_at_close=offered_at_close,
        waitlisted_at_close=ranked - offered_at_close,
    )
