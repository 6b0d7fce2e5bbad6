"""What the ops commands ask Kafka: consumer groups, their offsets and members, topic sizes."""

from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager
from dataclasses import dataclass

from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.errors import KafkaError

from cli.errors import CommandFailed

_TIMEOUT_MS = 10_000


def unreachable(bootstrap: str, exc: BaseException) -> CommandFailed:
    return CommandFailed(f"Kafka at {bootstrap} is unreachable: {exc!r}")


@asynccontextmanager
async def kafka_admin(bootstrap: str) -> AsyncIterator[AIOKafkaAdminClient]:
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap, request_timeout_ms=_TIMEOUT_MS)
    try:
        await admin.start()
    except (KafkaError, OSError) as exc:
        await admin.close()
        raise unreachable(bootstrap, exc) from exc
    try:
        yield admin
    finally:
        await admin.close()


@asynccontextmanager
async def kafka_reader(
    bootstrap: str, *, group_id: str | None = None
) -> AsyncIterator[AIOKafkaConsumer]:
    """A consumer with no subscription: reads offsets, and with a group id commits them."""
    reader = AIOKafkaConsumer(
        bootstrap_servers=bootstrap,
        group_id=group_id,
        enable_auto_commit=False,
        request_timeout_ms=_TIMEOUT_MS,
    )
    try:
        await reader.start()
    except (KafkaError, OSError) as exc:
        await reader.stop()
        raise unreachable(bootstrap, exc) from exc
    try:
        yield reader
    finally:
        await reader.stop()


async def partitions_of(admin: AIOKafkaAdminClient, topics: Iterable[str]) -> list[TopicPartition]:
    """Every partition of these topics, in topic and partition order."""
    wanted = sorted(set(topics))
    if not wanted:
        return []
    partitions: list[TopicPartition] = []
    for described in sorted(await admin.describe_topics(wanted), key=lambda t: t["topic"]):
        if described["error_code"] or not described["partitions"]:
            raise CommandFailed(f"there is no topic {described['topic']!r} in Kafka")
        numbers = sorted(p["partition"] for p in described["partitions"])
        partitions += [TopicPartition(described["topic"], n) for n in numbers]
    return partitions


@dataclass(frozen=True)
class GroupMembers:
    group: str
    state: str
    members: list[str]  # client id @ host, one per live member


async def group_members(admin: AIOKafkaAdminClient, group: str) -> GroupMembers:
    (response,) = await admin.describe_consumer_groups([group])
    (described,) = response.to_object()["groups"]
    return GroupMembers(
        group=group,
        state=described["state"] or "Dead",
        members=[f"{m['client_id']}@{m['client_host']}" for m in described["members"]],
    )


async def committed_offsets(admin: AIOKafkaAdminClient, group: str) -> dict[TopicPartition, int]:
    """The group's committed position per partition (only partitions it committed on)."""
    found = await admin.list_consumer_group_offsets(group)
    return {tp: meta.offset for tp, meta in found.items() if meta.offset >= 0}


@dataclass(frozen=True)
class PartitionLag:
    partition: TopicPartition
    committed: int | None  # None: the group never committed here and starts at the beginning
    start: int
    end: int

    @property
    def lag(self) -> int:
        return self.end - (self.start if self.committed is None else max(self.committed, 0))


async def group_lag(
    admin: AIOKafkaAdminClient, reader: AIOKafkaConsumer, group: str
) -> list[PartitionLag]:
    """End offset minus committed offset, on every partition of every topic the group read."""
    committed = await committed_offsets(admin, group)
    partitions = await partitions_of(admin, {tp.topic for tp in committed})
    if not partitions:
        return []
    starts = await reader.beginning_offsets(partitions)
    ends = await reader.end_offsets(partitions)
    return [
        PartitionLag(tp, committed.get(tp), starts[tp], ends[tp])
        for tp in sorted(partitions, key=lambda tp: (tp.topic, tp.partition))
    ]
