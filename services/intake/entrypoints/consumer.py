"""What intake reads from other services, in one subscription (one consumer group, one
channel in the AsyncAPI document): each use case takes the event types it knows and skips
the rest, so a batch mixing topics is handled in one transaction."""

from collections.abc import Sequence

from services.intake import handlers
from shared.consumer import Delivery
from shared.db import Connection

TOPICS_DESCRIPTION = (
    "Editions closed by grant (intake takes no more applications for them), packages"
    " accepted (their applications can no longer be withdrawn online), and grant's decisions"
    " about applications (offered, answered, waitlisted, not selected) for the athletes'"
    " status pages."
)


async def consumed(conn: Connection, deliveries: Sequence[Delivery]) -> None:
    await handlers.record_consumed(conn, deliveries)
    await handlers.grant_decisions(conn, deliveries)
