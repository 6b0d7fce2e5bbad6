"""The public topics (docs/architecture.md#topics), with the settings each is created with."""

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Final

SERVICES: Final = ("intake", "scoring", "grant", "notification")


@dataclass(frozen=True)
class TopicSpec:
    name: str
    partitions: int
    config: dict[str, str] = field(default_factory=dict)


_RETAINED = {"cleanup.policy": "delete", "retention.ms": "-1", "min.insync.replicas": "1"}

APPLICATIONS: Final = "accelerator.applications"
CONTACTS: Final = "accelerator.contacts"
TRAINING: Final = "accelerator.training"
SCORES: Final = "accelerator.scores"
EDITIONS: Final = "accelerator.editions"
GRANTS: Final = "accelerator.grants"
NOTIFICATIONS: Final = "accelerator.notifications"
DLQ: Final = "accelerator.dlq"

# Event topics keep everything: decisions must be reproducible from the log and
# the dashboard rebuilds from it. Contacts are compacted so a tombstone erases the
# personal data for good. Keyed topics get several partitions so consumers scale out.
TOPICS: Final = (
    TopicSpec(APPLICATIONS, 6, _RETAINED),
    TopicSpec(
        CONTACTS,
        3,
        {
            "cleanup.policy": "compact",
            "min.compaction.lag.ms": "0",
            "delete.retention.ms": "86400000",
        },
    ),
    TopicSpec(TRAINING, 6, _RETAINED),
    TopicSpec(SCORES, 6, _RETAINED),
    TopicSpec(EDITIONS, 1, _RETAINED),
    TopicSpec(GRANTS, 6, _RETAINED),
    TopicSpec(NOTIFICATIONS, 3, _RETAINED),
    # Dead letters wait for a human to redrive them; they must not age out.
    TopicSpec(DLQ, 3, _RETAINED),
)

# The event topics with no personal data (docs/architecture.md#personal-data-on-topics): what
# dashboards and other teams may read.
# accelerator.contacts is never among them.
EVENT_TOPICS: Final = (APPLICATIONS, TRAINING, SCORES, EDITIONS, GRANTS, NOTIFICATIONS)


def partitions_of(names: Iterable[str]) -> list[tuple[str, int]]:
    """(topic, partition) for every partition of these topics, as they are created."""
    wanted = set(names)
    return [
        (spec.name, p) for spec in TOPICS if spec.name in wanted for p in range(spec.partitions)
    ]
