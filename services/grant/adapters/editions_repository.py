"""Grant's record of editions."""

from collections.abc import Sequence
from datetime import datetime

from shared.db import Connection
from shared.editions import Edition


async def add_new_editions(
    conn: Connection, *, editions: Sequence[Edition], now: datetime
) -> list[str]:
    """Insert the editions not seen before; returns the ids that were new."""
    rows = await conn.fetch(
        """
        INSERT INTO editions (edition_id, name, opens_at, closes_at, grant_capacity,
                              package_value_cents, currency, opened_at)
        SELECT * FROM unnest($1::text[], $2::text[], $3::timestamptz[], $4::timestamptz[],
                             $5::int[], $6::bigint[], $7::text[], $8::timestamptz[])
        ON CONFLICT (edition_id) DO NOTHING
        RETURNING edition_id
        """,
        [e.id for e in editions],
        [e.name for e in editions],
        [e.opens_at for e in editions],
        [e.closes_at for e in editions],
        [e.grant_capacity for e in editions],
        [e.package_value_cents for e in editions],
        [e.currency for e in editions],
        [now] * len(editions),
    )
    return [r["edition_id"] for r in rows]
