"""422 answers that name every field and say what is wrong with it, without echoing input."""

from collections.abc import Sequence

from fastapi import FastAPI, Request, status
from fastapi.exception_handlers import http_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException

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


async def _http_error(request: Request, exc: Exception) -> Response:
    """A JSON body that is not UTF-8 is bad JSON like any other, a 422 naming the body:
    FastAPI answers it with a bare 400 ("There was an error parsing the body")."""
    assert isinstance(exc, HTTPException)
    if isinstance(exc.__cause__, UnicodeDecodeError):
        return unprocessable(
            [FieldProblem("(body)", "is not valid JSON: it must be UTF-8 text", "json_invalid")]
        )
    return await http_exception_handler(request, exc)


def install(app: FastAPI) -> None:
    app.add_exception_handler(RequestValidationError, _request_validation_failed)
    app.add_exception_handler(HTTPException, _http_error)
