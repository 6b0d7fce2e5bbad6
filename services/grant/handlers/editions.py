"""Editions: announced once when configured, closed once by an admin, with selection."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from services.grant.adapters import (
    applications_repository,
    candidates_repository,
    editions_repository,
    offers_repository,
)
from services.grant.domain.selection import rank
from services.grant.handlers import events
from services.grant.handlers.errors import UnknownEdition
from services.grant.handlers.waitlist import fill_and_settle
from shared.clock import Clock
from shared.db import Connection
from shared.editions import Edition
from shared.events.codec import make_event
from shared.events.contracts import EditionOpened
from shared.failpoints import crash_point
from shared.outbox import add_to_outbox


async def announce_open_editions(
    conn: Connection, *, editions: Iterable[Edition], clock: Clock, correlation_id: str
) -> list[str]:
    """Publish edition.opened once for every configured edition seen for the first time."""
    configured = {e.id: e for e in editions}
    async with conn.transaction():
        new_ids = await editions_repository.add_new_editions(
            conn, editions=list(configured.values()), now=clock.now()
        )
        await add_to_outbox(
            conn,
            [
                (
                    EditionOpened.topic,
                    make_event(
                        EditionOpened(
                            edition_id=e.id,
                            name=e.name,
                            opens_at=e.opens_at,
                            closes_at=e.closes_at,
                            grant_capacity=e.grant_capacity,
                            package_value_cents=e.package_value_cents,
                            currency=e.currency,
                        ),
                        service="grant",
                        subject=e.id,
                        correlation_id=correlation_id,
                        edition_id=e.id,
                    ),
                )
                for e in (configured[i] for i in new_ids)
            ],
        )
    return new_ids


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
            raise UnknownEdition(edition.id)
        if not record.closed:
            now = clock.now()
            record = await editions_repository.close(conn, edition=edition, closed_at=now)
            pool = await applications_repository.selection_pool(conn, edition_id=edition.id)
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
