"""What the pipeline's topics say during a run, read from their current end, so that only
this run's events count; timed by the events' own `time` stamps."""

import time
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from aiokafka import AIOKafkaConsumer, TopicPartition
from pydantic import AwareDatetime, BaseModel, ConfigDict

from shared import topics

SENT = "accelerator.notification.sent.v1"
EMAILS_PER_APPLICATION = 3  # received, screened eligible, enrolled
PIPELINE_TOPICS = (
    topics.APPLICATIONS,
    topics.CONTACTS,
    topics.TRAINING,
    topics.SCORES,
    topics.NOTIFICATIONS,
)


class _Cause(BaseModel):
    cause_event_id: str | None = None  # a notification.sent's; no other payload is read


class Glimpse(BaseModel):
    """The few envelope fields the suite reads of an event, and nothing else of it: the
    payload is neither validated nor turned into Python objects, which the whole CloudEvent
    would do (about 5 µs an event instead of 8; json.loads alone takes 10). The time is read
    as CloudEvent reads it (ISO 8601, a zone required)."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    type: str
    subject: str
    id: str  # the services write canonical UUID text, as str(CloudEvent.id) gives it
    time: AwareDatetime
    data: _Cause

    @classmethod
    def of(cls, raw: bytes) -> "Glimpse":
        return cls.model_validate_json(raw)


@dataclass
class Seen:
    """What the topics said; matched with this run's applications only at the end, since an
    event can be read before intake has answered with its application's id."""

    applications: set[str] = field(default_factory=set)
    received_at: dict[str, float] = field(default_factory=dict)
    scored_at: dict[str, float] = field(default_factory=dict)
    causes: dict[str, tuple[str, float]] = field(default_factory=dict)  # event id -> subject, time
    sent: list[tuple[str, float]] = field(default_factory=list)  # cause event id, time
    # topic -> (subject, size in bytes) of each event, for the shape of a raw baseline
    sizes: dict[str, list[tuple[str, int]]] = field(default_factory=lambda: defaultdict(list))

    def take(self, event: Glimpse, topic: str = "", size: int = 0) -> None:
        at = event.time.timestamp()
        self.sizes[topic].append((event.subject, size))
        if event.type == SENT:
            self.sent.append((str(event.data.cause_event_id), at))
            return
        self.causes[event.id] = (event.subject, at)
        if event.type == "accelerator.application.received.v1":
            self.received_at[event.subject] = at
        elif event.type == "accelerator.application.scored.v1":
            self.scored_at.setdefault(event.subject, at)

    def scored(self) -> dict[str, float]:
        """Seconds from receipt to first score, for each application of this run scored."""
        return {
            a: self.scored_at[a] - self.received_at[a]
            for a in self.applications
            if a in self.scored_at and a in self.received_at
        }

    def emails(self) -> list[tuple[float, float]]:
        """(when sent, seconds after its cause) for each e-mail about this run's applications."""
        found = []
        for cause_id, at in self.sent:
            subject, caused_at = self.causes.get(cause_id, ("", 0.0))
            if subject in self.applications:
                found.append((at, at - caused_at))
        return found

    def all_scored(self) -> bool:
        # Stops at the first application not scored yet rather than matching them all.
        return all(a in self.scored_at and a in self.received_at for a in self.applications)

    def done(self) -> bool:
        if not self.all_scored():  # e-mails are matched only once it is worth it
            return False
        return len(self.emails()) >= EMAILS_PER_APPLICATION * len(self.applications)

    def shape(self, names: Iterable[str]) -> tuple[float, float]:
        """Events per application of this run, and their mean size, over the topics `names`."""
        found = [size for name in names for s, size in self.sizes[name] if s in self.applications]
        count = len(self.applications) or 1
        return len(found) / count, (sum(found) / len(found) if found else 0.0)


async def consumer_at_end(bootstrap: str, names: Iterable[str]) -> AIOKafkaConsumer:
    """Reads the topics `names` from their current end: only what follows counts."""
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False)
    await consumer.start()
    partitions = [TopicPartition(*tp) for tp in topics.partitions_of(names)]
    consumer.assign(partitions)
    await consumer.seek_to_end(*partitions)
    for partition in partitions:
        await consumer.position(partition)  # fixes the start before anything is produced
    return consumer


async def follow(
    consumer: AIOKafkaConsumer,
    seen: Seen,
    finished: Callable[[], bool],
    progress_s: float = 5.0,
    check_s: float = 0.5,
) -> None:
    """Feeds `seen` until `finished()`, printing progress now and then.

    `finished()` is asked at most every `check_s`, not after every fetch: matching every
    e-mail seen to this run's applications after each of a few thousand small fetches cost
    the suite more CPU than reading the events (some 20 s per 1,000 applications under a
    profiler, against half a second for parsing them), on the cores the services measured
    need. Every time measured is an event's own, so asking later changes none of them."""
    last_report = last_check = time.monotonic()
    while True:
        for tp, records in (await consumer.getmany(timeout_ms=500)).items():
            for record in records:
                if record.value is not None:
                    seen.take(Glimpse.of(record.value), tp.topic, len(record.value))
        if time.monotonic() - last_check >= check_s:
            last_check = time.monotonic()
            if finished():
                return
        if time.monotonic() - last_report > progress_s:
            last_report = time.monotonic()
            print(
                f"  {len(seen.applications)} imported, {len(seen.scored())} scored,"
                f" {len(seen.emails())} e-mails sent",
                flush=True,
            )
