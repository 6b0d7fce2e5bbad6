"""Test-side Kafka helpers: fresh topics, raw producing, and reading a topic to its end."""

import uuid
from collections.abc import Mapping, Sequence
from typing import Any

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient, NewTopic

from shared.kafka_admin import set_topic_configs


async def create_topic(bootstrap: str, *, partitions: int = 3, prefix: str = "test") -> str:
    name = f"{prefix}.{uuid.uuid4().hex[:12]}"
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        await admin.create_topics(
            [NewTopic(name=name, num_partitions=partitions, replication_factor=1)]
        )
    finally:
        await admin.close()
    return name


async def produce(bootstrap: str, topic: str, messages: Sequence[tuple[str, bytes | None]]) -> None:
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, enable_idempotence=True)
    await producer.start()
    try:
        for key, value in messages:
            await producer.send(topic, value, key=key.encode())
        await producer.flush()
    finally:
        await producer.stop()


async def read_to_end(bootstrap: str, topic: str) -> list[Any]:
    """Every record currently in the topic, in partition order."""
    consumer = AIOKafkaConsumer(
        topic, bootstrap_servers=bootstrap, auto_offset_reset="earliest", enable_auto_commit=False
    )
    await consumer.start()
    try:
        partitions = consumer.assignment()
        while not partitions:
            await consumer.getmany(timeout_ms=200)
            partitions = consumer.assignment()
        end = await consumer.end_offsets(list(partitions))
        records: list[Any] = []
        while [tp for tp in partitions if await consumer.position(tp) < end[tp]]:
            batch = await consumer.getmany(timeout_ms=1000)
            for tp_records in batch.values():
                records.extend(tp_records)
        return records
    finally:
        await consumer.stop()


async def set_topic_config(bootstrap: str, topic: str, config: Mapping[str, str]) -> None:
    """Make `config` the topic's settings (what it does not name returns to the default)."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        await set_topic_configs(admin, {topic: config})
    finally:
        await admin.close()


async def produce_to_partition(
    bootstrap: str, topic: str, partition: int, key: str, value: bytes | None
) -> None:
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, enable_idempotence=True)
    await producer.start()
    try:
        await producer.send_and_wait(topic, value, key=key.encode(), partition=partition)
    finally:
        await producer.stop()
