"""The one HTTP load generator of the suite: httpx, N concurrent clients over keep-alive
connections, each posting the next body until none is left."""

import asyncio
import time
from collections.abc import Iterator

import httpx


async def _client(
    client: httpx.AsyncClient, path: str, bodies: Iterator[bytes], expect: int, took: list[float]
) -> None:
    for body in bodies:
        sent = time.perf_counter()
        answer = await client.post(path, content=body)
        took.append((time.perf_counter() - sent) * 1000)
        if answer.status_code != expect:
            raise RuntimeError(f"POST {path}: {answer.status_code} {answer.text[:300]}")


async def post_all(
    url: str, path: str, bodies: list[bytes], concurrency: int, expect: int = 202
) -> tuple[float, list[float]]:
    """Seconds to post every body, and each request's latency (ms)."""
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    headers = {"Content-Type": "application/json"}
    remaining = iter(bodies)  # shared: whichever client is free takes the next
    took: list[float] = []
    async with httpx.AsyncClient(base_url=url, limits=limits, headers=headers, timeout=60) as c:
        started = time.perf_counter()
        await asyncio.gather(
            *(_client(c, path, remaining, expect, took) for _ in range(concurrency))
        )
        return time.perf_counter() - started, took
