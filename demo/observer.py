"""Follows every public topic from the beginning, the way a dashboard does, and counts."""

import asyncio
import contextlib
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

from aiokafka import AIOKafkaConsumer

from services.scoring.domain.scorecard import REVIEWERS, RUBRIC_SHARE
from shared import topics
from shared.events.envelope import CloudEvent, MalformedEvent


def rubric_total(breakdown: dict[str, float]) -> float:
    """The rubric's own total in a score's breakdown: with reviews, its criteria were scaled
    to their share (services/scoring/domain/scorecard.py) and `reviewers` added the rest."""
    if REVIEWERS not in breakdown:
        return sum(breakdown.values())
    rubric = sum(points for name, points in breakdown.items() if name != REVIEWERS)
    return rubric / float(RUBRIC_SHARE)


@dataclass
class Picture:
    """What the public topics say about one edition so far."""

    edition_id: str
    types: Counter[str] = field(default_factory=Counter)
    applications: set[str] = field(default_factory=set)
    received: dict[str, dict[str, Any]] = field(default_factory=dict)
    offer_order: list[dict[str, Any]] = field(default_factory=list)
    waitlisted: dict[str, int] = field(default_factory=dict)
    scored: set[str] = field(default_factory=set)
    eligible: set[str] = field(default_factory=set)
    mail_languages: Counter[str] = field(default_factory=Counter)
    mail_templates: Counter[str] = field(default_factory=Counter)
    mail_failures: Counter[str] = field(default_factory=Counter)
    offers: dict[str, dict[str, Any]] = field(default_factory=dict)
    withdrawn: set[str] = field(default_factory=set)
    # Each application's latest total, and what its rubric alone gave in that same score:
    # the ranking with and without the panel's reviews.
    totals: dict[str, float] = field(default_factory=dict)
    rubric_totals: dict[str, float] = field(default_factory=dict)
    # Delivery is at least once: a producer that crashed between publishing and recording
    # it publishes the same event (same id) again. Counting it twice would expect an offer,
    # or an e-mail, that rightly never comes.
    seen: set[UUID] = field(default_factory=set)

    def count(self, event_type: str) -> int:
        return self.types[f"accelerator.{event_type}.v1"]

    def take(self, event: CloudEvent) -> None:
        if event.id in self.seen:
            return
        self.seen.add(event.id)
        data = event.data
        if event.type == "accelerator.application.received.v1":
            if data.get("edition_id") != self.edition_id:
                return
            self.applications.add(event.subject)
            self.received[event.subject] = data
        elif event.type.startswith("accelerator.notification."):
            if event.editionid != self.edition_id:
                return
            if event.type == "accelerator.notification.sent.v1":
                self.mail_languages[data["language"]] += 1
                self.mail_templates[data["template"]] += 1
            else:
                self.mail_failures[data["template"]] += 1
        elif event.subject not in self.applications and event.editionid != self.edition_id:
            return
        self.types[event.type] += 1
        if event.type == "accelerator.application.screened.v1" and data["eligible"]:
            self.eligible.add(event.subject)
        elif event.type == "accelerator.application.scored.v1":
            self.scored.add(event.subject)
            self.totals[event.subject] = data["total"]
            self.rubric_totals[event.subject] = rubric_total(data["breakdown"])
        elif event.type == "accelerator.application.withdrawn.v1":
            self.withdrawn.add(event.subject)
        elif event.type == "accelerator.application.waitlisted.v1":
            self.waitlisted[event.subject] = data["rank"]
        elif event.type == "accelerator.grant.offered.v1":
            self.offers[data["offer_id"]] = data
            self.offer_order.append(data)


class Observer:
    def __init__(self, bootstrap: str, edition_id: str, offer_signing_key: str) -> None:
        self.picture = Picture(edition_id)
        self.offer_signing_key = offer_signing_key
        self._bootstrap = bootstrap
        self._task: asyncio.Task[None] | None = None

    async def __aenter__(self) -> "Observer":
        self._task = asyncio.create_task(self._follow())
        return self

    async def __aexit__(self, *_: object) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    async def _follow(self) -> None:
        consumer = AIOKafkaConsumer(
            *topics.EVENT_TOPICS,
            bootstrap_servers=self._bootstrap,
            auto_offset_reset="earliest",
            enable_auto_commit=False,
        )
        await consumer.start()
        try:
            while True:
                batches = await consumer.getmany(timeout_ms=500, max_records=2_000)
                for records in batches.values():
                    for record in records:
                        with contextlib.suppress(MalformedEvent):
                            self.picture.take(CloudEvent.from_bytes(record.value))
        finally:
            await consumer.stop()

    async def until(
        self,
        condition: Callable[[Picture], bool],
        *,
        what: str,
        timeout_s: float = 300.0,
        explain: Callable[[Picture], str] | None = None,
    ) -> None:
        """Wait until condition(picture) holds; a clear error names what never happened,
        and what was seen instead when `explain` tells it."""
        deadline = asyncio.get_running_loop().time() + timeout_s
        while not condition(self.picture):
            if asyncio.get_running_loop().time() > deadline:
                seen = f" ({explain(self.picture)})" if explain else ""
                raise TimeoutError(f"gave up after {timeout_s:.0f}s waiting for {what}{seen}")
            await asyncio.sleep(0.5)
