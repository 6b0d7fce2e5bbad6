"""/healthz, /readyz and /metrics, as every service answers them; the dashboard has no
database or outbox, so it is ready once it has read the topics' history and keeps reading."""

from fastapi import APIRouter, Response
from fastapi.responses import JSONResponse
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from services.dashboard.adapters.topic_reader import TopicReader


def router(*, service: str, reader: TopicReader) -> APIRouter:
    probes = APIRouter(tags=["operations"])

    @probes.get("/healthz")
    async def healthz() -> dict[str, str]:
        return {"status": "ok", "service": service}

    @probes.get("/readyz")
    async def readyz() -> Response:
        checks = {"history_read": reader.caught_up, "reading": not reader.failed}
        ready = all(checks.values())
        return JSONResponse({"ready": ready, "checks": checks}, status_code=200 if ready else 503)

    @probes.get("/metrics")
    async def metrics() -> Response:
        return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)

    return probes
