"""The least an HTTP submission can be: a FastAPI endpoint under uvicorn that stores the JSON
body with one asyncpg insert and answers 202. `python -m bench.baselines.http_insert` with
DATABASE_URL, HTTP_HOST and HTTP_PORT; it keeps its table in a schema of its own."""

import os
import tempfile
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import asyncpg
import uvicorn
from fastapi import FastAPI, Request, Response

from bench.http_load import post_all
from bench.processes import Window
from tests.support.processes import start_service

POOL_SIZE = 8  # intake's DB_POOL_SIZE
_SCHEMA = """
CREATE SCHEMA IF NOT EXISTS bench_http;
CREATE TABLE IF NOT EXISTS bench_http.applications (
    id bigserial PRIMARY KEY, edition_id text NOT NULL, body jsonb NOT NULL
)
"""


def create_app(database_url: str) -> FastAPI:
    pool: list[asyncpg.Pool] = []

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        pool.append(await asyncpg.create_pool(database_url, min_size=POOL_SIZE, max_size=POOL_SIZE))
        await pool[0].execute(_SCHEMA)
        yield
        await pool[0].close()

    app = FastAPI(lifespan=lifespan)

    @app.get("/readyz")
    async def ready() -> dict[str, str]:
        return {"status": "ok"}

    @app.post("/v1/editions/{edition_id}/applications", status_code=202)
    async def submit(edition_id: str, request: Request) -> Response:
        await pool[0].execute(
            "INSERT INTO bench_http.applications (edition_id, body) VALUES ($1, $2)",
            edition_id,
            (await request.body()).decode(),
        )
        return Response(status_code=202)

    return app


async def measure(
    database_url: str, bodies: list[bytes], concurrency: int, pids: dict[str, int]
) -> tuple[float, list[float], Window]:
    """Starts the endpoint as its own process and posts `bodies` to it as intake's are."""
    server = start_service(
        "bench.baselines.http_insert",
        env={"DATABASE_URL": database_url},
        log_dir=Path(tempfile.mkdtemp(prefix="bench-http-")),
        name="bench-http-insert",
    )
    try:
        await server.wait_ready()
        path = "/v1/editions/bench/applications"
        await post_all(server.url, path, bodies[:200], concurrency)  # warm-up
        window = Window({**pids, "fastapi+asyncpg": server.popen.pid}).start()
        seconds, latencies = await post_all(server.url, path, bodies, concurrency)
        return seconds, latencies, window.stop()
    finally:
        server.terminate()


if __name__ == "__main__":
    uvicorn.run(
        create_app(os.environ["DATABASE_URL"]),
        host=os.environ.get("HTTP_HOST", "127.0.0.1"),
        port=int(os.environ["HTTP_PORT"]),
        log_level="warning",
        access_log=False,
    )
