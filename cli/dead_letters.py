"""The dead-letter topic as the CLI sees it: entries, and the markers that say one was redriven.

An entry is a record the services wrote to accelerator.dlq: the original key and bytes, with
`dlq.*` headers naming the origin topic/partition/offset, the consumer group and the error.
When `accelerator dlq redrive` has dealt with an entry it appends a *marker* to the same
topic: a record with no value, the entry's key, and the headers `dlq.redrive.of` (the
entry's ref), `dlq.redrive.at` and `dlq.redrive.outcome`. The topic keeps everything, so
entries and markers stay together for every operator, and anything counting dead letters
tells them apart by `dlq.origin.topic` (entries) and `dlq.redrive.of` (markers).

A ref is `<partition>:<offset>` of the entry in accelerator.dlq, e.g. `2:17`.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from aiokafka.errors import KafkaError

from cli.errors import CommandFailed
from cli.kafka_ops import kafka_admin, kafka_reader, partitions_of, unreachable
from shared import topics
from shared.dlq import DlqHeader

MARKER_OF = DlqHeader.REDRIVE_OF
MARKER_AT = DlqHeader.REDRIVE_AT
MARKER_OUTCOME = DlqHeader.REDRIVE_OUTCOME
# On a republished record: the entry it came from (kept if it is dead-lettered again).
REDRIVEN_FROM = "accelerator.redriven.from"


@dataclass(frozen=True)
class Redrive:
    at: str
    outcome: str


@dataclass
class DeadLetter:
    partition: int
    offset: int
    timestamp: datetime
    key: bytes | None
    value: bytes | None
    headers: list[tuple[str, bytes]]
    redrive: Redrive | None = field(default=None)

    @property
    def ref(self) -> str:
        return f"{self.partition}:{self.offset}"

    def header(self, name: str) -> str | None:
        """The last value of a header (a redriven record may carry an older one too)."""
        values = [v for k, v in self.headers if k == name]
        return values[-1].decode(errors="replace") if values else None

    @property
    def origin_topic(self) -> str | None:
        return self.header(DlqHeader.ORIGIN_TOPIC)

    @property
    def origin(self) -> str:
        partition = self.header(DlqHeader.ORIGIN_PARTITION)
        offset = self.header(DlqHeader.ORIGIN_OFFSET)
        return f"{self.origin_topic or '?'}[{partition or '?'}]@{offset or '?'}"

    @property
    def group(self) -> str:
        return self.header(DlqHeader.CONSUMER_GROUP) or "?"

    @property
    def error(self) -> str:
        error_class = self.header(DlqHeader.ERROR_CLASS) or "?"
        return f"{error_class}: {self.header(DlqHeader.ERROR_REASON) or ''}"

    @property
    def failed_at(self) -> str:
        return self.header(DlqHeader.FAILED_AT) or self.timestamp.isoformat()

    @property
    def notification_id(self) -> str | None:
        return self.header(DlqHeader.NOTIFICATION_ID)

    @property
    def key_text(self) -> str:
        return self.key.decode(errors="replace") if self.key is not None else ""


def parse_ref(ref: str) -> tuple[int, int]:
    partition, sep, offset = ref.partition(":")
    if not (sep and partition.isdigit() and offset.isdigit()):
        raise CommandFailed(
            f"{ref!r} is not a dead-letter ref: expected <partition>:<offset>, e.g. 0:12"
        )
    return int(partition), int(offset)


async def read_dead_letters(
    bootstrap: str, *, on_progress: Callable[[int, int], None] | None = None
) -> list[DeadLetter]:
    """Every entry of accelerator.dlq in partition and offset order, with its redrive if any.

    on_progress(read, total) is called as records arrive.
    """
    entries: dict[str, DeadLetter] = {}
    redrives: dict[str, Redrive] = {}
    async with kafka_admin(bootstrap) as admin, kafka_reader(bootstrap) as reader:
        partitions = await partitions_of(admin, [topics.DLQ])
        starts = await reader.beginning_offsets(partitions)
        ends = await reader.end_offsets(partitions)
        total = sum(ends[tp] - starts[tp] for tp in partitions)
        reader.assign(partitions)
        for tp in partitions:
            reader.seek(tp, starts[tp])
        done = 0
        while await _still_behind(reader, ends):
            batch = await reader.getmany(timeout_ms=1000)
            for tp, records in batch.items():
                for record in records:
                    if record.offset >= ends[tp]:
                        continue
                    done += 1
                    headers = [(k, bytes(v)) for k, v in record.headers]
                    marker_of = dict(headers).get(MARKER_OF)
                    if marker_of is not None:
                        names = dict(headers)
                        redrives[marker_of.decode()] = Redrive(
                            at=names.get(MARKER_AT, b"").decode(),
                            outcome=names.get(MARKER_OUTCOME, b"").decode(),
                        )
                        continue
                    entry = DeadLetter(
                        partition=tp.partition,
                        offset=record.offset,
                        timestamp=datetime.fromtimestamp(record.timestamp / 1000, UTC),
                        key=record.key,
                        value=record.value,
                        headers=headers,
                    )
                    entries[entry.ref] = entry
            if on_progress:
                on_progress(done, total)
    for ref, redrive in redrives.items():
        if ref in entries:
            entries[ref].redrive = redrive
    return sorted(entries.values(), key=lambda e: (e.partition, e.offset))


async def _still_behind(reader: AIOKafkaConsumer, ends: dict[TopicPartition, int]) -> bool:
    for tp, end in ends.items():
        if await reader.position(tp) < end:
            return True
    return False


class DeadLetterWriter:
    """Puts dead letters back on their origin topic and records that it did, over one
    idempotent producer that waits for every replica, like the services' relays."""

    def __init__(self, bootstrap: str) -> None:
        self._bootstrap = bootstrap
        self._producer = AIOKafkaProducer(
            bootstrap_servers=bootstrap, enable_idempotence=True, acks="all"
        )

    async def __aenter__(self) -> "DeadLetterWriter":
        try:
            await self._producer.start()
        except (KafkaError, OSError) as exc:
            await self._producer.stop()
            raise unreachable(self._bootstrap, exc) from exc
        return self

    async def __aexit__(self, *_: object) -> None:
        await self._producer.stop()

    async def republish(self, entry: DeadLetter) -> str:
        """The original key and bytes back on the origin topic; returns where they landed."""
        if entry.origin_topic is None:
            raise ValueError(f"dead letter {entry.ref} names no origin topic")
        headers = [
            (k, v) for k, v in entry.headers if not k.startswith("dlq.") and k != REDRIVEN_FROM
        ]
        headers.append((REDRIVEN_FROM, entry.ref.encode()))
        sent = await self._producer.send_and_wait(
            entry.origin_topic, entry.value, key=entry.key, headers=headers
        )
        return f"{sent.topic}[{sent.partition}]@{sent.offset}"

    async def mark_redriven(self, entry: DeadLetter, *, outcome: str) -> Redrive:
        redrive = Redrive(at=datetime.now(UTC).isoformat(), outcome=outcome)
        headers = [
            (MARKER_OF, entry.ref.encode()),
            (MARKER_AT, redrive.at.encode()),
            (MARKER_OUTCOME, outcome.encode()),
        ]
        await self._producer.send_and_wait(topics.DLQ, None, key=entry.key, headers=headers)
        entry.redrive = redrive
        return redrive
