"""/healthz (the process answers), /readyz (it can do its work) and /metrics for every service."""

import asyncio
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

from fastapi import APIRouter, Response
from fastapi.responses import JSONResponse
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from shared.logs import get_logger

if TYPE_CHECKING:
    from shared.runtime import ServiceRuntime

log = get_logger(__name__)

# Each check gives up after this: an unreachable host must not hang the probe past the
# orchestrator's own probe timeout, and "no answer in time" is itself "not ready".
_CHECK_TIMEOUT_S = 2.0


async def _database_answers(runtime: "ServiceRuntime") -> None:
    async with asyncio.timeout(_CHECK_TIMEOUT_S):
        async with runtime.pool.acquire() as conn:
            await conn.fetchval("SELECT true")


async def _kafka_answers(runtime: "ServiceRuntime") -> None:
    async with asyncio.timeout(_CHECK_TIMEOUT_S):
        # Asks a broker for fresh metadata; raises when none answers (cached data is not used).
        await runtime.producer.client.fetch_all_metadata()


class _Reachability:
    """Whether a dependency answers now; logs the cause once when it stops, and its return."""

    def __init__(self, name: str, probe: Callable[[], Awaitable[None]]) -> None:
        self._name = name
        self._probe = probe
        self._failing = False

    async def answers(self) -> bool:
        try:
            await self._probe()
        except Exception as exc:
            if not self._failing:
                cause = "no answer in time" if isinstance(exc, TimeoutError) else repr(exc)
                log.warning("not ready: no answer", check=self._name, cause=cause)
            self._failing = True
            return False
        if self._failing:
            log.info("answers again", check=self._name)
        self._failing = False
        return True


Checks = Callable[[], Awaitable[dict[str, bool]]]


def service_checks(runtime: "ServiceRuntime") -> Checks:
    """What a service with a database, an outbox and consumers needs to do its work."""
    database = _Reachability("database", lambda: _database_answers(runtime))
    kafka = _Reachability("kafka", lambda: _kafka_answers(runtime))

    async def checks() -> dict[str, bool]:
        stalled_after = runtime.settings.stalled_consumer_after_s
        # Side by side, so /readyz answers within one check timeout even with both gone.
        database_ok, kafka_ok = await asyncio.gather(database.answers(), kafka.answers())
        return {
            "database": database_ok,
            "kafka": kafka_ok,
            "outbox_relay": not runtime.relay_failed,
            "consumers": not any(p.stalled(stalled_after) for p in runtime.consumer_progress),
        }

    return checks


def router(service: str, checks: Checks) -> APIRouter:
    """/readyz is 200 when every check holds, else 503 naming the failing ones."""
    probes = APIRouter(tags=["operations"])

    @probes.get("/healthz")
    async def healthz() -> dict[str, str]:
        return {"status": "ok", "service": service}

    @probes.get("/readyz")
    async def readyz() -> Response:
        results = await checks()
        failing = sorted(name for name, passed in results.items() if not passed)
        ready = not failing
        return JSONResponse(
            {"ready": ready, "checks": results, "failing": failing},
            status_code=200 if ready else 503,
        )

    @probes.get("/metrics")
    async def metrics() -> Response:
        return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)

    return probes
