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
REVIEWS: Final = "accelerator.reviews"
EDITIONS: Final = "accelerator.editions"
GRANTS: Final = "accelerator.grants"
NOTIFICATIONS: Final = "accelerator.notifications"
DLQ: Final = "accelerator.dlq"

_HOUR_MS: Final = 3_600_000

# Contacts are compacted so that a tombstone (an erasure) removes the personal data from
# the log for good, in bounded time (README, "Erasure"): Kafka never cleans the segment
# being written, and rolls it at the first write after max.compaction.lag.ms (or segment.ms,
# whichever is less); the cleaner then must clean it within max.compaction.lag.ms whatever
# the dirty ratio. The tombstone itself stays delete.retention.ms after that cleaning, long
# enough for a consumer that was down (notification) to read it.
CONTACTS_COMPACTION: Final = {
    "cleanup.policy": "compact",
    "min.compaction.lag.ms": "0",
    "segment.ms": str(6 * _HOUR_MS),
    "max.compaction.lag.ms": str(6 * _HOUR_MS),
    "min.cleanable.dirty.ratio": "0.1",
    "delete.retention.ms": str(7 * 24 * _HOUR_MS),
}

# Event topics keep everything: decisions must be reproducible from the log and
# the dashboard rebuilds from it. Keyed topics get several partitions so consumers scale out.
TOPICS: Final = (
    TopicSpec(APPLICATIONS, 6, _RETAINED),
    TopicSpec(CONTACTS, 3, CONTACTS_COMPACTION),
    TopicSpec(TRAINING, 6, _RETAINED),
    TopicSpec(SCORES, 6, _RETAINED),
    # The review panel's assignments, releases, submissions and invitations: ids and numbers
    # only (the reviewers' names and addresses travel on the contacts topic).
    TopicSpec(REVIEWS, 6, _RETAINED),
    TopicSpec(EDITIONS, 1, _RETAINED),
    TopicSpec(GRANTS, 6, _RETAINED),
    TopicSpec(NOTIFICATIONS, 3, _RETAINED),
    # Dead letters wait for a human to redrive them; they must not age out.
    TopicSpec(DLQ, 3, _RETAINED),
)

# The event topics with no personal data (docs/architecture.md#personal-data-on-topics): what
# dashboards and other teams may read.
# accelerator.contacts is never among them.
EVENT_TOPICS: Final = (
    APPLICATIONS,
    TRAINING,
    SCORES,
    REVIEWS,
    EDITIONS,
    GRANTS,
    NOTIFICATIONS,
)


def partitions_of(names: Iterable[str]) -> list[tuple[str, int]]:
    """(topic, partition) for every partition of these topics, as they are created."""
    wanted = set(names)
    return [
        (spec.name, p) for spec in TOPICS if spec.name in wanted for p in range(spec.partitions)
    ]
