"""Review links: a reviewer's personal link to their queue on scoring's review pages. A token
that names the reviewer's seat on an edition's panel and a deadline, signed with
REVIEW_LINK_KEY, which only scoring and notification hold (format in shared/signed_links.py;
purpose b"accelerator.review-link:").

Notification signs the link for the invitation e-mail from `reviewer.invited`
(seat_id, link_expires_at), so the token itself is never published; scoring verifies it and
then looks the seat up, so a reviewer removed from the panel has a dead link.
`{SCORING_URL}/review/{token}?lang=fr` only exchanges the token for a session cookie and
redirects to the queue (services/scoring/README.md, "The reviewer's pages"); opening it
changes nothing, since mail scanners open every link of an e-mail.
"""

from datetime import datetime, timedelta
from typing import Final
from urllib.parse import urlencode
from uuid import UUID

from shared.signed_links import ForgedToken, LinkSigner, SignedClaim

# The default lifetime of a link, from its invitation; an edition sets its own
# (`[review] link_days`).
DEFAULT_LIFETIME: Final = timedelta(days=30)
_SIGNER: Final = LinkSigner(b"accelerator.review-link:")


def sign(seat_id: UUID, expires_at: datetime, *, key: str) -> str:
    return _SIGNER.sign(seat_id, expires_at, key=key)


def verify(token: str, *, key: str) -> SignedClaim:
    """Which seat, and until when; ForgedToken for anything else (expired is not forged)."""
    return _SIGNER.verify(token, key=key)


def review_link(scoring_url: str, token: str, language: str) -> str:
    return f"{scoring_url.rstrip('/')}/review/{token}?{urlencode({'lang': language})}"


__all__ = ["DEFAULT_LIFETIME", "ForgedToken", "SignedClaim", "review_link", "sign", "verify"]
