"""Grant's record of editions."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import asyncpg

from services.grant.domain.offers import EditionTerms
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


@dataclass(frozen=True)
class EditionRecord:
    edition_id: str
    state: str
    opened_at: datetime
    closed_at: datetime | None
    settled_at: datetime | None
    budget_cents: int
    terms: EditionTerms | None  # fixed when the edition closes

    @property
    def closed(self) -> bool:
        return self.state == "closed"


def _record(row: asyncpg.Record) -> EditionRecord:
    terms = (
        EditionTerms(
            capacity=row["grant_capacity"],
            package_value_cents=row["package_value_cents"],
            currency=row["currency"],
            components=tuple(row["components"]),
            acceptance_days=row["offer_acceptance_days"],
            # The stored cap equals capacity when the edition has none.
            max_per_country=row["country_cap"]
            if row["country_cap"] < row["grant_capacity"]
            else None,
        )
        if row["state"] == "closed"
        else None
    )
    return EditionRecord(
        edition_id=row["edition_id"],
        state=row["state"],
        opened_at=row["opened_at"],
        closed_at=row["closed_at"],
        settled_at=row["settled_at"],
        budget_cents=row["budget_cents"],
        terms=terms,
    )


async def lock(conn: Connection, *, edition_id: str) -> EditionRecord | None:
    """The edition, locked until the transaction ends: its offers change one writer at a time."""
    row = await conn.fetchrow("SELECT * FROM editions WHERE edition_id = $1 FOR UPDATE", edition_id)
    return _record(row) if row is not None else None


async def get(conn: Connection, *, edition_id: str) -> EditionRecord | None:
    row = await conn.fetchrow("SELECT * FROM editions WHERE edition_id = $1", edition_id)
    return _record(row) if row is not None else None


async def close(conn: Connection, *, edition: Edition, closed_at: datetime) -> EditionRecord:
    """Close the edition with the terms of its current configuration, fixed from now on."""
    row = await conn.fetchrow(
        """
        UPDATE editions
           SET state = 'closed', closed_at = $2, grant_capacity = $3, package_value_cents = $4,
               currency = $5, country_cap = $6, components = $7, offer_acceptance_days = $8
         WHERE edition_id = $1 AND state = 'open'
        RETURNING *
        """,
        edition.id,
        closed_at,
        edition.grant_capacity,
        edition.package_value_cents,
        edition.currency,
        edition.selection.max_grants_per_country or edition.grant_capacity,
        edition.components,
        edition.offer_acceptance_days,
    )
    if row is None:
        raise LookupError(f"edition {edition.id} is not open")
    return _record(row)


async def mark_settled(conn: Connection, *, edition_id: str, at: datetime) -> None:
    await conn.execute(
        "UPDATE editions SET settled_at = $2 WHERE edition_id = $1 AND settled_at IS NULL",
        edition_id,
        at,
    )


async def with_overdue_offers(conn: Connection, *, as_of: datetime) -> list[str]:
    rows = await conn.fetch(
        "SELECT DISTINCT edition_id FROM offers"
        " WHERE state = 'open' AND expires_at <= $1 ORDER BY edition_id",
        as_of,
    )
    return [r["edition_id"] for r in rows]
