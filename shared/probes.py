"""/healthz (the process answers), /readyz (it can do its work) and /metrics for every service."""

import asyncio
from typing import TYPE_CHECKING, Any

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


def router(runtime: "ServiceRuntime") -> APIRouter:
    probes = APIRouter(tags=["operations"])

    @probes.get("/healthz")
    async def healthz() -> dict[str, str]:
        return {"status": "ok", "service": runtime.service}

    @probes.get("/readyz")
    async def readyz() -> Response:
        stalled_after = runtime.settings.stalled_consumer_after_s
        checks: dict[str, Any] = {
            "database": await _database_answers(runtime),
            "kafka": await _kafka_answers(runtime),
            "outbox_relay": not runtime.relay_failed,
            "consumers": not any(p.stalled(stalled_after) for p in runtime.consumer_progress),
        }
        ready = all(checks.values())
        return JSONResponse({"ready": ready, "checks": checks}, status_code=200 if ready else 503)

    @probes.get("/metrics")
    async def metrics() -> Response:
        return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)

    return probes
