"""Offer links: a token that names one offer and its deadline, signed with HMAC-SHA256.

    payload = version (1 byte, 1) || offer id (16 bytes) || deadline (8 bytes, big-endian
              signed Unix seconds)
    mac     = HMAC-SHA256(key = OFFER_SIGNING_KEY as UTF-8,
                          msg = b"accelerator.offer-link:" || payload)
    token   = base64url(payload || mac), without padding: 76 characters

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

import base64
import binascii
import hashlib
import hmac
import re
import struct
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Literal
from urllib.parse import urlencode
from uuid import UUID

OfferAction = Literal["accept", "decline"]
ACTIONS: tuple[OfferAction, ...] = ("accept", "decline")
VERSION = 1
_CONTEXT = b"accelerator.offer-link:"
_PAYLOAD = struct.Struct(">B16sq")
_MAC_BYTES = hashlib.sha256().digest_size
TOKEN_LENGTH = 76
_TOKEN = re.compile(rf"[A-Za-z0-9_-]{{{TOKEN_LENGTH}}}")


class ForgedToken(ValueError):
    """Not a token this key signed."""


@dataclass(frozen=True)
class OfferClaim:
    """What a genuine token says: which offer, and until when it may be answered."""

    offer_id: UUID
    expires_at: datetime


def _mac(payload: bytes, key: str) -> bytes:
    if not key:
        raise ValueError("an offer signing key is required")
    return hmac.new(key.encode(), _CONTEXT + payload, hashlib.sha256).digest()


def sign(offer_id: UUID, expires_at: datetime, *, key: str) -> str:
    if expires_at.tzinfo is None:
        raise ValueError("expires_at must be timezone-aware")
    payload = _PAYLOAD.pack(VERSION, offer_id.bytes, int(expires_at.timestamp() // 1))
    return base64.urlsafe_b64encode(payload + _mac(payload, key)).rstrip(b"=").decode()


def verify(token: str, *, key: str) -> OfferClaim:
    """The claim of a genuine token; ForgedToken for anything else."""
    if not _TOKEN.fullmatch(token):
        raise ForgedToken("malformed offer token")
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
    except (binascii.Error, ValueError) as exc:
        raise ForgedToken("malformed offer token") from exc
    payload, mac = raw[: _PAYLOAD.size], raw[_PAYLOAD.size :]
    if len(mac) != _MAC_BYTES or not hmac.compare_digest(mac, _mac(payload, key)):
        raise ForgedToken("offer token signature does not match")
    version, offer_id, deadline = _PAYLOAD.unpack(payload)
    if version != VERSION:
        raise ForgedToken(f"unknown offer token version {version}")
    return OfferClaim(UUID(bytes=offer_id), datetime.fromtimestamp(deadline, UTC))


def offer_links(grant_url: str, token: str, language: str) -> dict[OfferAction, str]:
    """The links an offer e-mail carries: the offer page, and the page confirming a decline.
    The language is not secret; it only says which language the page opens in."""
    page = f"{grant_url.rstrip('/')}/offers/{token}"
    query = f"?{urlencode({'lang': language})}"
    return {"accept": page + query, "decline": f"{page}/decline{query}"}
