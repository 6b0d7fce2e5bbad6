"""Grant's decisions about intake's applications, in intake's schema."""

from uuid import UUID

from services.intake.domain.selection import Selection
from shared.db import Connection

_UPSERT = """
INSERT INTO selection_outcomes
    (application_id, outcome, decided_at, rank, offer_id, offer_expires_at)
VALUES ($1, $2, $3, $4, $5, $6)
ON CONFLICT (application_id) DO UPDATE SET
    outcome = EXCLUDED.outcome,
    decided_at = EXCLUDED.decided_at,
    -- An answer to an offer keeps the offer's rank and deadline.
    rank = CASE WHEN EXCLUDED.outcome IN ('accepted', 'declined', 'expired')
                THEN selection_outcomes.rank ELSE EXCLUDED.rank END,
    offer_id = COALESCE(EXCLUDED.offer_id, selection_outcomes.offer_id),
    offer_expires_at = COALESCE(EXCLUDED.offer_expires_at, selection_outcomes.offer_expires_at)
"""


async def record(conn: Connection, selection: Selection) -> None:
    await conn.execute(
        _UPSERT,
        selection.application_id,
        selection.outcome,
        selection.decided_at,
        selection.rank,
        selection.offer_id,
        selection.offer_expires_at,
    )


async def find(conn: Connection, *, application_id: UUID) -> Selection | None:
    row = await conn.fetchrow(
        "SELECT application_id, outcome, decided_at, rank, offer_id, offer_expires_at"
        " FROM selection_outcomes WHERE application_id = $1",
        application_id,
    )
    return Selection(**dict(row)) if row else None
