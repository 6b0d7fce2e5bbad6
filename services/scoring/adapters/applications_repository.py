"""Scoring's applications and reviews in Postgres, read and written in bulk."""

from collections.abc import Iterable, Sequence
from uuid import UUID

from services.scoring.adapters.rows import COLUMNS, row_from_state, state_from_row
from services.scoring.domain.application import ApplicationState
from services.scoring.domain.scorecard import Review
from shared.db import Connection

# Each application with its reviews, in one round trip. Rows are locked in id order so a
# batch and a concurrent review (or a second replica) never deadlock.
_SELECT = """
SELECT a.*,
       (SELECT coalesce(jsonb_agg(to_jsonb(r) ORDER BY r.reviewer_id), '[]'::jsonb)::text
          FROM reviews r
         WHERE r.application_id = a.application_id) AS reviews
  FROM applications a
"""
_LOCK = " ORDER BY a.application_id FOR UPDATE OF a"

# Events of one application reach scoring on two topics, possibly in two replicas at once:
# creating the missing rows first lets both lock the same row instead of racing to insert.
_CREATE_MISSING = """
INSERT INTO applications (application_id)
SELECT * FROM unnest($1::uuid[])
ON CONFLICT (application_id) DO NOTHING
"""

_UPSERT = f"""
INSERT INTO applications ({", ".join(COLUMNS)})
VALUES ({", ".join(f"${i}" for i in range(1, len(COLUMNS) + 1))})
ON CONFLICT (application_id) DO UPDATE SET
    {", ".join(f"{c} = EXCLUDED.{c}" for c in COLUMNS[1:])},
    updated_at = now()
"""  # noqa: S608 - column names are constants, values are bind parameters

_UPSERT_REVIEW = """
INSERT INTO reviews (application_id, reviewer_id, score, conflict_of_interest, comment,
                     submitted_at)
VALUES ($1, $2, $3, $4, $5, $6)
ON CONFLICT (application_id, reviewer_id) DO UPDATE SET
    score = EXCLUDED.score,
    conflict_of_interest = EXCLUDED.conflict_of_interest,
    comment = EXCLUDED.comment,
    submitted_at = EXCLUDED.submitted_at
"""


async def lock_many(
    conn: Connection, *, application_ids: Iterable[UUID]
) -> dict[UUID, ApplicationState]:
    """The known applications among these ids, locked until the transaction ends."""
    rows = await conn.fetch(
        _SELECT + " WHERE a.application_id = ANY($1::uuid[])" + _LOCK, list(application_ids)
    )
    return {r["application_id"]: state_from_row(r) for r in rows}


async def create_and_lock_many(
    conn: Connection, *, application_ids: Iterable[UUID]
) -> dict[UUID, ApplicationState]:
    """These applications, new ones blank, locked until the transaction ends."""
    ordered = sorted(set(application_ids))
    await conn.execute(_CREATE_MISSING, ordered)
    return await lock_many(conn, application_ids=ordered)


async def lock_stale_scores(
    conn: Connection, *, edition_id: str, rubric_version: int
) -> list[ApplicationState]:
    """Eligible applications of the edition not yet scored with this rubric version."""
    rows = await conn.fetch(
        _SELECT
        + """ WHERE a.edition_id = $1 AND a.received AND a.eligible AND NOT a.withdrawn
                AND a.scored_rubric_version IS DISTINCT FROM $2"""
        + _LOCK,
        edition_id,
        rubric_version,
    )
    return [state_from_row(r) for r in rows]


_ELIGIBLE_OF_EDITION = "a.edition_id = $1 AND a.received AND a.eligible AND NOT a.withdrawn"
_COUNT_ELIGIBLE = f"SELECT count(*) FROM applications a WHERE {_ELIGIBLE_OF_EDITION}"  # noqa: S608


async def lock_eligible_page(
    conn: Connection, *, edition_id: str, after: UUID | None, limit: int
) -> list[ApplicationState]:
    """Up to `limit` eligible applications of the edition with ids after `after`, locked."""
    rows = await conn.fetch(
        _SELECT
        + f" WHERE {_ELIGIBLE_OF_EDITION} AND ($2::uuid IS NULL OR a.application_id > $2)"
        + " ORDER BY a.application_id LIMIT $3 FOR UPDATE OF a",
        edition_id,
        after,
        limit,
    )
    return [state_from_row(r) for r in rows]


async def count_eligible(conn: Connection, *, edition_id: str) -> int:
    count: int = await conn.fetchval(_COUNT_ELIGIBLE, edition_id)
    return count


async def get(conn: Connection, *, application_id: UUID) -> ApplicationState | None:
    row = await conn.fetchrow(_SELECT + " WHERE a.application_id = $1", application_id)
    return state_from_row(row) if row is not None else None


async def save_many(conn: Connection, *, states: Sequence[ApplicationState]) -> None:
    if states:
        await conn.executemany(_UPSERT, [row_from_state(s) for s in states])


async def save_review(conn: Connection, *, application_id: UUID, review: Review) -> None:
    await conn.execute(
        _UPSERT_REVIEW,
        application_id,
        review.reviewer_id,
        review.score,
        review.conflict_of_interest,
        review.comment,
        review.submitted_at,
    )


async def eligible_of_edition(conn: Connection, *, edition_id: str) -> list[ApplicationState]:
    """Every eligible, not withdrawn application of the edition, unlocked, in id order."""
    rows = await conn.fetch(
        _SELECT + f" WHERE {_ELIGIBLE_OF_EDITION} ORDER BY a.application_id", edition_id
    )
    return [state_from_row(r) for r in rows]
