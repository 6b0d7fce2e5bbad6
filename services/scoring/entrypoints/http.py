"""Reviewer scores and score explanations over HTTP, for admins: recording a review on a
reviewer's behalf (e.g. one sent on paper) is an admin's act. Reviewers themselves score on
their own pages (entrypoints/review_pages.py), which take the reviewer from their session."""

from collections.abc import Callable
from typing import Annotated
from uuid import UUID

import asyncpg
from fastapi import APIRouter, Depends, HTTPException, Path, status

from services.scoring import handlers
from services.scoring.domain.application import NotReviewable
from services.scoring.domain.scorecard import Review
from services.scoring.entrypoints.schemas import (
    REVIEWER_ID_PATTERN,
    ReviewBody,
    ScoreView,
    score_view,
)
from shared.auth import require_token
from shared.correlation import current_correlation_id

ReviewerId = Annotated[str, Path(pattern=REVIEWER_ID_PATTERN, description="The reviewer's id.")]

_UNKNOWN = "no such application"


def router(
    *, pool: Callable[[], asyncpg.Pool], scoring: handlers.Scoring, tokens: tuple[str, ...]
) -> APIRouter:
    api = APIRouter(prefix="/v1", tags=["scoring"], dependencies=[Depends(require_token(*tokens))])

    @api.put(
        "/applications/{application_id}/reviews/{reviewer_id}",
        responses={404: {"description": _UNKNOWN}, 409: {"description": "not eligible"}},
    )
    async def put_review(
        application_id: UUID, reviewer_id: ReviewerId, body: ReviewBody
    ) -> ScoreView:
        """Record (or replace) a reviewer's score; returns the application's score after it."""
        review = Review(
            reviewer_id=reviewer_id,
            score=body.score,
            conflict_of_interest=body.conflict_of_interest,
            comment=body.comment,
            submitted_at=scoring.clock.now(),
        )
        async with pool().acquire() as conn:
            try:
                await handlers.submit_review(
                    conn,
                    application_id=application_id,
                    review=review,
                    scoring=scoring,
                    correlation_id=current_correlation_id(),
                )
            except handlers.UnknownApplication:
                raise HTTPException(status.HTTP_404_NOT_FOUND, _UNKNOWN) from None
            except NotReviewable as exc:
                raise HTTPException(status.HTTP_409_CONFLICT, str(exc)) from None
            return score_view(
                *await handlers.explain(conn, application_id=application_id, scoring=scoring)
            )

    @api.get("/applications/{application_id}/score", responses={404: {"description": _UNKNOWN}})
    async def get_score(application_id: UUID) -> ScoreView:
        """Why the application has its score: each criterion's points and the reviews."""
        async with pool().acquire() as conn:
            try:
                state, card = await handlers.explain(
                    conn, application_id=application_id, scoring=scoring
                )
            except handlers.UnknownApplication:
                raise HTTPException(status.HTTP_404_NOT_FOUND, _UNKNOWN) from None
        return score_view(state, card)

    return api
