"""Close -> every offer and waitlist event published: grant's close of the edition, from the
close request to the last grant.offered / application.waitlisted event on accelerator.grants."""

import asyncio
import time
from dataclasses import dataclass

import httpx

from bench.observe import Glimpse, consumer_at_end
from bench.processes import Window
from bench.stack import Stack
from shared import topics

_OUTCOMES = frozenset({"accelerator.grant.offered.v1", "accelerator.application.waitlisted.v1"})


@dataclass(frozen=True)
class CloseRun:
    events: int  # offers and waitlist places published
    seconds: float  # from the close request to the last of them on the topic
    latencies_ms: list[float]  # each event's record time after the close request
    mean_size: float
    window: Window


async def run(stack: Stack, edition_id: str, pids: dict[str, int], timeout_s: float) -> CloseRun:
    consumer = await consumer_at_end(stack.bootstrap, [topics.GRANTS])
    window = Window(pids).start()
    arrived: list[tuple[float, int]] = []  # record time (ms), size
    try:
        started_ms = time.time() * 1000
        async with httpx.AsyncClient(base_url=stack.env["GRANT_URL"], timeout=timeout_s) as client:
            answer = await client.post(
                f"/v1/editions/{edition_id}/close",
                headers={"Authorization": f"Bearer {stack.env['ADMIN_TOKEN']}"},
            )
        if answer.status_code != 200:
            raise RuntimeError(f"grant answered {answer.status_code}: {answer.text[:300]}")
        closing = answer.json()
        expected = closing["offered_at_close"] + closing["waitlisted_at_close"]
        async with asyncio.timeout(timeout_s):
            while len(arrived) < expected:
                for records in (await consumer.getmany(timeout_ms=500)).values():
                    for record in records:
                        if record.value is None:
                            continue
                        if Glimpse.of(record.value).type in _OUTCOMES:
                            arrived.append((float(record.timestamp), len(record.value)))
    finally:
        await consumer.stop()
    window.stop()
    if not arrived:
        raise RuntimeError(f"closing {edition_id} offered nothing and waitlisted no one")
    return CloseRun(
        events=len(arrived),
        seconds=(max(at for at, _ in arrived) - started_ms) / 1000,
        latencies_ms=[at - started_ms for at, _ in arrived],
        mean_size=sum(size for _, size in arrived) / len(arrived),
        window=window,
    )
