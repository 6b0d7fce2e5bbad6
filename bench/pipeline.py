"""Throughput and latency of one pipeline stage built on the shared kit, against a raw
aiokafka pass-through measured in the same run on the same broker.

The stage is a real process: consume a batch, record the event ids in the inbox, write
state and an outbox row per event in one transaction, commit offsets, and let the relay
publish the outbox. Run against a running stack: `make up && python -m bench.pipeline`.
"""

import argparse
import asyncio
import os
import secrets
import statistics
import time
import uuid
from pathlib import Path
from typing import Any

import asyncpg
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer

from infra.provision import provision_sql
from infra.stack_env import read_env_file
from shared.events.envelope import CloudEvent
from tests.support.kafka import create_topic
from tests.support.processes import start_service

ROOT = Path(__file__).resolve().parent.parent


def _events(count: int) -> list[CloudEvent]:
    return [
        CloudEvent(
            source="/accelerator/bench",
            type="accelerator.bench.happened.v1",
            subject=f"app-{i % 997}",
            data={"n": i, "pitch": "x" * 400},
            correlationid=str(uuid.uuid4()),
        )
        for i in range(count)
    ]


async def _produce(bootstrap: str, topic: str, events: list[CloudEvent]) -> None:
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, linger_ms=5, acks="all")
    await producer.start()
    try:
        for e in events:
            await producer.send(topic, e.to_bytes(), key=e.subject.encode())
        await producer.flush()
    finally:
        await producer.stop()


async def _collect(bootstrap: str, topic: str, count: int, started: asyncio.Event) -> list[Any]:
    consumer = AIOKafkaConsumer(topic, bootstrap_servers=bootstrap, auto_offset_reset="earliest")
    await consumer.start()
    started.set()
    records: list[Any] = []
    try:
        while len(records) < count:
            for batch in (await consumer.getmany(timeout_ms=500)).values():
                records.extend(batch)
        return records
    finally:
        await consumer.stop()


async def _raw_pass_through(bootstrap: str, source: str, target: str, count: int) -> None:
    consumer = AIOKafkaConsumer(
        source,
        bootstrap_servers=bootstrap,
        group_id=f"bench-raw-{uuid.uuid4().hex[:6]}",
        auto_offset_reset="earliest",
        enable_auto_commit=False,
    )
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, linger_ms=5, acks="all")
    await consumer.start()
    await producer.start()
    seen = 0
    try:
        while seen < count:
            batches = await consumer.getmany(timeout_ms=500, max_records=500)
            for records in batches.values():
                for r in records:
                    await producer.send(target, r.value, key=r.key)
                seen += len(records)
            await producer.flush()
            if batches:
                await consumer.commit()
    finally:
        await producer.stop()
        await consumer.stop()


def _report(name: str, events: int, seconds: float, latencies_ms: list[float]) -> str:
    q = statistics.quantiles(latencies_ms, n=100)
    return (
        f"{name:<34} {events / seconds:>10,.0f} ev/s   p50 {q[49]:>7.1f} ms"
        f"   p99 {q[98]:>7.1f} ms   ({events} events in {seconds:.1f} s)"
    )


async def _measure(bootstrap: str, count: int, run: Any, target: str) -> tuple[float, list[float]]:
    started = asyncio.Event()
    collector = asyncio.create_task(_collect(bootstrap, target, count, started))
    await started.wait()
    t0 = time.monotonic()
    events = _events(count)
    await run(events)
    records = await collector
    elapsed = time.monotonic() - t0
    sent = {e.id: e.time.timestamp() * 1000 for e in events}
    latencies = []
    for r in records:
        original = CloudEvent.from_bytes(r.value)
        key = uuid.UUID(original.data.get("original_id", str(original.id)))
        latencies.append(r.timestamp - sent[key])
    return elapsed, latencies


async def main(count: int) -> None:
    env = {**read_env_file(ROOT / ".run" / "stack.env"), **os.environ}
    bootstrap = env["KAFKA_BOOTSTRAP_SERVERS"]

    source, target = (
        await create_topic(bootstrap, prefix="bench"),
        await create_topic(bootstrap, prefix="bench"),
    )
    raw = asyncio.create_task(_raw_pass_through(bootstrap, source, target, count))

    async def feed_raw(events: list[CloudEvent]) -> None:
        await _produce(bootstrap, source, events)
        await raw

    raw_s, raw_lat = await _measure(bootstrap, count, feed_raw, target)

    password = secrets.token_urlsafe(16)
    admin = await asyncpg.connect(env["DATABASE_URL"])
    await admin.execute(provision_sql("bench", password))
    await admin.execute("DROP SCHEMA bench CASCADE; CREATE SCHEMA bench AUTHORIZATION bench")
    await admin.close()
    host = env["DATABASE_URL"].rsplit("@", 1)[1]
    source, target = (
        await create_topic(bootstrap, prefix="bench"),
        await create_topic(bootstrap, prefix="bench"),
    )
    stage = start_service(
        "tests.support.ledger_service",
        env={
            "KAFKA_BOOTSTRAP_SERVERS": bootstrap,
            "DATABASE_URL": f"postgresql://bench:{password}@{host}",
            "LEDGER_TOPIC": source,
            "LEDGER_FORWARD_TOPIC": target,
            "LEDGER_SCHEMA": "bench",
            "LOG_LEVEL": "WARNING",
        },
        log_dir=ROOT / ".run" / "bench",
        name="bench-stage",
    )
    try:
        await stage.wait_ready()

        async def feed_stage(events: list[CloudEvent]) -> None:
            await _produce(bootstrap, source, events)

        stage_s, stage_lat = await _measure(bootstrap, count, feed_stage, target)
    finally:
        stage.terminate()

    print(_report("raw aiokafka pass-through", count, raw_s, raw_lat))
    print(_report("shared-kit stage (inbox+outbox)", count, stage_s, stage_lat))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--events", type=int, default=20_000)
    asyncio.run(main(parser.parse_args().events))
