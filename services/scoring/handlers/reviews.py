"""A reviewer's score, and the explanation of an application's score."""

from uuid import UUID

from services.scoring.adapters import applications_repository as repository
from services.scoring.domain.application import ApplicationState
from services.scoring.domain.scorecard import Review, ScoreCard
from services.scoring.handlers.errors import UnknownApplication
from services.scoring.handlers.scoring import Scoring, score_and_save
from shared.db import Connection


async def submit_review(
    conn: Connection, *, application_id: UUID, review: Review, scoring: Scoring, correlation_id: str
) -> ApplicationState:
    """Record a reviewer's score (replacing their earlier one) and rescore."""
    async with conn.transaction():
        state = (await repository.lock_many(conn, application_ids=[application_id])).get(
            application_id
        )
        if state is None:
            raise UnknownApplication(application_id)
        state = state.with_review(review)
        await repository.save_review(conn, application_id=application_id, review=review)
        await score_and_save(conn, [state], {application_id: correlation_id}, scoring=scoring)
    return state


async def explain(
    conn: Connection, *, application_id: UUID, scoring: Scoring
) -> tuple[ApplicationState, ScoreCard | None]:
    state = await repository.get(conn, application_id=application_id)
    if state is None:
        raise UnknownApplication(application_id)
    return state, state.score(scoring.rubric_of(state))
