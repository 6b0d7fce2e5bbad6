"""422 answers that name every field and say what is wrong with it, without echoing input."""

from collections.abc import Sequence

from fastapi import FastAPI, Request, status
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

from services.intake.domain.problems import FieldProblem, problems_from


def unprocessable(problems: Sequence[FieldProblem]) -> JSONResponse:
    """{"detail": [{"field", "msg", "type"}]}: FastAPI's list, each naming its field."""
    return JSONResponse(
        status_code=status.HTTP_422_UNPROCESSABLE_CONTENT,
        content={
            "detail": [{"field": p.field, "msg": p.problem, "type": p.type} for p in problems]
        },
    )


async def _request_validation_failed(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    return unprocessable(problems_from(exc.errors(), drop_prefix="body"))


def install(app: FastAPI) -> None:
    app.add_exception_handler(RequestValidationError, _request_validation_failed)
