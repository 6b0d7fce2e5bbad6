"""What the HTTP routes share, and the checks they run before the body is looked at."""

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime

import asyncpg
from fastapi import HTTPException, Request, status

from services.intake.domain.application import EditionNotOpen, ensure_open
from services.intake.entrypoints.rate_limit import TokenBuckets
from shared.auth import require_token
from shared.clock import Clock
from shared.editions import Edition


@dataclass(frozen=True)
class IntakeApi:
    pool: Callable[[], asyncpg.Pool]
    editions: Mapping[str, Edition]
    clock: Clock
    admin_token: str
    submissions: TokenBuckets

    def admin_only(self) -> Callable[[Request], object]:
        return require_token(self.admin_token)

    def wait_before_submitting(self, request: Request) -> int | None:
        """None when this client may submit now, else the seconds it is to wait."""
        client = request.client.host if request.client else "unknown"
        wait_s = self.submissions.take(client)
        return None if wait_s is None else max(1, round(wait_s + 0.5))

    async def rate_limited(self, request: Request) -> None:
        """429 with Retry-After when this client submits faster than the configured rate."""
        wait_s = self.wait_before_submitting(request)
        if wait_s is not None:
            raise HTTPException(
                status.HTTP_429_TOO_MANY_REQUESTS,
                detail="too many submissions from this client; try again later",
                headers={"Retry-After": str(wait_s)},
            )

    # The dependencies are coroutines because FastAPI runs plain functions in a thread pool,
    # a hand-off per request for a dictionary lookup.
    async def edition(self, edition_id: str) -> Edition:
        """404 for an edition that is not configured."""
        edition = self.editions.get(edition_id)
        if edition is None:
            raise HTTPException(status.HTTP_404_NOT_FOUND, f"no edition {edition_id!r}")
        return edition

    async def open_edition(self, edition_id: str) -> Edition:
        """404, or 409 outside the edition's application window (before the body is read)."""
        edition = await self.edition(edition_id)
        try:
            ensure_open(edition, now=self.clock.now(), closed_at=None)
        except EditionNotOpen as exc:
            raise HTTPException(status.HTTP_409_CONFLICT, str(exc)) from None
        return edition

    def now(self) -> datetime:
        return self.clock.now()
