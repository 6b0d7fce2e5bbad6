"""Rescoring after a rubric or reviewer change: stale scores, or a whole edition page by page."""

from dataclasses import dataclass
from uuid import UUID

from services.scoring.adapters import applications_repository as repository
from services.scoring.handlers.errors import UnknownEdition
from services.scoring.handlers.scoring import Scoring, score_and_save
from shared.db import Connection


async def rescore_stale(conn: Connection, *, scoring: Scoring, correlation_id: str) -> int:
    """Score every eligible application not yet scored with its edition's current rubric."""
    published = 0
    for edition_id, rubric in scoring.rubrics.items():
        async with conn.transaction():
            stale = await repository.lock_stale_scores(
                conn, edition_id=edition_id, rubric_version=rubric.version
            )
            ids = {s.application_id: correlation_id for s in stale}
            published += await score_and_save(conn, stale, ids, scoring=scoring)
    return published


@dataclass(frozen=True)
class RescorePage:
    """One page of an edition's rescore; `next_after` is where the next page starts."""

    edition_id: str
    eligible: int
    considered: int
    rescored: int
    next_after: UUID | None


async def rescore_edition(
    conn: Connection,
    *,
    edition_id: str,
    after: UUID | None,
    limit: int,
    scoring: Scoring,
    correlation_id: str,
) -> RescorePage:
    """Recompute one page of the edition's eligible applications, in application id order.

    Only an application whose score fingerprint changed publishes a new application.scored.
    """
    if edition_id not in scoring.rubrics:
        raise UnknownEdition(edition_id)
    async with conn.transaction():
        states = await repository.lock_eligible_page(
            conn, edition_id=edition_id, after=after, limit=limit
        )
        ids = {s.application_id: correlation_id for s in states}
        rescored = await score_and_save(conn, states, ids, scoring=scoring)
        eligible = await repository.count_eligible(conn, edition_id=edition_id)
    return RescorePage(
        edition_id=edition_id,
        eligible=eligible,
        considered=len(states),
        rescored=rescored,
        next_after=states[-1].application_id if len(states) == limit else None,
    )
