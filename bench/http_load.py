"""The one HTTP load generator of the suite: httpx, N concurrent clients over keep-alive
connections, each posting the next body until none is left."""

import asyncio
import time
from collections.abc import Iterator

import httpx

# What a resent submission answers when its first try had landed: intake refuses a second
# application of the same athlete, so a resend never stores anything twice.
ALREADY_STORED = 409


async def _post(client: httpx.AsyncClient, path: str, body: bytes, expect: int) -> bool:
    """Posts once more when the connection failed: under full CPU a server can close a
    keep-alive connection just as the client reuses it. True when it had to resend."""
    try:
        answer = await client.post(path, content=body)
        resent = False
    except httpx.TransportError:
        answer = await client.post(path, content=body)
        resent = True
    if answer.status_code != expect and not (resent and answer.status_code == ALREADY_STORED):
        raise RuntimeError(f"POST {path}: {answer.status_code} {answer.text[:300]}")
    return resent


async def _client(
    client: httpx.AsyncClient,
    path: str,
    bodies: Iterator[bytes],
    expect: int,
    took: list[float],
    resent: list[bool],
) -> None:
    for body in bodies:
        sent = time.perf_counter()
        resent.append(await _post(client, path, body, expect))
        took.append((time.perf_counter() - sent) * 1000)


async def post_all(
    url: str, path: str, bodies: list[bytes], concurrency: int, expect: int = 202
) -> tuple[float, list[float]]:
    """Seconds to post every body, and each request's latency (ms), a resent one's
    counting both tries."""
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    headers = {"Content-Type": "application/json"}
    remaining = iter(bodies)  # shared: whichever client is free takes the next
    took: list[float] = []
    resent: list[bool] = []
    async with httpx.AsyncClient(base_url=url, limits=limits, headers=headers, timeout=60) as c:
        started = time.perf_counter()
        await asyncio.gather(
            *(_client(c, path, remaining, expect, took, resent) for _ in range(concurrency))
        )
        seconds = time.perf_counter() - started
    if any(resent):
        print(f"  {sum(resent)} of {len(bodies)} POSTs resent after a dropped connection")
    return seconds, took
