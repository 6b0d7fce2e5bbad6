"""One correlation id per request, carried into every event it causes and every log line."""

import uuid
from collections.abc import Awaitable, Callable
from contextvars import ContextVar

import structlog
from fastapi import Request, Response

HEADER = "X-Correlation-ID"
_current: ContextVar[str | None] = ContextVar("correlation_id", default=None)


def current_correlation_id() -> str:
    """The id of the request being served, or a fresh one outside a request."""
    return _current.get() or str(uuid.uuid4())


async def correlation_middleware(
    request: Request, call_next: Callable[[Request], Awaitable[Response]]
) -> Response:
    presented = request.headers.get(HEADER, "")
    correlation_id = presented if 0 < len(presented) <= 128 else str(uuid.uuid4())
    token = _current.set(correlation_id)
    try:
        with structlog.contextvars.bound_contextvars(correlation_id=correlation_id):
            response = await call_next(request)
    finally:
        _current.reset(token)
    response.headers[HEADER] = correlation_id
    return response
