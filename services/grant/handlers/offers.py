"""Answers to offers, and their expiry; each freed seat passes down the waitlist."""

from dataclasses import dataclass
from datetime import datetime

from services.grant.adapters import editions_repository, offers_repository
from services.grant.domain.offers import Offer, OfferState, refusal
from services.grant.handlers import events
from services.grant.handlers.errors import (
    EditionNotClosed,
    OfferRefused,
    UnknownEdition,
    UnknownOffer,
)
from services.grant.handlers.waitlist import fill_and_settle
from shared.clock import Clock
from shared.db import Connection
from shared.events.contracts import GrantOffered
from shared.failpoints import crash_point
from shared.offer_links import OfferClaim
from shared.outbox import add_to_outbox


async def read_offer(conn: Connection, *, claim: OfferClaim) -> Offer:
    """The offer a genuine link names, as it stands now; UnknownOffer when none matches."""
    offer = await offers_repository.get(conn, offer_id=claim.offer_id)
    if offer is None or offer.expires_at != claim.expires_at:
        raise UnknownOffer(claim.offer_id)
    return offer


@dataclass(frozen=True)
class OfferTerms:
    """An offer as its athlete reads it: the offer, and what the package is made of."""

    offer: Offer
    components: tuple[str, ...]


async def read_offer_terms(conn: Connection, *, claim: OfferClaim) -> OfferTerms:
    """The offer with the package components fixed when its edition closed."""
    async with conn.transaction(isolation="repeatable_read", readonly=True):
        offer = await read_offer(conn, claim=claim)
        edition = await editions_repository.get(conn, edition_id=offer.edition_id)
    components = edition.terms.components if edition and edition.terms else ()
    return OfferTerms(offer, components)


async def answer_offer(
    conn: Connection, *, claim: OfferClaim, accept: bool, clock: Clock, correlation_id: str
) -> Offer:
    """Accept or decline an open offer before its deadline; anything else changes nothing."""
    async with conn.transaction():
        named = await read_offer(conn, claim=claim)
        edition = await editions_repository.lock(conn, edition_id=named.edition_id)
        assert edition is not None
        # Read again under the edition's lock: another replica may just have answered it.
        offer = await read_offer(conn, claim=claim)
        now = clock.now()
        reason = refusal(offer, now=now)
        if reason is not None:
            raise OfferRefused(reason, offer)
        state = OfferState.ACCEPTED if accept else OfferState.DECLINED
        [answered] = await offers_repository.decide(
            conn, offer_ids=[offer.offer_id], state=state, at=now
        )
        outgoing = [events.answered(answered, correlation_id)]
        outgoing += await fill_and_settle(
            conn, edition=edition, now=now, correlation_id=correlation_id
        )
        await add_to_outbox(conn, outgoing)
        crash_point("grant_answer_before_commit")
    crash_point("grant_answer_after_commit")
    return answered


@dataclass(frozen=True)
class ExpiryReport:
    edition_id: str
    as_of: datetime
    expired: list[Offer]
    offered: int


async def expire_overdue(
    conn: Connection,
    *,
    edition_id: str,
    as_of: datetime | None,
    clock: Clock,
    correlation_id: str,
) -> ExpiryReport:
    """Expire the edition's open offers whose deadline is not after as_of (default: now).

    An as_of in the future moves time for this edition: offers made in its place are
    dated as_of, so their own deadline runs from there.
    """
    now = clock.now()
    as_of = as_of or now
    async with conn.transaction():
        edition = await editions_repository.lock(conn, edition_id=edition_id)
        if edition is None:
            raise UnknownEdition(edition_id)
        if not edition.closed:
            raise EditionNotClosed(edition_id)
        expired = await offers_repository.expire_overdue(conn, edition_id=edition_id, as_of=as_of)
        outgoing = [events.answered(o, correlation_id) for o in expired]
        promoted = await fill_and_settle(
            conn, edition=edition, now=max(now, as_of), correlation_id=correlation_id
        )
        await add_to_outbox(conn, outgoing + promoted)
    offered = sum(1 for _, e in promoted if e.type == GrantOffered.event_type)
    return ExpiryReport(edition_id, as_of, expired, offered)


async def expire_all_overdue(conn: Connection, *, clock: Clock, correlation_id: str) -> int:
    """Expire every open offer past its deadline, edition by edition; returns how many."""
    due = await editions_repository.with_overdue_offers(conn, as_of=clock.now())
    expired = 0
    for edition_id in due:
        report = await expire_overdue(
            conn, edition_id=edition_id, as_of=None, clock=clock, correlation_id=correlation_id
        )
        expired += len(report.expired)
    return expired
