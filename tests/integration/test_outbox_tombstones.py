"""A tombstone goes through the transactional outbox like an event: committed with the state
change, published by the relay in order, as the key with a null value."""

import uuid

import asyncpg
import pytest
from aiokafka import AIOKafkaProducer

from shared.db import create_pool, migrate
from shared.events.envelope import CloudEvent
from shared.outbox import add_to_outbox, add_tombstone_to_outbox
from shared.relay import OutboxRelay
from tests.support.kafka import create_topic, read_to_end

pytestmark = pytest.mark.integration


async def test_the_relay_publishes_a_tombstone_row_as_a_null_value_after_the_event_before_it(
    ledger_env: dict[str, str],
) -> None:
    bootstrap = ledger_env["KAFKA_BOOTSTRAP_SERVERS"]
    topic = await create_topic(bootstrap, partitions=1)
    url = ledger_env["DATABASE_URL"]
    direct = await asyncpg.connect(url)
    try:
        await migrate(direct, schema="ledger", package="tests.support.ledger_migrations")
    finally:
        await direct.close()
    event = CloudEvent(
        source="/accelerator/test",
        type="accelerator.test.contact.v1",
        subject="athlete-1",
        data={"name": "Someone"},
        correlationid=str(uuid.uuid4()),
    )
    pool = await create_pool(url, schema="ledger", size=2)
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, enable_idempotence=True, acks="all")
    await producer.start()
    try:
        async with pool.acquire() as conn:
            async with conn.transaction():
                await add_to_outbox(conn, [(topic, event)])
                await add_tombstone_to_outbox(conn, topic=topic, key="athlete-1")
            with pytest.raises(RuntimeError, match="open transaction"):
                await add_tombstone_to_outbox(conn, topic=topic, key="athlete-1")
        relay = OutboxRelay(pool=pool, producer=producer, schema="ledger")
        while await relay.publish_pending():
            pass
        assert await relay.backlog() == 0
    finally:
        await producer.stop()
        await pool.close()

    first, second = await read_to_end(bootstrap, topic)
    assert (first.key, CloudEvent.from_bytes(first.value).id) == (b"athlete-1", event.id)
    assert (second.key, second.value) == (b"athlete-1", None)
    assert not second.headers, "a tombstone is no CloudEvent and carries no content type"
