"""Admin endpoints: open or close an edition, expire overdue offers, see the standings."""

from collections.abc import Mapping
from typing import Annotated

from fastapi import APIRouter, Body, Depends, HTTPException, status

from services.grant import handlers
from services.grant.entrypoints.schemas import (
    ClosingOut,
    ExpireIn,
    ExpiryOut,
    OpeningOut,
    Problem,
)
from services.grant.handlers.errors import (
    EditionAlreadyClosed,
    EditionNotClosed,
    EditionNotOpened,
    UnknownEdition,
)
from shared.auth import require_token
from shared.clock import Clock
from shared.correlation import current_correlation_id
from shared.editions import Edition
from shared.runtime import ServiceRuntime

_ERRORS: dict[int | str, dict[str, object]] = {
    401: {"model": Problem, "description": "Missing or wrong admin bearer token."},
    404: {"model": Problem, "description": "No such edition."},
}


def _unknown(edition_id: str) -> HTTPException:
    return HTTPException(status.HTTP_404_NOT_FOUND, detail=f"no edition {edition_id!r}")


def router(
    *,
    runtime: ServiceRuntime,
    editions: Mapping[str, Edition],
    clock: Clock,
    admin_token: str,
) -> APIRouter:
    admin = APIRouter(
        prefix="/v1/editions",
        tags=["editions"],
        dependencies=[Depends(require_token(admin_token))],
        responses=_ERRORS,
    )

    @admin.post(
        "/{edition_id}/open",
        response_model=OpeningOut,
        responses={409: {"model": Problem, "description": "The edition is closed."}},
    )
    async def open_edition(edition_id: str) -> OpeningOut:
        """Announce a configured edition (edition.opened) unless it is open already.

        Idempotent. A closed edition stays closed: 409.
        """
        edition = editions.get(edition_id)
        if edition is None:
            raise _unknown(edition_id)
        async with runtime.pool.acquire() as conn:
            try:
                report = await handlers.open_edition(
                    conn, edition=edition, clock=clock, correlation_id=current_correlation_id()
                )
            except EditionAlreadyClosed as exc:
                raise HTTPException(
                    status.HTTP_409_CONFLICT,
                    detail=f"edition {edition_id!r} was closed at {exc.closed_at:%Y-%m-%d %H:%M}"
                    " UTC and cannot be reopened",
                ) from exc
        return OpeningOut.model_validate(report)

    @admin.post(
        "/{edition_id}/close",
        response_model=ClosingOut,
        responses={409: {"model": Problem, "description": "The edition was never opened."}},
    )
    async def close_edition(edition_id: str) -> ClosingOut:
        """Close the edition and select: offers to the top candidates, the rest waitlisted.

        Idempotent: closing a closed edition changes nothing and returns the same outcome.
        """
        edition = editions.get(edition_id)
        if edition is None:
            raise _unknown(edition_id)
        async with runtime.pool.acquire() as conn:
            try:
                report = await handlers.close_edition(
                    conn, edition=edition, clock=clock, correlation_id=current_correlation_id()
                )
            except EditionNotOpened as exc:
                raise HTTPException(
                    status.HTTP_409_CONFLICT,
                    detail=f"edition {edition_id!r} was never opened: open it first",
                ) from exc
        return ClosingOut.model_validate(report)

    @admin.post(
        "/{edition_id}/expire-overdue",
        response_model=ExpiryOut,
        responses={409: {"model": Problem, "description": "The edition is not closed."}},
    )
    async def expire_overdue(
        edition_id: str, body: Annotated[ExpireIn | None, Body()] = None
    ) -> ExpiryOut:
        """Expire open offers past their deadline as of a time, and promote in their place."""
        async with runtime.pool.acquire() as conn:
            try:
                report = await handlers.expire_overdue(
                    conn,
                    edition_id=edition_id,
                    as_of=body.as_of if body else None,
                    clock=clock,
                    correlation_id=current_correlation_id(),
                )
            except UnknownEdition as exc:
                raise _unknown(edition_id) from exc
            except EditionNotClosed as exc:
                raise HTTPException(
                    status.HTTP_409_CONFLICT, detail=f"edition {edition_id!r} is not closed"
                ) from exc
        return ExpiryOut.model_validate(report)

    @admin.get("/{edition_id}/standings", response_model=handlers.Standings)
    async def standings(edition_id: str) -> handlers.Standings:
        """Offers by state, the waitlist in order, and budget committed against the cap."""
        async with runtime.pool.acquire() as conn:
            try:
                result = await handlers.standings(conn, edition_id=edition_id, clock=clock)
            except UnknownEdition as exc:
                raise _unknown(edition_id) from exc
        return result

    return admin
