"""Bearer-token checks for admin and reviewer endpoints, compared in constant time."""

import hmac
from collections.abc import Awaitable, Callable

from fastapi import HTTPException, Request, status


def bearer_token(request: Request) -> str | None:
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


def token_matches(presented: str | None, *expected: str) -> bool:
    """True when the presented token equals one of the configured ones (never an empty one)."""
    if not presented:
        return False
    return any(
        hmac.compare_digest(presented.encode(), candidate.encode())
        for candidate in expected
        if candidate
    )


def require_token(*expected: str) -> Callable[[Request], Awaitable[None]]:
    """A FastAPI dependency: 401 unless the request carries one of the expected tokens."""

    async def check(request: Request) -> None:
        if not token_matches(bearer_token(request), *expected):
            raise HTTPException(
                status.HTTP_401_UNAUTHORIZED,
                detail="a valid bearer token is required",
                headers={"WWW-Authenticate": "Bearer"},
            )

    return check
