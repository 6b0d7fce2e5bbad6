"""Withdrawals, erasures and the accepted packages intake learns of from grant."""

from datetime import datetime
from uuid import UUID

from shared import topics
from shared.db import Connection
from shared.events.contracts import pitch_key

# Everything that names or reaches the person; the ids and the facts decisions rest on stay.
_ERASE = """
UPDATE applications
SET full_name = NULL, email = NULL, email_key = NULL, business_name = NULL, pitch = NULL,
    erased_at = $2, withdrawn_at = coalesce(withdrawn_at, $3)
WHERE application_id = $1 AND erased_at IS NULL
"""


async def record_withdrawal(conn: Connection, *, application_id: UUID, at: datetime) -> None:
    await conn.execute(
        "UPDATE applications SET withdrawn_at = $2 WHERE application_id = $1"
        " AND withdrawn_at IS NULL",
        application_id,
        at,
    )


async def erase_personal_data(
    conn: Connection, *, application_id: UUID, at: datetime, withdrawn_at: datetime | None
) -> None:
    """Empty the personal columns, and withdraw at `withdrawn_at` unless withdrawn before."""
    await conn.execute(_ERASE, application_id, at, withdrawn_at)


async def forget_contact_events(conn: Connection, *, athlete_id: str, application_id: UUID) -> None:
    """Delete the outbox's copies of the applicant's contact events (name and e-mail) and of
    the application's pitch.

    Published rows are kept as a record otherwise; these would keep the data erasure
    removes. One the relay holds right now is deleted once it is published (the row lock
    waits for the relay's commit), so it still reaches the topic before the tombstone.
    """
    await conn.execute(
        "DELETE FROM outbox WHERE topic = $1 AND key = ANY($2::text[]) AND payload IS NOT NULL",
        topics.CONTACTS,
        [athlete_id, pitch_key(application_id)],
    )


async def record_accepted(
    conn: Connection, *, application_id: UUID, offer_id: UUID, accepted_at: datetime
) -> None:
    await conn.execute(
        "INSERT INTO accepted_packages (application_id, offer_id, accepted_at)"
        " VALUES ($1, $2, $3) ON CONFLICT (application_id) DO NOTHING",
        application_id,
        offer_id,
        accepted_at,
    )
