"""How far behind each service's consumer group is: end offset minus committed offset, summed
over every partition of the topics the group commits on, measured every few seconds."""

import asyncio
import contextlib
from collections.abc import Sequence
from datetime import UTC, datetime

from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient
from prometheus_client import Gauge

from services.dashboard.domain.picture import ServiceLag
from shared.logs import get_logger

log = get_logger(__name__)

GROUP_LAG = Gauge(
    "accelerator_dashboard_group_lag", "Messages a consumer group has still to handle", ["group"]
)


class ConsumerLagProbe:
    def __init__(
        self, *, service: str, bootstrap_servers: str, groups: Sequence[str], interval_s: float
    ) -> None:
        self._groups = tuple(groups)
        self._interval_s = interval_s
        self._client_id = f"{service}-lag"
        self._bootstrap_servers = bootstrap_servers
        self._clients: tuple[AIOKafkaAdminClient, AIOKafkaConsumer] | None = None
        self._task: asyncio.Task[None] | None = None
        self.latest: list[ServiceLag] = [ServiceLag(group, None) for group in self._groups]
        self.checked_at: datetime | None = None

    async def start(self) -> None:
        # Created here, not in __init__: aiokafka binds a client to the running event loop.
        admin = AIOKafkaAdminClient(
            bootstrap_servers=self._bootstrap_servers, client_id=self._client_id
        )
        # Only asks for end offsets: it subscribes to nothing and reads no message.
        offsets = AIOKafkaConsumer(
            bootstrap_servers=self._bootstrap_servers,
            client_id=self._client_id,
            group_id=None,
            enable_auto_commit=False,
        )
        await admin.start()
        await offsets.start()
        self._clients = (admin, offsets)
        self._task = asyncio.create_task(self._run(admin, offsets), name="consumer-lag")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        if self._clients is not None:
            admin, offsets = self._clients
            await offsets.stop()
            await admin.close()

    async def _run(self, admin: AIOKafkaAdminClient, offsets: AIOKafkaConsumer) -> None:
        while True:
            try:
                self.latest = [
                    ServiceLag(group, await measure_lag(admin, offsets, group))
                    for group in self._groups
                ]
                self.checked_at = datetime.now(UTC)
            except Exception as exc:  # a broker hiccup: keep the last figures, try again
                log.warning("consumer lag not measured", error=repr(exc))
            await asyncio.sleep(self._interval_s)


async def measure_lag(
    admin: AIOKafkaAdminClient, offsets: AIOKafkaConsumer, group: str
) -> int | None:
    """None while the group has committed nothing, as before its first start."""
    committed = await admin.list_consumer_group_offsets(group)
    if not committed:
        return None
    described = await admin.describe_topics(sorted({tp.topic for tp in committed}))
    partitions = [
        TopicPartition(topic["topic"], partition["partition"])
        for topic in described
        for partition in topic["partitions"]
    ]
    ends = await offsets.end_offsets(partitions)
    # A partition with no commit yet is read from its beginning (auto_offset_reset=earliest).
    lag: int = sum(
        max(0, end - max(0, committed[tp].offset if tp in committed else 0))
        for tp, end in ends.items()
    )
    GROUP_LAG.labels(group).set(lag)
    return lag
