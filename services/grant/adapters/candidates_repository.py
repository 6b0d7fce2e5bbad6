"""The ranking of each closed edition and where every candidate stands in it."""

from collections.abc import Sequence
from dataclasses import dataclass
from uuid import UUID

import asyncpg

from services.grant.domain.selection import Candidate, Ranked
from shared.db import Connection


@dataclass(frozen=True)
class Standing:
    application_id: UUID
    edition_id: str
    rank: int | None
    country: str
    score_total: float | None
    state: str


async def add_ranking(
    conn: Connection, *, edition_id: str, ranked: Sequence[Ranked], unranked: Sequence[Candidate]
) -> None:
    """Everyone starts waitlisted (ranked) or unranked (not scored when the edition closed)."""
    rows: list[tuple[Candidate, int | None, str]] = [
        (r.candidate, r.rank, "waitlisted") for r in ranked
    ]
    rows += [(c, None, "unranked") for c in unranked]
    await conn.execute(
        """
        INSERT INTO candidates (edition_id, application_id, rank, country, score_total,
                                submitted_at, state)
        SELECT $1, * FROM unnest($2::uuid[], $3::integer[], $4::text[], $5::float8[],
                                 $6::timestamptz[], $7::text[])
        """,
        edition_id,
        [c.application_id for c, _, _ in rows],
        [rank for _, rank, _ in rows],
        [c.country for c, _, _ in rows],
        [c.total if rank is not None else None for c, rank, _ in rows],
        [c.submitted_at for c, _, _ in rows],
        [state for _, _, state in rows],
    )


async def waitlist(conn: Connection, *, edition_id: str) -> list[Ranked]:
    """The waitlisted candidates, best first."""
    rows = await conn.fetch(
        """
        SELECT application_id, rank, country, score_total, submitted_at
          FROM candidates
         WHERE edition_id = $1 AND state = 'waitlisted'
         ORDER BY rank
        """,
        edition_id,
    )
    return [
        Ranked(
            r["rank"],
            Candidate(r["application_id"], r["country"], r["score_total"], r["submitted_at"]),
        )
        for r in rows
    ]


async def waitlist_places(conn: Connection, *, edition_id: str) -> list[tuple[UUID, int]]:
    """(application id, rank) of each waitlisted candidate, best first: no more than
    telling them their place needs."""
    rows = await conn.fetch(
        "SELECT application_id, rank FROM candidates"
        " WHERE edition_id = $1 AND state = 'waitlisted' ORDER BY rank",
        edition_id,
    )
    return [(r["application_id"], r["rank"]) for r in rows]


async def ranked_and_unranked(conn: Connection, *, edition_id: str) -> tuple[int, int]:
    row = await conn.fetchrow(
        "SELECT count(rank) AS ranked, count(*) - count(rank) AS unranked"
        " FROM candidates WHERE edition_id = $1",
        edition_id,
    )
    assert row is not None
    return row["ranked"], row["unranked"]


async def move(
    conn: Connection, *, edition_id: str, application_ids: Sequence[UUID], to: str
) -> None:
    await conn.execute(
        "UPDATE candidates SET state = $3 WHERE edition_id = $1 AND application_id = ANY($2)",
        edition_id,
        list(application_ids),
        to,
    )


async def of_applications(conn: Connection, *, application_ids: Sequence[UUID]) -> list[Standing]:
    rows = await conn.fetch(
        "SELECT * FROM candidates WHERE application_id = ANY($1::uuid[]) ORDER BY application_id",
        list(application_ids),
    )
    return [_standing(r) for r in rows]


async def of_edition(conn: Connection, *, edition_id: str) -> list[Standing]:
    rows = await conn.fetch(
        "SELECT * FROM candidates WHERE edition_id = $1 ORDER BY rank NULLS LAST, application_id",
        edition_id,
    )
    return [_standing(r) for r in rows]


def _standing(row: asyncpg.Record) -> Standing:
    return Standing(
        application_id=row["application_id"],
        edition_id=row["edition_id"],
        rank=row["rank"],
        country=row["country"],
        score_total=row["score_total"],
        state=row["state"],
    )
