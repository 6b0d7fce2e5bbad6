"""How a dead letter is redriven, so that the consumer that failed on it processes it again.

- An entry from a consumer (shared/consumer.py) is republished to its origin topic with its
  original key and bytes. That takes effect because a consumer records an event id in its
  inbox only in the transaction of the state change: a failed batch rolls back, and an
  undecodable message never reaches the inbox, so the failed group does not know the event
  and handles it. Every other group reading that topic already recorded the id and skips
  it, which also makes a second republish of the same event harmless. Republishing (rather
  than handing the bytes to one service) keeps redrive working with any number of replicas
  and needs nothing from the services.
- An entry for a notification (header dlq.notification.id: SMTP refused it for good, or it
  ran out of attempts) is retried through the notification service's retry endpoint. Its
  cause event was consumed fine, so republishing it would be skipped by the inbox.
- Refused, and left as they are: bytes that are still not a CloudEvent by the same parser
  the services use (republished, every group reading the topic would dead-letter them
  again), tombstones, and entries from a compacted topic (an old record republished there
  would outlive newer ones for its key, or bring back erased personal data).

Each entry dealt with gets a marker in accelerator.dlq (see cli/dead_letters.py), so
`dlq list` shows it as redriven and a second redrive skips it. The marker is written after
the republish: a crash in between leaves the entry unmarked, and redriving it again only
republishes an event the inbox then skips.
"""

from dataclasses import dataclass
from enum import StrEnum

from cli.dead_letters import DeadLetter
from shared.dlq import DlqHeader
from shared.events.envelope import CloudEvent, MalformedEvent
from shared.topics import TOPICS

COMPACTED_TOPICS = frozenset(
    spec.name for spec in TOPICS if spec.config.get("cleanup.policy") == "compact"
)


class Action(StrEnum):
    REPUBLISH = "republish"
    RETRY_NOTIFICATION = "retry notification"
    ALREADY_REDRIVEN = "already redriven"
    REFUSE = "refuse"


@dataclass(frozen=True)
class Plan:
    entry: DeadLetter
    action: Action
    reason: str = ""


def plan(entry: DeadLetter) -> Plan:
    """What redriving this entry means, or why it will not be redriven."""
    if entry.redrive is not None:
        return Plan(
            entry,
            Action.ALREADY_REDRIVEN,
            f"redriven at {entry.redrive.at}: {entry.redrive.outcome}",
        )
    if entry.notification_id is not None:
        return Plan(entry, Action.RETRY_NOTIFICATION)
    topic = entry.origin_topic
    if topic is None:
        return Plan(entry, Action.REFUSE, "the entry names no origin topic (dlq.origin.topic)")
    if topic in COMPACTED_TOPICS:
        return Plan(
            entry,
            Action.REFUSE,
            f"{topic} is compacted: a republished old record would outlive newer ones for"
            " its key; have the owning service publish the current state again",
        )
    if entry.value is None:
        return Plan(entry, Action.REFUSE, "a tombstone (no value) is not an event to redrive")
    try:
        CloudEvent.from_bytes(entry.value)
    except MalformedEvent as exc:
        return Plan(
            entry,
            Action.REFUSE,
            f"still {exc}; republished, it would be dead-lettered again by every group"
            f" reading {topic}",
        )
    return Plan(entry, Action.REPUBLISH)


def origin_of(entry: DeadLetter) -> tuple[str | None, str | None, str | None]:
    """Where the original record was: the same for every group that failed on it."""
    return (
        entry.origin_topic,
        entry.header(DlqHeader.ORIGIN_PARTITION),
        entry.header(DlqHeader.ORIGIN_OFFSET),
    )
