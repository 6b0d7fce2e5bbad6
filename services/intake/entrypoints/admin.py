"""Admin-only routes: CSV bulk import and recording training progress."""

from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Depends, HTTPException, Path, Query, Request, Response, status

from services.intake import handlers
from services.intake.domain.application import EditionNotOpen, NotEnrolled, UnknownModule
from services.intake.domain.csv_rows import (
    COLUMNS,
    FULL_HEADER_PATTERN,
    HEADER_PATTERN,
    BadCsv,
    read_rows,
)
from services.intake.entrypoints.dependencies import IntakeApi
from services.intake.entrypoints.schemas import (
    FieldErrors,
    ImportRefused,
    ImportResult,
    Message,
    ModuleCompletion,
)
from shared.correlation import current_correlation_id
from shared.editions import Edition

IMPORT_PATH = "/v1/editions/{edition_id}/applications:import"
_UNAUTHORIZED: Any = {"description": "no valid admin bearer token", "model": Message}


def _csv_body(max_import_bytes: int) -> dict[str, Any]:
    """The chunk as its schema can say it: text that starts with a header row of known
    columns. Rows are not constrained: a bad row is reported in the 200, by line."""
    return {
        "required": True,
        "content": {
            "text/csv": {
                "schema": {
                    "type": "string",
                    # The second pattern is the rule; the first, one case of it, is there for
                    # what generates chunks from this schema: the documented header in full.
                    "anyOf": [{"pattern": FULL_HEADER_PATTERN}, {"pattern": HEADER_PATTERN}],
                    "maxLength": max_import_bytes,
                    "description": "UTF-8, comma-separated, a header row first naming the"
                    f" columns (any order; {', '.join(c for c, (_, r, _) in COLUMNS.items() if r)}"
                    " are required, none may repeat: a 422 otherwise), at most"
                    f" {max_import_bytes} bytes (a 413 otherwise).",
                    "examples": [
                        ",".join(COLUMNS)
                        + "\nA365-004711,Example Athlete,athlete@example.org,fr,FRA,Judo,"
                        "former_olympian,2021,Tatami Supply,sporting_goods,revenue,"
                        '"Tatami mats for clubs.",textiles,DEU;USA,true,false\n'
                    ],
                }
            }
        },
    }


def router(api: IntakeApi, *, max_import_bytes: int) -> APIRouter:
    routes = APIRouter(tags=["admin"], dependencies=[Depends(api.admin_only())])
    modules = sorted({m for edition in api.editions.values() for m in edition.training.modules})

    @routes.post(
        IMPORT_PATH,
        max_body_size=max_import_bytes,
        openapi_extra={"requestBody": _csv_body(max_import_bytes)},
        responses={
            401: _UNAUTHORIZED,
            404: {"description": "no such edition", "model": Message},
            409: {"description": "the edition's window is closed", "model": Message},
            413: {
                "description": f"body larger than {max_import_bytes} bytes: send it in chunks",
                "model": Message,
            },
            422: {
                "description": "the CSV as a whole is unreadable (encoding, header), or a bad"
                " first_line",
                "model": ImportRefused,
            },
        },
    )
    async def import_applications(
        request: Request,
        edition: Annotated[Edition, Depends(api.open_edition)],
        first_line: Annotated[
            int, Query(ge=2, description="The file line of this chunk's first data row.")
        ] = 2,
    ) -> ImportResult:
        """Import a CSV of applications (columns: services/intake/domain/csv_rows.py).

        Every valid row becomes an application exactly as if submitted through the API; every
        other row is reported by line with its problems. A big file is sent in chunks, each
        with the header row and the file line of its first data row as `first_line`.
        """
        try:
            rows = list(read_rows((await request.body()).decode(), first_line=first_line))
        except UnicodeDecodeError as exc:
            raise HTTPException(422, f"the CSV must be UTF-8 text: {exc.reason}") from None
        except BadCsv as exc:
            raise HTTPException(422, str(exc)) from None
        try:
            async with api.pool().acquire() as conn:
                report = await handlers.import_rows(
                    conn,
                    edition=edition,
                    rows=rows,
                    clock=api.clock,
                    correlation_id=current_correlation_id(),
                )
        except EditionNotOpen as exc:
            raise HTTPException(status.HTTP_409_CONFLICT, str(exc)) from None
        return ImportResult.of(report, first_line=first_line)

    @routes.post(
        "/v1/applications/{application_id}/training/{module}/complete",
        status_code=status.HTTP_201_CREATED,
        responses={
            200: {"description": "recorded before; nothing changed", "model": ModuleCompletion},
            401: _UNAUTHORIZED,
            404: {"description": "no such application", "model": Message},
            409: {"description": "the application is not enrolled in training", "model": Message},
            422: {
                "description": "not a module of the application's edition, or a malformed id",
                "model": Message | FieldErrors,
            },
        },
    )
    async def complete_module(
        application_id: UUID,
        module: Annotated[
            str,
            Path(
                json_schema_extra={"enum": modules},
                description="A training module of the application's edition (the modules of"
                " every configured edition are listed).",
            ),
        ],
        response: Response,
    ) -> ModuleCompletion:
        """Record that the athlete completed a training module (published once)."""
        try:
            async with api.pool().acquire() as conn:
                completed_at, recorded = await handlers.complete_module(
                    conn,
                    application_id=application_id,
                    module=module,
                    clock=api.clock,
                    correlation_id=current_correlation_id(),
                )
        except handlers.UnknownApplication:
            raise HTTPException(status.HTTP_404_NOT_FOUND, "no such application") from None
        except NotEnrolled as exc:
            raise HTTPException(status.HTTP_409_CONFLICT, str(exc)) from None
        except UnknownModule as exc:
            raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, str(exc)) from None
        if not recorded:
            response.status_code = status.HTTP_200_OK
        return ModuleCompletion(
            application_id=application_id,
            module=module,
            completed_at=completed_at,
            newly_recorded=recorded,
        )

    return routes
