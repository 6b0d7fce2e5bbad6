"""Status links: the private link to an application's status page, in the "received" e-mail
and on the page shown after applying. A token that names the application and a deadline,
signed with STATUS_LINK_KEY, which only intake and notification hold (format in
shared/signed_links.py; purpose b"accelerator.status-link:").

Both sides derive the same link from what they already know: the application id and the
moment it was submitted (in `application.received`), so the token is never published.
`{INTAKE_URL}/status/{token}?lang=de` only exchanges the token for a cookie and redirects to
the page (services/intake/README.md says why); it changes nothing in the application.
"""

from datetime import datetime, timedelta
from typing import Final
from urllib.parse import urlencode
from uuid import UUID

from shared.signed_links import ForgedToken, LinkSigner, SignedClaim

# Long enough to follow an edition from the application to the last waitlist promotion.
LINK_LIFETIME: Final = timedelta(days=400)
_SIGNER: Final = LinkSigner(b"accelerator.status-link:")


def sign(application_id: UUID, submitted_at: datetime, *, key: str) -> str:
    return _SIGNER.sign(application_id, submitted_at + LINK_LIFETIME, key=key)


def verify(token: str, *, key: str) -> SignedClaim:
    """Which application, and until when; ForgedToken for anything else."""
    return _SIGNER.verify(token, key=key)


def status_link(intake_url: str, token: str, language: str) -> str:
    return f"{intake_url.rstrip('/')}/status/{token}?{urlencode({'lang': language})}"


__all__ = ["LINK_LIFETIME", "ForgedToken", "SignedClaim", "sign", "status_link", "verify"]
