"""The whole pipeline of a running stack at a steady load: applications imported into intake
at a fixed rate, then screened, enrolled and scored (intake -> scoring) and e-mailed
(-> notification), timed from the events' own `time` stamps.

It adds applications to the demo edition, so run it on a fresh stack:
`make purge && make up && python -m bench.end_to_end [--applications 2000 --rate 100]`.
`make bench` sets the figures against a raw aiokafka pass-through of one stage.
"""

import argparse
import asyncio
import statistics
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from aiokafka import AIOKafkaConsumer, TopicPartition

from bench.intake_api import application_body, csv_chunk
from infra.stack_env import read_env_file
from shared import topics
from shared.events.envelope import CloudEvent

ROOT = Path(__file__).resolve().parent.parent
EDITION = "athlete365-4"
EMAILS_PER_APPLICATION = 3  # received, screened eligible, enrolled


@dataclass
class Seen:
    """What the topics said; matched with this run's applications only at the end, since an
    event can be read before intake has answered with its application's id."""

    applications: set[str] = field(default_factory=set)
    received_at: dict[str, float] = field(default_factory=dict)
    scored_at: dict[str, float] = field(default_factory=dict)
    causes: dict[str, tuple[str, float]] = field(default_factory=dict)  # event id -> subject, time
    sent: list[tuple[str, float]] = field(default_factory=list)  # cause event id, time

    def take(self, event: CloudEvent) -> None:
        at = event.time.timestamp()
        if event.type == "accelerator.notification.sent.v1":
            self.sent.append((str(event.data["cause_event_id"]), at))
            return
        self.causes[str(event.id)] = (event.subject, at)
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

    def done(self) -> bool:
        everyone = len(self.scored()) == len(self.applications)
        return everyone and len(self.emails()) >= EMAILS_PER_APPLICATION * len(self.applications)


async def _consumer_at_end(bootstrap: str) -> AIOKafkaConsumer:
    """Reads every topic the pipeline writes, from the current end: only this run counts."""
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False)
    await consumer.start()
    names = (topics.APPLICATIONS, topics.TRAINING, topics.SCORES, topics.NOTIFICATIONS)
    partitions = [TopicPartition(*tp) for tp in topics.partitions_of(names)]
    consumer.assign(partitions)
    await consumer.seek_to_end(*partitions)
    for partition in partitions:
        await consumer.position(partition)  # fixes the start before anything is imported
    return consumer


async def _import_steadily(
    url: str, admin_token: str, count: int, rate: int, seen: Seen
) -> tuple[float, float]:
    """Imports `count` applications, `rate` per second in quarter-second chunks."""
    run = uuid.uuid4().hex[:8].upper()
    per_chunk = max(1, rate // 4)
    path = f"/v1/editions/{EDITION}/applications:import"
    headers = {"Authorization": f"Bearer {admin_token}", "Content-Type": "text/csv"}
    async with httpx.AsyncClient(base_url=url, headers=headers, timeout=60) as client:
        started = time.monotonic()
        for n, start in enumerate(range(0, count, per_chunk)):
            await asyncio.sleep(max(0.0, started + n * 0.25 - time.monotonic()))
            stop = min(count, start + per_chunk)
            chunk = csv_chunk([application_body(run, i) for i in range(start, stop)])
            answer = await client.post(path, content=chunk)
            if answer.status_code != 200 or answer.json()["rejected"]:
                raise RuntimeError(f"intake answered {answer.status_code}: {answer.text[:300]}")
            seen.applications.update(a["application_id"] for a in answer.json()["applications"])
        return started, time.monotonic()


async def _follow(consumer: AIOKafkaConsumer, seen: Seen, importing: asyncio.Task[Any]) -> None:
    last_report = time.monotonic()
    while not (importing.done() and seen.done()):
        for records in (await consumer.getmany(timeout_ms=500)).values():
            for record in records:
                if record.value is not None:
                    seen.take(CloudEvent.from_bytes(record.value))
        if time.monotonic() - last_report > 5:
            last_report = time.monotonic()
            print(
                f"  {len(seen.applications)} imported, {len(seen.scored())} scored,"
                f" {len(seen.emails())} e-mails sent",
                flush=True,
            )


def _percentiles(seconds: list[float]) -> str:
    cuts = statistics.quantiles([s * 1000 for s in seconds], n=100)
    return f"p50 {cuts[49]:,.0f} ms, p99 {cuts[98]:,.0f} ms"


async def main(count: int, rate: int, timeout_s: float) -> None:
    env = read_env_file(ROOT / ".run" / "stack.env")
    consumer = await _consumer_at_end(env["KAFKA_BOOTSTRAP_SERVERS"])
    seen = Seen()
    try:
        importing = asyncio.create_task(
            _import_steadily(env["INTAKE_URL"], env["ADMIN_TOKEN"], count, rate, seen)
        )
        async with asyncio.timeout(timeout_s):
            await _follow(consumer, seen, importing)
        started, imported = importing.result()
    finally:
        await consumer.stop()
    first = min(seen.received_at[a] for a in seen.applications)
    scored = seen.scored()
    last_scored = max(seen.scored_at[a] for a in seen.applications)
    emails = seen.emails()
    last_email = max(at for at, _ in emails)
    print(
        f"imported: {count} applications at {count / (imported - started):,.0f}/s"
        f" (asked for {rate}/s)\n"
        f"scored:   all {count} within {last_scored - first:.1f} s of the first receipt"
        f" = {count / (last_scored - first):,.0f}/s; received -> scored"
        f" {_percentiles(list(scored.values()))}\n"
        f"e-mailed: {len(emails)} within {last_email - first:.1f} s"
        f" = {len(emails) / (last_email - first):,.0f}/s; event -> e-mail sent"
        f" {_percentiles([after for _, after in emails])}"
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--applications", type=int, default=2_000)
    parser.add_argument("--rate", type=int, default=100, help="applications imported per second")
    parser.add_argument("--timeout", type=float, default=900.0, help="seconds to wait at most")
    args = parser.parse_args()
    asyncio.run(main(args.applications, args.rate, args.timeout))
