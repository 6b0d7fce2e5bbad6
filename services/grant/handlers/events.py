"""The events grant publishes, built from its domain objects."""

from datetime import datetime
from uuid import UUID

from services.grant.domain.offers import EditionTerms, Offer, OfferState
from shared.events.codec import Outgoing, outgoing
from shared.events.contracts import (
    ApplicationNotSelected,
    ApplicationWaitlisted,
    EditionClosed,
    EventPayload,
    GrantAccepted,
    GrantDeclined,
    GrantExpired,
    GrantOffered,
)

_OUTCOMES: dict[OfferState, type[GrantAccepted | GrantDeclined | GrantExpired]] = {
    OfferState.ACCEPTED: GrantAccepted,
    OfferState.DECLINED: GrantDeclined,
    OfferState.EXPIRED: GrantExpired,
}


def _event(payload: EventPayload, *, subject: str, edition_id: str, cid: str) -> Outgoing:
    return outgoing(
        payload, service="grant", subject=subject, correlation_id=cid, edition_id=edition_id
    )


def edition_closed(edition_id: str, closed_at: datetime, cid: str) -> Outgoing:
    payload = EditionClosed(edition_id=edition_id, closed_at=closed_at)
    return _event(payload, subject=edition_id, edition_id=edition_id, cid=cid)


def offered(offer: Offer, terms: EditionTerms, cid: str) -> Outgoing:
    payload = GrantOffered(
        application_id=offer.application_id,
        edition_id=offer.edition_id,
        offer_id=offer.offer_id,
        amount_cents=offer.amount_cents,
        currency=offer.currency,
        components=list(terms.components),
        rank=offer.rank,
        expires_at=offer.expires_at,
    )
    return _event(payload, subject=str(offer.application_id), edition_id=offer.edition_id, cid=cid)


def answered(offer: Offer, cid: str) -> Outgoing:
    """grant.accepted, grant.declined or grant.expired, after the offer's state."""
    payload = _OUTCOMES[offer.state](
        application_id=offer.application_id, edition_id=offer.edition_id, offer_id=offer.offer_id
    )
    return _event(payload, subject=str(offer.application_id), edition_id=offer.edition_id, cid=cid)


def waitlisted(application_id: UUID, edition_id: str, rank: int, cid: str) -> Outgoing:
    payload = ApplicationWaitlisted(application_id=application_id, edition_id=edition_id, rank=rank)
    return _event(payload, subject=str(application_id), edition_id=edition_id, cid=cid)


def not_selected(application_id: UUID, edition_id: str, cid: str) -> Outgoing:
    payload = ApplicationNotSelected(application_id=application_id, edition_id=edition_id)
    return _event(payload, subject=str(application_id), edition_id=edition_id, cid=cid)
