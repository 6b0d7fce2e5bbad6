"""Submitting an application; reading, withdrawing and erasing it with its status token."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends, HTTPException, Path, Request, status
from fastapi.exceptions import RequestValidationError

from services.intake import handlers
from services.intake.domain.application import DuplicateApplication, EditionNotOpen
from services.intake.domain.submission import ApplicationForm, FutureCareerEnd
from services.intake.domain.withdrawal import PackageAccepted
from services.intake.entrypoints.dependencies import IntakeApi
from services.intake.entrypoints.schemas import (
    Accepted,
    ApplicationStatus,
    Erasure,
    FieldErrors,
    Message,
    Withdrawal,
)
from shared.auth import bearer_token
from shared.correlation import current_correlation_id
from shared.db import Connection
from shared.editions import Edition

_NOT_FOUND = "no such application"
# Any other text is the same 404 as an unknown id (the routes read it as text for that).
ApplicationId = Annotated[
    str,
    Path(
        json_schema_extra={"format": "uuid"},
        description="The application id of the 202; anything else is a 404.",
    ),
]
_UNKNOWN = {"description": "no such application, or not for this token", "model": Message}


@asynccontextmanager
async def _application_of(api: IntakeApi) -> AsyncIterator[Connection]:
    """A connection for a request about one application: a wrong token and an unknown
    application end in the same 404, so existence is not revealed."""
    try:
        async with api.pool().acquire() as conn:
            yield conn
    except handlers.UnknownApplication:
        raise HTTPException(status.HTTP_404_NOT_FOUND, _NOT_FOUND) from None


def _uuid_or_404(application_id: str) -> UUID:
    """A malformed id is the same 404 as an unknown one."""
    try:
        return UUID(application_id)
    except ValueError:
        raise HTTPException(status.HTTP_404_NOT_FOUND, _NOT_FOUND) from None


def router(api: IntakeApi, *, max_body_bytes: int) -> APIRouter:
    routes = APIRouter(prefix="/v1", tags=["applications"])

    @routes.post(
        "/editions/{edition_id}/applications",
        status_code=status.HTTP_202_ACCEPTED,
        dependencies=[Depends(api.rate_limited)],
        # Checked on the declared Content-Length and on the bytes that actually arrive.
        max_body_size=max_body_bytes,
        responses={
            404: {"description": "no such edition", "model": Message},
            409: {
                "description": "the athlete or e-mail applied already, or the window is closed",
                "model": Message,
            },
            413: {"description": f"body larger than {max_body_bytes} bytes", "model": Message},
            422: {
                "description": "each field in error, with what is wrong; also a career end"
                " year later than the current one, which this schema cannot bound",
                "model": FieldErrors,
            },
            429: {
                "description": "too many submissions from this client (see Retry-After)",
                "model": Message,
            },
        },
    )
    async def submit_application(
        form: ApplicationForm, edition: Annotated[Edition, Depends(api.open_edition)]
    ) -> Accepted:
        """Apply to an edition. Accepted means stored and screened; the outcome follows."""
        try:
            async with api.pool().acquire() as conn:
                application = await handlers.submit(
                    conn,
                    edition=edition,
                    form=form,
                    clock=api.clock,
                    correlation_id=current_correlation_id(),
                )
        except FutureCareerEnd as exc:
            raise RequestValidationError(
                [{"type": "value_error", "loc": ("body", exc.field), "msg": str(exc)}]
            ) from None
        except (DuplicateApplication, EditionNotOpen) as exc:
            raise HTTPException(status.HTTP_409_CONFLICT, str(exc)) from None
        return Accepted(
            application_id=application.application_id, status_token=application.status_token
        )

    @routes.get("/applications/{application_id}", responses={404: _UNKNOWN})
    async def application_status(
        application_id: ApplicationId, request: Request
    ) -> ApplicationStatus:
        """The timeline, for `Authorization: Bearer <status_token>` or the admin token.

        The token is taken from the header only: in a URL it would end up in access logs,
        browser history and Referer headers. Anyone without it gets 404, as if there were
        no such application.
        """
        app_id = _uuid_or_404(application_id)
        async with _application_of(api) as conn:
            application = await handlers.read_application(
                conn,
                application_id=app_id,
                token=bearer_token(request),
                admin_token=api.admin_token,
            )
        return ApplicationStatus.of(application)

    @routes.post(
        "/applications/{application_id}/withdraw",
        responses={
            404: _UNKNOWN,
            409: {
                "description": "the package was accepted: contact the programme team",
                "model": Message,
            },
        },
    )
    async def withdraw_application(application_id: ApplicationId, request: Request) -> Withdrawal:
        """Leave the programme: the application is taken out of the ranking and the
        waitlist, and an open offer passes on. Withdrawing again answers the same.

        Same authorization as reading the application: the status token or the admin token
        in the `Authorization` header; anyone else gets 404.
        """
        app_id = _uuid_or_404(application_id)
        try:
            async with _application_of(api) as conn:
                withdrawn_at = await handlers.withdraw(
                    conn,
                    authorise=handlers.by_token(
                        app_id, token=bearer_token(request), admin_token=api.admin_token
                    ),
                    clock=api.clock,
                    correlation_id=current_correlation_id(),
                )
        except PackageAccepted as exc:
            raise HTTPException(status.HTTP_409_CONFLICT, str(exc)) from None
        return Withdrawal(application_id=app_id, withdrawn_at=withdrawn_at)

    @routes.post("/applications/{application_id}/erasure", responses={404: _UNKNOWN})
    async def erase_personal_data(application_id: ApplicationId, request: Request) -> Erasure:
        """Erase the applicant's personal data (GDPR Art. 17): name, e-mail, business name
        and pitch, here and, by a tombstone, on the contacts topic and in notification. The
        application is withdrawn too, unless its package was accepted. Erasing again
        answers the same; the status token keeps showing the anonymous timeline.

        Same authorization as reading the application; anyone else gets 404.
        """
        app_id = _uuid_or_404(application_id)
        async with _application_of(api) as conn:
            erased = await handlers.erase(
                conn,
                authorise=handlers.by_token(
                    app_id, token=bearer_token(request), admin_token=api.admin_token
                ),
                clock=api.clock,
                correlation_id=current_correlation_id(),
            )
        return Erasure(
            application_id=erased.application_id,
            erased_at=erased.erased_at,
            withdrawn_at=erased.withdrawn_at,
        )

    return routes
