"""A raw aiokafka pipeline of a given shape: a loader produces each application's first
events, then each hop consumes them and, once it holds all of an application's events,
produces that application's events of the next hop. No database, no envelope parsing."""

import asyncio
import time
import uuid
from collections import Counter
from dataclasses import dataclass

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer

from tests.support.kafka import create_topic

PARTITIONS = 6  # as the keyed topics of the stack


@dataclass(frozen=True)
class Hop:
    events: int  # per application
    size: int  # bytes per event


def _producer(bootstrap: str) -> AIOKafkaProducer:
    return AIOKafkaProducer(bootstrap_servers=bootstrap, linger_ms=5, acks="all")


def _consumer(bootstrap: str, topic: str) -> AIOKafkaConsumer:
    return AIOKafkaConsumer(
        topic,
        bootstrap_servers=bootstrap,
        group_id=f"bench-raw-{uuid.uuid4().hex[:8]}",
        auto_offset_reset="earliest",
        enable_auto_commit=False,
    )


async def _forward(
    bootstrap: str, source: str, target: str, expect: int, hop: Hop, applications: int
) -> None:
    """consume -> produce, committing offsets after each batch is flushed."""
    consumer, producer = _consumer(bootstrap, source), _producer(bootstrap)
    await consumer.start()
    await producer.start()
    held: Counter[bytes] = Counter()
    done = 0
    payload = b"x" * hop.size
    try:
        while done < applications:
            batches = await consumer.getmany(timeout_ms=200, max_records=500)
            for records in batches.values():
                for record in records:
                    held[record.key] += 1
                    if held[record.key] == expect:
                        done += 1
                        for _ in range(hop.events):
                            await producer.send(target, payload, key=record.key)
            if batches:
                await producer.flush()
                await consumer.commit()
    finally:
        await producer.stop()
        await consumer.stop()


async def _collect(
    bootstrap: str, topic: str, expect: int, applications: int, ready: asyncio.Event
) -> dict[bytes, float]:
    """When (Unix time, ms) the collector read the last event of each application: the
    record's own time stamp is the producer's, taken before the broker had it."""
    consumer = _consumer(bootstrap, topic)
    await consumer.start()
    ready.set()
    held: Counter[bytes] = Counter()
    finished: dict[bytes, float] = {}
    try:
        while len(finished) < applications:
            for records in (await consumer.getmany(timeout_ms=200)).values():
                for record in records:
                    held[record.key] += 1
                    if held[record.key] == expect:
                        finished[record.key] = time.time() * 1000
        return finished
    finally:
        await consumer.stop()


async def run(bootstrap: str, applications: int, hops: list[Hop]) -> tuple[float, list[float]]:
    """Seconds from the first event produced to the last one of the last hop read, and each
    application's latency (ms) from its first event to its last event of the last hop."""
    names = [await create_topic(bootstrap, partitions=PARTITIONS, prefix="bench") for _ in hops]
    ready = asyncio.Event()
    collector = asyncio.create_task(
        _collect(bootstrap, names[-1], hops[-1].events, applications, ready)
    )
    forwarders = [
        asyncio.create_task(
            _forward(bootstrap, names[i - 1], names[i], hops[i - 1].events, hops[i], applications)
        )
        for i in range(1, len(hops))
    ]
    await ready.wait()
    await asyncio.sleep(1.0)  # the consumer groups join before anything flows
    producer = _producer(bootstrap)
    await producer.start()
    payload = b"x" * hops[0].size
    started_ms: dict[bytes, float] = {}
    t0 = time.time()
    try:
        for n in range(applications):
            key = f"app-{n}".encode()
            started_ms[key] = time.time() * 1000
            for _ in range(hops[0].events):
                await producer.send(names[0], payload, key=key)
        await producer.flush()
    finally:
        await producer.stop()
    finished = await collector
    await asyncio.gather(*forwarders)
    last = max(finished.values()) / 1000
    return last - t0, [finished[key] - started_ms[key] for key in finished]
