"""Signed accept / decline links for an offer e-mail.

The grant service verifies these tokens, so both sides must sign exactly alike:

    payload = version (1 byte, 1) || offer id (16 bytes) || deadline (8 bytes, big-endian
              signed Unix seconds)
    mac     = HMAC-SHA256(key = OFFER_SIGNING_KEY as UTF-8,
                          msg = b"accelerator.offer-link:" || payload)
    token   = base64url(payload || mac), without padding

One token serves both links: `{GRANT_URL}/v1/offers/{token}/accept` and `/decline`.
"""

import base64
import hashlib
import hmac
import struct
from datetime import datetime
from typing import Final, Literal
from uuid import UUID

OfferAction = Literal["accept", "decline"]
ACTIONS: Final[tuple[OfferAction, ...]] = ("accept", "decline")

_VERSION: Final = 1
_CONTEXT: Final = b"accelerator.offer-link:"
_PAYLOAD: Final = struct.Struct(">B16sq")


def offer_token(offer_id: UUID, expires_at: datetime, key: str) -> str:
    if not key:
        raise ValueError("an offer token needs a signing key")
    if expires_at.tzinfo is None:
        raise ValueError("expires_at must be timezone-aware")
    payload = _PAYLOAD.pack(_VERSION, offer_id.bytes, int(expires_at.timestamp() // 1))
    mac = hmac.new(key.encode(), _CONTEXT + payload, hashlib.sha256).digest()
    return base64.urlsafe_b64encode(payload + mac).rstrip(b"=").decode()


def offer_link(
    base_url: str, offer_id: UUID, expires_at: datetime, key: str, action: OfferAction
) -> str:
    """The link the athlete follows to accept or decline, on the grant service."""
    token = offer_token(offer_id, expires_at, key)
    return f"{base_url.rstrip('/')}/v1/offers/{token}/{action}"
