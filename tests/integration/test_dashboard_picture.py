"""The dashboard on real Kafka: events published to the public topics become the picture of
their edition, and a restarted dashboard, reading the topics again, shows the same."""

import uuid
from pathlib import Path
from typing import Any

import pytest
from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.structs import OffsetAndMetadata

from services.dashboard.adapters.consumer_lag import measure_lag
from shared.topics import SERVICES
from tests.support.dashboard import (
    EditionEvents,
    publish,
    running_dashboard,
    small_edition,
    wait_for_picture,
)
from tests.support.kafka import create_topic, produce

pytestmark = pytest.mark.integration


def _numbers(view: dict[str, Any]) -> dict[str, Any]:
    edition = view["edition"]
    return {
        "funnel": edition["funnel"],
        "budget": edition["budget"],
        "offers": {k: v for k, v in edition["offers"].items() if k != "open_offers"},
        "scores": edition["scores"],
        "state": edition["state"],
        "waitlisted": edition["waitlisted"],
    }


async def test_published_events_become_the_edition_picture_and_survive_a_restart(
    stack_env: dict[str, str], tmp_path: Path
) -> None:
    bootstrap = stack_env["KAFKA_BOOTSTRAP_SERVERS"]
    edition = EditionEvents()
    await publish(bootstrap, small_edition(edition))

    async with running_dashboard(stack_env, tmp_path) as dashboard:
        view = await wait_for_picture(
            dashboard.url,
            edition.edition_id,
            lambda v: v["edition"]["offers"]["accepted"] == 1,
            what="the accepted offer",
        )
        port = int(dashboard.url.rsplit(":", 1)[1])

    picture = _numbers(view)
    assert picture["funnel"] == {
        "received": 4,
        "eligible": 3,
        "enrolled": 3,
        "scored": 3,
        "offered": 2,
        "accepted": 1,
    }
    assert picture["budget"] == {
        "committed_cents": 2_000_000,
        "cap_cents": 3_000_000,
        "currency": "USD",
    }
    assert picture["offers"] == {"open": 1, "accepted": 1, "declined": 0, "expired": 0}
    assert picture["scores"]["count"] == 3
    assert picture["state"] == "closed"
    assert [lag["service"] for lag in view["consumer_lag"]] == list(SERVICES)
    assert all("A365" not in event["subject"] for event in view["edition"]["recent_events"])

    # Nothing is stored: the second process rebuilds the same numbers from the topics.
    async with running_dashboard(stack_env, tmp_path, port=port) as restarted:
        again = await wait_for_picture(
            restarted.url, edition.edition_id, lambda v: v["caught_up"], what="its history"
        )
    assert _numbers(again) == picture


async def test_consumer_lag_is_end_offset_minus_committed_offset(
    stack_env: dict[str, str],
) -> None:
    bootstrap = stack_env["KAFKA_BOOTSTRAP_SERVERS"]
    topic = await create_topic(bootstrap, partitions=2, prefix="dashboard-lag")
    await produce(bootstrap, topic, [("same-key", b"x")] * 5)
    group = f"dashboard-lag-{uuid.uuid4().hex[:8]}"
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    offsets = AIOKafkaConsumer(bootstrap_servers=bootstrap, group_id=None)
    committer = AIOKafkaConsumer(bootstrap_servers=bootstrap, group_id=group)
    await admin.start()
    await offsets.start()
    await committer.start()
    try:
        assert await measure_lag(admin, offsets, group) is None  # nothing committed yet
        filled = next(
            tp
            for tp, end in (
                await offsets.end_offsets([TopicPartition(topic, 0), TopicPartition(topic, 1)])
            ).items()
            if end == 5
        )
        committer.assign([filled])
        await committer.commit({filled: OffsetAndMetadata(2, "")})

        assert await measure_lag(admin, offsets, group) == 3
    finally:
        await committer.stop()
        await offsets.stop()
        await admin.close()
