"""Offers in Postgres. The table's constraints hold the invariants (see 0002_selection.sql)."""

from collections.abc import Sequence
from datetime import datetime
from uuid import UUID

import asyncpg

from services.grant.domain.offers import EditionTerms, Offer, OfferState
from shared.db import Connection


def _offer(row: asyncpg.Record) -> Offer:
    return Offer(
        offer_id=row["offer_id"],
        edition_id=row["edition_id"],
        application_id=row["application_id"],
        rank=row["rank"],
        country=row["country"],
        seat_no=row["seat_no"],
        country_slot=row["country_slot"],
        amount_cents=row["amount_cents"],
        currency=row["currency"],
        offered_at=row["offered_at"],
        expires_at=row["expires_at"],
        state=OfferState(row["state"]),
        decided_at=row["decided_at"],
    )


async def add(conn: Connection, *, offers: Sequence[Offer], terms: EditionTerms) -> None:
    if not offers:
        return
    await conn.execute(
        """
        INSERT INTO offers (offer_id, edition_id, application_id, rank, country, seat_no,
                            country_slot, amount_cents, currency, offered_at, expires_at,
                            grant_capacity, country_cap)
        SELECT *, $12::integer, $13::integer
          FROM unnest($1::uuid[], $2::text[], $3::uuid[], $4::integer[], $5::text[],
                      $6::integer[], $7::integer[], $8::bigint[], $9::text[],
                      $10::timestamptz[], $11::timestamptz[])
        """,
        [o.offer_id for o in offers],
        [o.edition_id for o in offers],
        [o.application_id for o in offers],
        [o.rank for o in offers],
        [o.country for o in offers],
        [o.seat_no for o in offers],
        [o.country_slot for o in offers],
        [o.amount_cents for o in offers],
        [o.currency for o in offers],
        [o.offered_at for o in offers],
        [o.expires_at for o in offers],
        terms.capacity,
        terms.country_cap,
    )


async def get(conn: Connection, *, offer_id: UUID) -> Offer | None:
    row = await conn.fetchrow("SELECT * FROM offers WHERE offer_id = $1", offer_id)
    return _offer(row) if row is not None else None


async def of_edition(conn: Connection, *, edition_id: str) -> list[Offer]:
    rows = await conn.fetch("SELECT * FROM offers WHERE edition_id = $1 ORDER BY rank", edition_id)
    return [_offer(r) for r in rows]


async def count_offered_at(conn: Connection, *, edition_id: str, at: datetime) -> int:
    count: int = await conn.fetchval(
        "SELECT count(*) FROM offers WHERE edition_id = $1 AND offered_at = $2", edition_id, at
    )
    return count


async def decide(
    conn: Connection, *, offer_ids: Sequence[UUID], state: OfferState, at: datetime
) -> list[Offer]:
    """Answer (or expire) the offers among these that are still open; returns those changed."""
    rows = await conn.fetch(
        """
        UPDATE offers SET state = $2, decided_at = $3
         WHERE offer_id = ANY($1::uuid[]) AND state = 'open'
        RETURNING *
        """,
        list(offer_ids),
        state.value,
        at,
    )
    return sorted((_offer(r) for r in rows), key=lambda o: o.rank)


async def expire_overdue(conn: Connection, *, edition_id: str, as_of: datetime) -> list[Offer]:
    """Expire the edition's open offers whose deadline is not after as_of."""
    rows = await conn.fetch(
        """
        UPDATE offers SET state = 'expired', decided_at = $2
         WHERE edition_id = $1 AND state = 'open' AND expires_at <= $2
        RETURNING *
        """,
        edition_id,
        as_of,
    )
    return sorted((_offer(r) for r in rows), key=lambda o: o.rank)
