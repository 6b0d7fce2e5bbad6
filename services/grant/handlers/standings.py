"""Where an edition stands: offers by state, the waitlist in order, and the budget."""

from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated
from uuid import UUID

from pydantic import Field

from services.grant.adapters import (
    applications_repository,
    candidates_repository,
    editions_repository,
    offers_repository,
)
from services.grant.domain.offers import Offer, OfferState
from services.grant.handlers.errors import UnknownEdition
from shared.clock import Clock
from shared.db import Connection

# These dataclasses are also the HTTP API's response bodies (FastAPI takes dataclasses), so
# the descriptions of their fields are the API documentation's.


@dataclass(frozen=True)
class OfferLine:
    offer_id: UUID
    application_id: UUID
    rank: int
    country: str
    state: str
    amount_cents: int
    offered_at: datetime
    expires_at: datetime
    decided_at: datetime | None
    seconds_left: Annotated[int | None, Field(description="Until the deadline; open offers only.")]


@dataclass(frozen=True)
class WaitlistLine:
    application_id: UUID
    rank: int
    country: str
    score_total: float | None


@dataclass(frozen=True)
class Standings:
    edition_id: str
    state: str
    closed_at: datetime | None
    settled: Annotated[
        bool, Field(description="Everyone never offered has been told: no more changes.")
    ]
    currency: str | None
    capacity: int | None
    budget_cents: int
    committed_cents: Annotated[int, Field(description="Value of open and accepted offers.")]
    accepted_cents: int
    applications: Annotated[
        dict[str, int],
        Field(
            description="What grant has consumed for the edition: received, eligible, scored, "
            "withdrawn. Wait for these to settle before closing."
        ),
    ]
    candidates: dict[str, int]
    offers_by_state: dict[str, int]
    offers: Annotated[list[OfferLine], Field(description="In rank order.")]
    waitlist: Annotated[list[WaitlistLine], Field(description="Best first.")]


def _line(o: Offer, now: datetime) -> OfferLine:
    left = max(0, int((o.expires_at - now).total_seconds())) if o.open else None
    return OfferLine(
        offer_id=o.offer_id,
        application_id=o.application_id,
        rank=o.rank,
        country=o.country,
        state=o.state.value,
        amount_cents=o.amount_cents,
        offered_at=o.offered_at,
        expires_at=o.expires_at,
        decided_at=o.decided_at,
        seconds_left=left,
    )


async def standings(conn: Connection, *, edition_id: str, clock: Clock) -> Standings:
    async with conn.transaction(isolation="repeatable_read", readonly=True):
        edition = await editions_repository.get(conn, edition_id=edition_id)
        if edition is None:
            raise UnknownEdition(edition_id)
        offers = await offers_repository.of_edition(conn, edition_id=edition_id)
        candidates = await candidates_repository.of_edition(conn, edition_id=edition_id)
        applications = await applications_repository.counts(conn, edition_id=edition_id)
    now = clock.now()
    terms = edition.terms
    return Standings(
        edition_id=edition_id,
        state=edition.state,
        closed_at=edition.closed_at,
        settled=edition.settled_at is not None,
        currency=terms.currency if terms else None,
        capacity=terms.capacity if terms else None,
        budget_cents=edition.budget_cents,
        committed_cents=sum(o.amount_cents for o in offers if o.live),
        accepted_cents=sum(o.amount_cents for o in offers if o.state is OfferState.ACCEPTED),
        applications=applications,
        candidates=dict(Counter(c.state for c in candidates)),
        offers_by_state=dict(Counter(o.state.value for o in offers)),
        offers=[_line(o, now) for o in offers],
        waitlist=[
            WaitlistLine(c.application_id, c.rank, c.country, c.score_total)
            for c in candidates
            if c.state == "waitlisted" and c.rank is not None
        ],
    )
