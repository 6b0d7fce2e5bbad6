"""Grant's view of applications, written in bulk from consumed events."""

from collections.abc import Sequence
from uuid import UUID

from services.grant.domain.applications import ApplicationFacts
from services.grant.domain.selection import KnownApplication
from shared.db import Connection

# Each fact overwrites only when the batch brought it; a withdrawal is for good.
_RECORD = """
INSERT INTO applications AS a (application_id, edition_id, country, submitted_at, eligible,
                               withdrawn, score_total, rubric_version)
SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::timestamptz[], $5::boolean[],
                     $6::boolean[], $7::float8[], $8::integer[])
ON CONFLICT (application_id) DO UPDATE SET
    edition_id     = coalesce(EXCLUDED.edition_id, a.edition_id),
    country        = coalesce(EXCLUDED.country, a.country),
    submitted_at   = coalesce(EXCLUDED.submitted_at, a.submitted_at),
    eligible       = coalesce(EXCLUDED.eligible, a.eligible),
    withdrawn      = a.withdrawn OR EXCLUDED.withdrawn,
    score_total    = coalesce(EXCLUDED.score_total, a.score_total),
    rubric_version = coalesce(EXCLUDED.rubric_version, a.rubric_version),
    updated_at     = now()
"""


async def record(conn: Connection, *, facts: Sequence[ApplicationFacts]) -> None:
    """Upsert one row per application (the caller folds a batch to one fact each)."""
    if not facts:
        return
    await conn.execute(
        _RECORD,
        [f.application_id for f in facts],
        [f.edition_id for f in facts],
        [f.country for f in facts],
        [f.submitted_at for f in facts],
        [f.eligible for f in facts],
        [f.withdrawn for f in facts],
        [f.score_total for f in facts],
        [f.rubric_version for f in facts],
    )


async def of_edition(conn: Connection, *, edition_id: str) -> list[KnownApplication]:
    """Every application of the edition grant has heard of, received or not yet screened."""
    rows = await conn.fetch(
        """
        SELECT application_id, country, submitted_at, eligible, withdrawn, score_total
          FROM applications
         WHERE edition_id = $1 AND country IS NOT NULL AND submitted_at IS NOT NULL
         ORDER BY application_id
        """,
        edition_id,
    )
    return [
        KnownApplication(
            application_id=r["application_id"],
            country=r["country"],
            submitted_at=r["submitted_at"],
            eligible=r["eligible"],
            withdrawn=r["withdrawn"],
            score_total=r["score_total"],
        )
        for r in rows
    ]


async def counts(conn: Connection, *, edition_id: str) -> dict[str, int]:
    """How much of the edition grant has heard of: callers wait on it before closing."""
    row = await conn.fetchrow(
        """
        SELECT count(*) AS received,
               count(*) FILTER (WHERE eligible) AS eligible,
               count(*) FILTER (WHERE eligible AND score_total IS NOT NULL) AS scored,
               count(*) FILTER (WHERE withdrawn) AS withdrawn
          FROM applications
         WHERE edition_id = $1
        """,
        edition_id,
    )
    assert row is not None
    return dict(row)


async def editions_of(conn: Connection, *, application_ids: Sequence[UUID]) -> dict[UUID, str]:
    """The edition of each of these applications whose received event has arrived."""
    rows = await conn.fetch(
        "SELECT application_id, edition_id FROM applications"
        " WHERE application_id = ANY($1::uuid[]) AND edition_id IS NOT NULL",
        list(application_ids),
    )
    return {r["application_id"]: r["edition_id"] for r in rows}
