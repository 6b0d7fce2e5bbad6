"""Admin endpoints: recompute an edition's scores (after a reviewer or rubric change)."""

from collections.abc import Callable
from typing import Annotated
from uuid import UUID

import asyncpg
from fastapi import APIRouter, Depends, HTTPException, Query, status

from services.scoring import handlers
from services.scoring.entrypoints.schemas import RescoreOut
from shared.auth import require_token
from shared.correlation import current_correlation_id


def router(
    *, pool: Callable[[], asyncpg.Pool], scoring: handlers.Scoring, admin_token: str
) -> APIRouter:
    admin = APIRouter(
        prefix="/v1/editions",
        tags=["operations"],
        dependencies=[Depends(require_token(admin_token))],
    )

    @admin.post(
        "/{edition_id}/rescore",
        response_model=RescoreOut,
        responses={404: {"description": "no rubric is configured for this edition"}},
    )
    async def rescore(
        edition_id: str,
        after: Annotated[UUID | None, Query(description="Start after this application id.")] = None,
        limit: Annotated[int, Query(ge=1, le=2000)] = 500,
    ) -> RescoreOut:
        """Recompute the scores of one page of the edition's eligible applications.

        Only applications whose score changed (rubric version, total or breakdown) publish a
        new application.scored, so repeating a rescore publishes nothing.
        """
        async with pool().acquire() as conn:
            try:
                page = await handlers.rescore_edition(
                    conn,
                    edition_id=edition_id,
                    after=after,
                    limit=limit,
                    scoring=scoring,
                    correlation_id=current_correlation_id(),
                )
            except handlers.UnknownEdition:
                raise HTTPException(
                    status.HTTP_404_NOT_FOUND, f"no rubric for edition {edition_id!r}"
                ) from None
        return RescoreOut.model_validate(page)

    return admin
