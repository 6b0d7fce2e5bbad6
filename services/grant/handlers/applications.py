"""What grant records of consumed application and score events, and withdrawals' effects."""

from collections.abc import Mapping, Sequence
from uuid import UUID

from services.grant.adapters import (
    applications_repository,
    candidates_repository,
    editions_repository,
    offers_repository,
)
from services.grant.domain.applications import ApplicationFacts, fold
from services.grant.domain.offers import OfferState
from services.grant.handlers import events
from services.grant.handlers.waitlist import fill_and_settle
from shared.clock import Clock
from shared.db import Connection
from shared.events.codec import Outgoing
from shared.logs import get_logger
from shared.outbox import add_to_outbox

log = get_logger(__name__)


async def record_applications(
    conn: Connection,
    *,
    facts: Sequence[ApplicationFacts],
    correlation_ids: Mapping[UUID, str],
    clock: Clock,
) -> None:
    """Store a consumed batch in the caller's transaction, then apply its withdrawals."""
    folded = fold(facts)
    await applications_repository.record(conn, facts=folded)
    withdrawn = [f.application_id for f in folded if f.withdrawn]
    if withdrawn:
        await _withdraw(conn, withdrawn, correlation_ids, clock)


async def _withdraw(
    conn: Connection,
    application_ids: Sequence[UUID],
    correlation_ids: Mapping[UUID, str],
    clock: Clock,
) -> None:
    """A withdrawn candidate leaves the waitlist; an open offer of theirs is declined and
    passes on. An accepted package stays accepted: releasing it is a human decision."""
    by_edition = await applications_repository.editions_of(conn, application_ids=application_ids)
    for edition_id in sorted(set(by_edition.values())):
        # Lock first, then read the candidates: a close running now is either seen whole
        # or not at all.
        edition = await editions_repository.lock(conn, edition_id=edition_id)
        if edition is None or not edition.closed:
            continue
        mine = {a for a, e in by_edition.items() if e == edition_id}
        standings = await candidates_repository.of_applications(conn, application_ids=list(mine))
        await candidates_repository.move(
            conn,
            edition_id=edition_id,
            application_ids=[s.application_id for s in standings if s.state in _WAITING],
            to="withdrawn",
        )
        offers = await offers_repository.of_edition(conn, edition_id=edition_id)
        mine_open = [o.offer_id for o in offers if o.application_id in mine and o.open]
        now = clock.now()
        declined = await offers_repository.decide(
            conn, offer_ids=mine_open, state=OfferState.DECLINED, at=now
        )
        if not declined:
            continue
        log.info("offers of withdrawn applications declined", edition_id=edition_id)
        outgoing: list[Outgoing] = [
            events.answered(o, correlation_ids[o.application_id]) for o in declined
        ]
        cid = correlation_ids[declined[0].application_id]
        outgoing += await fill_and_settle(conn, edition=edition, now=now, correlation_id=cid)
        await add_to_outbox(conn, outgoing)


_WAITING = frozenset({"waitlisted", "unranked"})
