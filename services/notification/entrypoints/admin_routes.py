"""Admin endpoints: where e-mail stands, and retrying a failed e-mail (the DLQ's redrive)."""

from collections.abc import Callable
from uuid import UUID

import asyncpg
from fastapi import APIRouter, Depends, HTTPException, status
from pydantic import BaseModel, Field

from services.notification import handlers
from shared.auth import require_token
from shared.clock import Clock


class SummaryOut(BaseModel):
    by_state: dict[str, int] = Field(
        description="Notifications per state.", examples=[{"sent": 1180, "pending": 3}]
    )
    sent_by_language: dict[str, int] = Field(examples=[{"en": 700, "fr": 300, "de": 180}])
    sent_by_template: dict[str, int]
    failed_by_template: dict[str, int]


class RetryOut(BaseModel):
    notification_id: UUID
    state: str = Field(description="Always `pending`: the sender picks it up again.")


def router(*, pool: Callable[[], asyncpg.Pool], clock: Clock, admin_token: str) -> APIRouter:
    admin = APIRouter(
        prefix="/v1/notifications",
        tags=["notifications"],
        dependencies=[Depends(require_token(admin_token))],
    )

    @admin.get("/summary", response_model=SummaryOut)
    async def summary() -> SummaryOut:
        """Counts only: no address and no name ever leaves through this API."""
        async with pool().acquire() as conn:
            found = await handlers.summary(conn)
        return SummaryOut(
            by_state=found.by_state,
            sent_by_language=found.sent_by_language,
            sent_by_template=found.sent_by_template,
            failed_by_template=found.failed_by_template,
        )

    @admin.post("/{notification_id}/retry", response_model=RetryOut)
    async def retry(notification_id: UUID) -> RetryOut:
        """Send a failed notification again; its id is in the DLQ header dlq.notification.id."""
        async with pool().acquire() as conn:
            result = await handlers.retry_failed(
                conn, notification_id=notification_id, now=clock.now()
            )
        if result is handlers.RetryResult.UNKNOWN:
            raise HTTPException(status.HTTP_404_NOT_FOUND, detail="no such notification")
        if result is handlers.RetryResult.NOT_FAILED:
            raise HTTPException(
                status.HTTP_409_CONFLICT, detail="only a failed notification can be retried"
            )
        return RetryOut(notification_id=notification_id, state="pending")

    return admin
