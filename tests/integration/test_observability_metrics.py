"""/metrics tells an operator what a service process is doing: events consumed and published
by type, handling time, how late events arrive, the outbox backlog, dead letters, and the
consumer lag of every partition it reads, kept current from Kafka even when no batch comes.
Shown on the shared kit's test service, run as a real process on real Kafka and Postgres."""

import asyncio
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest

from shared.events.envelope import CloudEvent
from tests.support.kafka import create_topic, produce
from tests.support.metrics import metric_samples, metric_sum
from tests.support.processes import ServiceProcess, start_service
from tests.support.tcp_proxy import TcpProxy
from tests.support.waiting import eventually

pytestmark = pytest.mark.integration

LEDGER = "tests.support.ledger_service"
HAPPENED = "accelerator.test.happened.v1"


def _events(count: int, subject: str) -> list[CloudEvent]:
    return [
        CloudEvent(
            source="/accelerator/test",
            type=HAPPENED,
            subject=subject,
            data={"n": n},
            correlationid=str(uuid.uuid4()),
        )
        for n in range(count)
    ]


def _ledger(env: dict[str, str], topic: str, logs: Path, **extra: str) -> ServiceProcess:
    return start_service(LEDGER, env={**env, "LEDGER_TOPIC": topic, **extra}, log_dir=logs)


async def _lag_by_partition(url: str, topic: str) -> dict[str, float]:
    samples = await metric_samples(url, "accelerator_consumer_lag")
    return {dict(k)["partition"]: v for k, v in samples.items() if dict(k)["topic"] == topic}


async def test_metrics_count_by_event_type_and_show_dead_letters_backlog_and_lag(
    ledger_env: dict[str, str], tmp_path: Path
) -> None:
    bootstrap = ledger_env["KAFKA_BOOTSTRAP_SERVERS"]
    topic = await create_topic(bootstrap, partitions=3)
    forward_topic = await create_topic(bootstrap)
    events = _events(5, subject="app-1")  # one key: two of the three partitions stay empty
    garbage = b'{"specversion": "1.0", "type": 42'
    await produce(bootstrap, topic, [(e.subject, e.to_bytes()) for e in events])
    await produce(bootstrap, topic, [("app-1", garbage)])

    service = _ledger(ledger_env, topic, tmp_path, LEDGER_FORWARD_TOPIC=forward_topic)
    try:
        await service.wait_ready()
        url = service.url

        async def all_handled() -> bool:
            consumed = await metric_sum(
                url, "accelerator_events_consumed_total", event_type=HAPPENED
            )
            published = await metric_sum(
                url,
                "accelerator_events_published_total",
                topic=forward_topic,
                event_type=f"{HAPPENED}.forwarded",
            )
            return consumed == len(events) and published == len(events)

        await eventually(all_handled, what="events consumed and forwarded, counted by type")

        dead = await metric_sum(url, "accelerator_dead_letters_total", topic=topic)
        assert dead == 1
        assert await metric_sum(url, "accelerator_batch_seconds_count") >= 1
        delays = await metric_sum(url, "accelerator_event_delay_seconds_count", event_type=HAPPENED)
        assert delays == len(events)

        async def backlog_empty() -> bool:
            return await metric_samples(url, "accelerator_outbox_backlog") == {
                frozenset({("service", "ledger")}): 0.0
            }

        await eventually(backlog_empty, what="an empty outbox backlog")

        async def lag_of_every_partition_is_zero() -> bool:
            return await _lag_by_partition(url, topic) == {"0": 0.0, "1": 0.0, "2": 0.0}

        # Partitions that never delivered a batch are reported too: the figures come from Kafka.
        await eventually(lag_of_every_partition_is_zero, what="lag 0 on all three partitions")
    finally:
        service.terminate()


@pytest.fixture
async def database_link(ledger_env: dict[str, str]) -> AsyncIterator[TcpProxy]:
    target = urlsplit(ledger_env["DATABASE_URL"])
    assert target.hostname is not None
    assert target.port is not None
    proxy = TcpProxy(target.hostname, target.port)
    await proxy.start()
    try:
        yield proxy
    finally:
        await proxy.cut()


async def test_consumer_lag_grows_while_nothing_can_be_handled_and_falls_after(
    ledger_env: dict[str, str], database_link: TcpProxy, tmp_path: Path
) -> None:
    bootstrap = ledger_env["KAFKA_BOOTSTRAP_SERVERS"]
    topic = await create_topic(bootstrap, partitions=1)
    through_proxy = database_link.address_in(ledger_env["DATABASE_URL"])
    service = _ledger({**ledger_env, "DATABASE_URL": through_proxy}, topic, tmp_path)
    try:
        await service.wait_ready()
        await eventually(
            lambda: _lag_is(service.url, topic, 0.0), what="lag 0 before anything is produced"
        )

        await database_link.cut()
        events = _events(20, subject="app-7")
        await produce(bootstrap, topic, [(e.subject, e.to_bytes()) for e in events])
        # No batch can commit now, yet the gauge follows the log end.
        await eventually(
            lambda: _lag_is(service.url, topic, float(len(events))),
            what="lag equal to the events produced while the database is away",
        )

        await database_link.restore()
        await eventually(
            lambda: _lag_is(service.url, topic, 0.0), timeout_s=90, what="lag back to 0"
        )
        handled = await metric_sum(
            service.url, "accelerator_events_consumed_total", event_type=HAPPENED
        )
        assert handled == len(events)
    finally:
        # In a thread: the database link lives on this event loop, and shutting down uses it.
        await asyncio.to_thread(service.terminate)


async def _lag_is(url: str, topic: str, expected: float) -> bool:
    try:
        return await _lag_by_partition(url, topic) == {"0": expected}
    except httpx.HTTPError:
        return False
