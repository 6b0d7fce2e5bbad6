"""/healthz (the process answers), /readyz (it can do its work) and /metrics for every service."""

import asyncio
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

from fastapi import APIRouter, Response
from fastapi.responses import JSONResponse
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

if TYPE_CHECKING:
    from shared.runtime import ServiceRuntime

_CHECK_TIMEOUT_S = 2.0


async def _database_answers(runtime: "ServiceRuntime") -> bool:
    try:
        async with asyncio.timeout(_CHECK_TIMEOUT_S):
            async with runtime.pool.acquire() as conn:
                return bool(await conn.fetchval("SELECT true"))
    except Exception:
        return False


async def _kafka_answers(runtime: "ServiceRuntime") -> bool:
    try:
        async with asyncio.timeout(_CHECK_TIMEOUT_S):
            await runtime.producer.client.fetch_all_metadata()
            return True
    except Exception:
        return False


Checks = Callable[[], Awaitable[dict[str, bool]]]


def service_checks(runtime: "ServiceRuntime") -> Checks:
    """What a service with a database, an outbox and consumers needs to do its work."""

    async def checks() -> dict[str, bool]:
        stalled_after = runtime.settings.stalled_consumer_after_s
        return {
            "database": await _database_answers(runtime),
            "kafka": await _kafka_answers(runtime),
            "outbox_relay": not runtime.relay_failed,
            "consumers": not any(p.stalled(stalled_after) for p in runtime.consumer_progress),
        }

    return checks


def router(service: str, checks: Checks) -> APIRouter:
    """/readyz is 200 when every check holds, else 503 naming them all."""
    probes = APIRouter(tags=["operations"])

    @probes.get("/healthz")
    async def healthz() -> dict[str, str]:
        return {"status": "ok", "service": service}

    @probes.get("/readyz")
    async def readyz() -> Response:
        results = await checks()
        ready = all(results.values())
        return JSONResponse({"ready": ready, "checks": results}, status_code=200 if ready else 503)

    @probes.get("/metrics")
    async def metrics() -> Response:
        return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)

    return probes
