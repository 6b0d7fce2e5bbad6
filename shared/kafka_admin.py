"""Creates the public topics; used by the local stack, the compose init job and tests."""

import asyncio
import contextlib
from collections.abc import Mapping

from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.admin.config_resource import ConfigResource, ConfigResourceType
from aiokafka.errors import KafkaConnectionError, TopicAlreadyExistsError

from shared.topics import TOPICS


async def ensure_topics(bootstrap_servers: str, *, timeout_s: float = 60.0) -> list[str]:
    """Create every missing topic of docs/architecture.md#topics and give the existing ones
    their settings (a topic created before a setting changed gets it too); returns the names it
    created."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap_servers, request_timeout_ms=10_000)
    deadline = asyncio.get_running_loop().time() + timeout_s
    while True:
        try:
            await admin.start()
            break
        except KafkaConnectionError:
            if asyncio.get_running_loop().time() > deadline:
                raise
            await asyncio.sleep(0.5)
    try:
        existing = set(await admin.list_topics())
        missing = [spec for spec in TOPICS if spec.name not in existing]
        if missing:
            # Another process may create them between our list and our create.
            with contextlib.suppress(TopicAlreadyExistsError):
                await admin.create_topics(
                    [
                        NewTopic(
                            name=spec.name,
                            num_partitions=spec.partitions,
                            replication_factor=1,
                            topic_configs=dict(spec.config),
                        )
                        for spec in missing
                    ]
                )
        await set_topic_configs(
            admin, {spec.name: spec.config for spec in TOPICS if spec.name in existing}
        )
        return [spec.name for spec in missing]
    finally:
        await admin.close()


async def set_topic_configs(
    admin: AIOKafkaAdminClient, configs: Mapping[str, Mapping[str, str]]
) -> None:
    """Make these the topics' settings; what is not named goes back to the broker's default."""
    if not configs:
        return
    responses = await admin.alter_configs(
        [
            ConfigResource(ConfigResourceType.TOPIC, name, configs=dict(config))
            for name, config in configs.items()
        ]
    )
    for response in responses:
        for error_code, error_message, _, name in response.resources:
            if error_code:
                raise RuntimeError(f"topic {name}: settings refused: {error_message}")
