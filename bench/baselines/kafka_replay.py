"""The least a rebuild from the topics can be: one raw aiokafka consumer, no group, reading the
dashboard's topics from the beginning to the end they had when it started, parsing nothing.
Run as its own process, as the dashboard is, so that its start-up, CPU and memory compare:
`python -m bench.baselines.kafka_replay TOPIC...` with KAFKA_BOOTSTRAP_SERVERS.

Once at the end it prints one JSON line (records read, applications received among them) and
waits for its standard input to close, so that its parent can read its /proc entry first."""

import asyncio
import json
import os
import sys
from collections.abc import Iterable

from aiokafka import AIOKafkaConsumer, TopicPartition

# Nothing of the suite's own is imported here: it would add to this process's start-up and RSS.
from shared import topics

# Counted for the table's CPU per 1,000 applications, by a byte search rather than by parsing
# (json.loads costs more per event than the services' own pydantic parse): the services write
# their envelopes without spaces.
RECEIVED = b'"type":"accelerator.application.received.v1"'
BATCH = 2_000  # as the dashboard's CONSUMER_BATCH_SIZE


async def replay(bootstrap: str, names: Iterable[str]) -> tuple[int, int]:
    """Records read, and application.received events on accelerator.applications among them,
    to the topics' current end."""
    consumer = AIOKafkaConsumer(
        bootstrap_servers=bootstrap, group_id=None, enable_auto_commit=False
    )
    await consumer.start()
    try:
        partitions = [TopicPartition(*tp) for tp in topics.partitions_of(names)]
        consumer.assign(partitions)
        await consumer.seek_to_beginning(*partitions)
        ends = await consumer.end_offsets(partitions)
        records = applications = 0
        unfinished = {tp for tp, end in ends.items() if end > 0}
        while unfinished:
            batches = await consumer.getmany(timeout_ms=500, max_records=BATCH)
            for tp, batch in batches.items():
                records += len(batch)
                if tp.topic == topics.APPLICATIONS:
                    applications += sum(1 for r in batch if r.value and RECEIVED in r.value)
            for tp in list(unfinished):
                if await consumer.position(tp) >= ends[tp]:
                    unfinished.discard(tp)
        return records, applications
    finally:
        await consumer.stop()


async def _main(names: list[str]) -> None:
    records, applications = await replay(os.environ["KAFKA_BOOTSTRAP_SERVERS"], names)
    print(json.dumps({"records": records, "applications": applications}), flush=True)
    # Held open until the parent has read /proc/<pid>: an exited process has no VmHWM left.
    await asyncio.to_thread(sys.stdin.read)


if __name__ == "__main__":
    asyncio.run(_main(sys.argv[1:]))
