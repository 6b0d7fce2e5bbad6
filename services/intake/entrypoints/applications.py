"""Submitting an application, and reading its timeline with its status token."""

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends, HTTPException, Request, status
from fastapi.exceptions import RequestValidationError

from services.intake import handlers
from services.intake.domain.application import DuplicateApplication, EditionNotOpen
from services.intake.domain.submission import ApplicationForm, FutureCareerEnd
from services.intake.entrypoints.dependencies import IntakeApi
from services.intake.entrypoints.schemas import Accepted, ApplicationStatus, FieldErrors
from shared.auth import bearer_token
from shared.correlation import current_correlation_id
from shared.editions import Edition

_NOT_FOUND = "no such application"


def router(api: IntakeApi, *, max_body_bytes: int) -> APIRouter:
    routes = APIRouter(prefix="/v1", tags=["applications"])

    @routes.post(
        "/editions/{edition_id}/applications",
        status_code=status.HTTP_202_ACCEPTED,
        dependencies=[Depends(api.rate_limited)],
        # Checked on the declared Content-Length and on the bytes that actually arrive.
        max_body_size=max_body_bytes,
        responses={
            404: {"description": "no such edition"},
            409: {"description": "the athlete or e-mail applied already, or the window is closed"},
            413: {"description": f"body larger than {max_body_bytes} bytes"},
            422: {"description": "each field in error, with what is wrong", "model": FieldErrors},
            429: {"description": "too many submissions from this client (see Retry-After)"},
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

    @routes.get("/applications/{application_id}", responses={404: {"description": _NOT_FOUND}})
    async def application_status(application_id: str, request: Request) -> ApplicationStatus:
        """The timeline, for `Authorization: Bearer <status_token>` or the admin token.

        The token is taken from the header only: in a URL it would end up in access logs,
        browser history and Referer headers. Anyone without it gets 404, as if there were
        no such application.
        """
        try:
            async with api.pool().acquire() as conn:
                application = await handlers.read_application(
                    conn,
                    application_id=UUID(application_id),
                    token=bearer_token(request),
                    admin_token=api.admin_token,
                )
        except (ValueError, handlers.UnknownApplication):
            raise HTTPException(status.HTTP_404_NOT_FOUND, _NOT_FOUND) from None
        return ApplicationStatus.of(application)

    return routes
