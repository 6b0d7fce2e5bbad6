"""The shared kit's promises, proved on real Kafka and Postgres with real processes killed."""

import asyncio
import json
import signal
import uuid
from pathlib import Path

import asyncpg
import pytest

from shared.events.envelope import CloudEvent
from tests.support.kafka import create_topic, produce, read_to_end
from tests.support.processes import ServiceProcess, start_service
from tests.support.waiting import eventually

pytestmark = pytest.mark.integration

LEDGER = "tests.support.ledger_service"


def _event(subject: str, n: int) -> CloudEvent:
    return CloudEvent(
        source="/accelerator/test",
        type="accelerator.test.happened.v1",
        subject=subject,
        data={"n": n},
        correlationid=str(uuid.uuid4()),
    )


async def _applied(db: asyncpg.Connection, topic: str) -> dict[uuid.UUID, int]:
    rows = await db.fetch(
        "SELECT event_id, count(*) AS n FROM ledger.applied WHERE topic = $1 GROUP BY event_id",
        topic,
    )
    return {r["event_id"]: r["n"] for r in rows}


def _ledger(env: dict[str, str], topic: str, logs: Path, **extra: str) -> ServiceProcess:
    return start_service(LEDGER, env={**env, "LEDGER_TOPIC": topic, **extra}, log_dir=logs)


async def test_consumer_killed_after_db_commit_does_not_apply_twice(
    ledger_env: dict[str, str], admin_db: asyncpg.Connection, tmp_path: Path
) -> None:
    bootstrap = ledger_env["KAFKA_BOOTSTRAP_SERVERS"]
    topic = await create_topic(bootstrap)
    events = [_event(f"app-{i % 7}", i) for i in range(300)]
    await produce(bootstrap, topic, [(e.subject, e.to_bytes()) for e in events])

    crashing = _ledger(ledger_env, topic, tmp_path, ACCELERATOR_CRASH_AT="consumer_after_db_commit")
    assert crashing.wait_exit() == -signal.SIGKILL
    applied_before_restart = await _applied(admin_db, topic)
    assert applied_before_restart, "the first batch was committed to the database before the kill"

    survivor = _ledger(ledger_env, topic, tmp_path)
    try:
        await eventually(lambda: _count_is(admin_db, topic, len(events)))
        await asyncio.sleep(2)  # a late duplicate would show up here
        applied = await _applied(admin_db, topic)
        assert set(applied) == {e.id for e in events}
        assert set(applied.values()) == {1}, "an event was applied twice"
    finally:
        survivor.terminate()


async def test_consumer_killed_before_db_commit_applies_after_restart(
    ledger_env: dict[str, str], admin_db: asyncpg.Connection, tmp_path: Path
) -> None:
    bootstrap = ledger_env["KAFKA_BOOTSTRAP_SERVERS"]
    topic = await create_topic(bootstrap)
    events = [_event(f"app-{i}", i) for i in range(50)]
    await produce(bootstrap, topic, [(e.subject, e.to_bytes()) for e in events])

    crashing = _ledger(
        ledger_env, topic, tmp_path, ACCELERATOR_CRASH_AT="consumer_before_db_commit"
    )
    assert crashing.wait_exit() == -signal.SIGKILL
    assert await _applied(admin_db, topic) == {}, "nothing may be applied by a rolled-back batch"

    survivor = _ledger(ledger_env, topic, tmp_path)
    try:
        await eventually(lambda: _count_is(admin_db, topic, len(events)))
        applied = await _applied(admin_db, topic)
        assert set(applied) == {e.id for e in events}
        assert set(applied.values()) == {1}
    finally:
        survivor.terminate()


async def test_relay_killed_after_publishing_causes_only_a_duplicate_the_inbox_absorbs(
    ledger_env: dict[str, str], admin_db: asyncpg.Connection, tmp_path: Path
) -> None:
    bootstrap = ledger_env["KAFKA_BOOTSTRAP_SERVERS"]
    source = await create_topic(bootstrap)
    forwarded = await create_topic(bootstrap)
    events = [_event(f"app-{i % 5}", i) for i in range(40)]
    await produce(bootstrap, source, [(e.subject, e.to_bytes()) for e in events])

    # First process: consumes the source and queues forwarded events in its outbox, then
    # dies right after Kafka acknowledged them and before the rows were marked sent.
    crashing = _ledger(
        ledger_env,
        source,
        tmp_path,
        LEDGER_FORWARD_TOPIC=forwarded,
        ACCELERATOR_CRASH_AT="relay_after_publish",
    )
    assert crashing.wait_exit() == -signal.SIGKILL
    first_copies = await read_to_end(bootstrap, forwarded)
    assert first_copies, "the relay published before it was killed"

    # Second process: the relay publishes the unmarked rows again; a third process
    # consumes the forwarded topic and must apply each forwarded event once.
    relay = _ledger(ledger_env, source, tmp_path, LEDGER_FORWARD_TOPIC=forwarded)
    reader = _ledger(ledger_env, forwarded, tmp_path)
    try:
        await eventually(lambda: _count_is(admin_db, forwarded, len(events)))
        await asyncio.sleep(2)
        on_kafka = await read_to_end(bootstrap, forwarded)
        ids_on_kafka = [CloudEvent.from_bytes(r.value).id for r in on_kafka]
        assert len(ids_on_kafka) > len(set(ids_on_kafka)), "the kill produced a duplicate"
        assert len(set(ids_on_kafka)) == len(events), "every forwarded event reached Kafka"
        applied = await _applied(admin_db, forwarded)
        assert len(applied) == len(events)
        assert set(applied.values()) == {1}, "the inbox must absorb the duplicate"
        assert (
            await admin_db.fetchval("SELECT count(*) FROM ledger.outbox WHERE published_at IS NULL")
            == 0
        )
    finally:
        relay.terminate()
        reader.terminate()


async def test_malformed_message_is_dead_lettered_and_the_partition_moves_on(
    ledger_env: dict[str, str], admin_db: asyncpg.Connection, tmp_path: Path
) -> None:
    bootstrap = ledger_env["KAFKA_BOOTSTRAP_SERVERS"]
    topic = await create_topic(bootstrap, partitions=1)
    before, after = _event("app-1", 1), _event("app-1", 2)
    garbage = b'{"specversion": "1.0", "type": 42'
    await produce(
        bootstrap,
        topic,
        [("app-1", before.to_bytes()), ("app-1", garbage), ("app-1", after.to_bytes())],
    )

    service = _ledger(ledger_env, topic, tmp_path)
    try:
        await eventually(lambda: _count_is(admin_db, topic, 2))
        assert set(await _applied(admin_db, topic)) == {before.id, after.id}

        dead = [
            r
            for r in await read_to_end(bootstrap, "accelerator.dlq")
            if dict(r.headers).get("dlq.origin.topic") == topic.encode()
        ]
        assert len(dead) == 1
        headers = dict(dead[0].headers)
        assert dead[0].value == garbage
        assert dead[0].key == b"app-1"
        assert headers["dlq.origin.offset"] == b"1"
        assert headers["dlq.consumer.group"] == b"ledger"
        assert b"not a CloudEvent" in headers["dlq.error.reason"]
    finally:
        service.terminate()


async def test_tombstones_reach_their_handler_and_are_not_dead_letters(
    ledger_env: dict[str, str], admin_db: asyncpg.Connection, tmp_path: Path
) -> None:
    bootstrap = ledger_env["KAFKA_BOOTSTRAP_SERVERS"]
    topic = await create_topic(bootstrap, partitions=1)
    first, second = _event("athlete-9", 1), _event("athlete-9", 2)
    await produce(
        bootstrap,
        topic,
        [("athlete-9", first.to_bytes()), ("athlete-9", None), ("athlete-9", second.to_bytes())],
    )
    service = _ledger(ledger_env, topic, tmp_path, LEDGER_ACCEPTS_TOMBSTONES="1")
    try:
        await eventually(lambda: _count_is(admin_db, topic, 2))
        erased = await admin_db.fetch("SELECT subject FROM ledger.erased WHERE topic = $1", topic)
        assert [r["subject"] for r in erased] == ["athlete-9"]
        assert set(await _applied(admin_db, topic)) == {first.id, second.id}
        dead = [
            r
            for r in await read_to_end(bootstrap, "accelerator.dlq")
            if dict(r.headers).get("dlq.origin.topic") == topic.encode()
        ]
        assert dead == [], "a tombstone with a handler is not a dead letter"
    finally:
        service.terminate()


async def test_sigterm_drains_and_exits_cleanly(ledger_env: dict[str, str], tmp_path: Path) -> None:
    topic = await create_topic(ledger_env["KAFKA_BOOTSTRAP_SERVERS"])
    service = _ledger(ledger_env, topic, tmp_path)
    await service.wait_ready()
    # uvicorn re-raises SIGTERM once shutdown is complete, so a clean stop reports it.
    assert service.terminate() in (0, -signal.SIGTERM)
    lines = [json.loads(line) for line in service.log_text().splitlines() if line.startswith("{")]
    assert any(line.get("event") == "service stopped" for line in lines)


async def _count_is(db: asyncpg.Connection, topic: str, expected: int) -> bool:
    return sum((await _applied(db, topic)).values()) >= expected
