"""Offer links: a token that names one offer and its deadline, signed with OFFER_SIGNING_KEY
(the format is in shared/signed_links.py; purpose b"accelerator.offer-link:").

The offer e-mail links to pages, never to an action: `{GRANT_URL}/offers/{token}?lang=fr`
(the offer, with Accept and Decline buttons) and `{GRANT_URL}/offers/{token}/decline?lang=fr`
(asks to confirm). Opening either changes nothing, because mail scanners and link previews
open every link of an e-mail before the athlete does; only the POST of a page's form answers.
Programs answer through `POST {GRANT_URL}/v1/offers/{token}/accept|decline`. Grant verifies
tokens; notification signs the same ones for the offer e-mail from the
`grant.offered` event (offer_id, expires_at) and the shared key. The token itself is never
published. Grant checks the signature in constant time and then the
offer's state, which makes a link single-use and dead after the deadline.
"""

from dataclasses import dataclass
from datetime import datetime
from typing import Final, Literal
from urllib.parse import urlencode
from uuid import UUID

from shared.signed_links import TOKEN_LENGTH, VERSION, ForgedToken, LinkSigner

OfferAction = Literal["accept", "decline"]
ACTIONS: tuple[OfferAction, ...] = ("accept", "decline")
_SIGNER: Final = LinkSigner(b"accelerator.offer-link:")


@dataclass(frozen=True)
class OfferClaim:
    """What a genuine token says: which offer, and until when it may be answered."""

    offer_id: UUID
    expires_at: datetime


def sign(offer_id: UUID, expires_at: datetime, *, key: str) -> str:
    return _SIGNER.sign(offer_id, expires_at, key=key)


def verify(token: str, *, key: str) -> OfferClaim:
    """The claim of a genuine token; ForgedToken for anything else."""
    claim = _SIGNER.verify(token, key=key)
    return OfferClaim(claim.record_id, claim.expires_at)


def offer_links(grant_url: str, token: str, language: str) -> dict[OfferAction, str]:
    """The links an offer e-mail carries: the offer page, and the page confirming a decline.
    The language is not secret; it only says which language the page opens in."""
    page = f"{grant_url.rstrip('/')}/offers/{token}"
    query = f"?{urlencode({'lang': language})}"
    return {"accept": page + query, "decline": f"{page}/decline{query}"}


__all__ = ["TOKEN_LENGTH", "VERSION", "ForgedToken", "OfferClaim", "offer_links", "sign", "verify"]
