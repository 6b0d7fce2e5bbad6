"""The events of a small edition, as the services would publish them, for the dashboard's
tests: folded in memory by the unit tests, published to real Kafka by the others."""

import asyncio
import time
import uuid
from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Literal
from uuid import UUID

import httpx
from aiokafka import AIOKafkaProducer

from services.dashboard.domain.observations import ObservedEvent
from shared.editions import DEFAULT_EDITIONS_DIR
from shared.events.codec import make_event, read_payload
from shared.events.contracts import (
    ApplicationReceived,
    ApplicationScored,
    ApplicationScreened,
    ApplicationWaitlisted,
    ApplicationWithdrawn,
    EditionClosed,
    EditionOpened,
    EventPayload,
    GrantAccepted,
    GrantDeclined,
    GrantExpired,
    GrantOffered,
    NotificationSent,
    ReviewAssigned,
    ReviewerInvited,
    ReviewReleased,
    ReviewSubmitted,
    TrainingEnrolled,
)
from shared.events.envelope import CloudEvent
from tests.support.processes import ServiceProcess, start_service

Published = tuple[str, CloudEvent]
PACKAGE_CENTS = 1_000_000


class EditionEvents:
    """Builds one edition's events; every method returns what the services would publish."""

    def __init__(self, edition_id: str | None = None, *, now: datetime | None = None) -> None:
        self.edition_id = edition_id or f"dash-{uuid.uuid4().hex[:10]}"
        self.now = now or datetime.now(UTC)

    def _event(self, payload: EventPayload, subject: str | UUID) -> Published:
        event = make_event(
            payload,
            service=payload.producer,
            subject=str(subject),
            correlation_id=f"dashboard-test-{self.edition_id}",
            edition_id=self.edition_id,
        )
        return payload.topic, event

    def opened(self, *, capacity: int = 50, package_cents: int = PACKAGE_CENTS) -> list[Published]:
        payload = EditionOpened(
            edition_id=self.edition_id,
            name=f"Edition {self.edition_id}",
            opens_at=self.now - timedelta(days=1),
            closes_at=self.now + timedelta(days=30),
            grant_capacity=capacity,
            package_value_cents=package_cents,
        )
        return [self._event(payload, self.edition_id)]

    def closed(self) -> list[Published]:
        payload = EditionClosed(edition_id=self.edition_id, closed_at=self.now)
        return [self._event(payload, self.edition_id)]

    def applied(self, application_id: UUID, *, eligible: bool = True) -> list[Published]:
        """Received and screened; the eligible are also enrolled, as intake does."""
        received = ApplicationReceived(
            application_id=application_id,
            edition_id=self.edition_id,
            applicant_id=f"A365-{application_id.hex[:6]}",
            country="FRA",
            sport="Judo",
            athlete_status="former_olympian",
            submitted_at=self.now,
            career_end_year=2021,
        )
        screened = ApplicationScreened(
            application_id=application_id,
            eligible=eligible,
            reasons=[] if eligible else ["no_consent"],
        )
        events = [self._event(received, application_id), self._event(screened, application_id)]
        if eligible:
            enrolled = TrainingEnrolled(
                application_id=application_id, edition_id=self.edition_id, modules=["m1"]
            )
            events.append(self._event(enrolled, application_id))
        return events

    def scored(self, application_id: UUID, total: float) -> list[Published]:
        payload = ApplicationScored(
            application_id=application_id, total=total, breakdown={}, rubric_version=1
        )
        return [self._event(payload, application_id)]

    def offered(
        self, application_id: UUID, *, rank: int, expires_in: timedelta = timedelta(days=14)
    ) -> tuple[UUID, list[Published]]:
        offer_id = uuid.uuid4()
        payload = GrantOffered(
            application_id=application_id,
            edition_id=self.edition_id,
            offer_id=offer_id,
            amount_cents=PACKAGE_CENTS,
            currency="USD",
            components=["logistics_training"],
            rank=rank,
            expires_at=(self.now + expires_in).replace(microsecond=0),
        )
        return offer_id, [self._event(payload, application_id)]

    def answered(self, application_id: UUID, offer_id: UUID, outcome: str) -> list[Published]:
        model = {"accepted": GrantAccepted, "declined": GrantDeclined, "expired": GrantExpired}
        payload = model[outcome](
            application_id=application_id, edition_id=self.edition_id, offer_id=offer_id
        )
        return [self._event(payload, application_id)]

    def waitlisted(self, application_id: UUID, *, rank: int) -> list[Published]:
        payload = ApplicationWaitlisted(
            application_id=application_id, edition_id=self.edition_id, rank=rank
        )
        return [self._event(payload, application_id)]

    def withdrawn(self, application_id: UUID) -> list[Published]:
        return [self._event(ApplicationWithdrawn(application_id=application_id), application_id)]

    def assigned(
        self, application_id: UUID, *reviewer_ids: str, at: datetime | None = None
    ) -> list[Published]:
        """As scoring's assignment publishes them: one review.assigned per reviewer."""
        return [
            self._event(
                ReviewAssigned(
                    edition_id=self.edition_id,
                    application_id=application_id,
                    reviewer_id=reviewer_id,
                    assigned_at=at or self.now,
                    reassignment=False,
                ),
                application_id,
            )
            for reviewer_id in reviewer_ids
        ]

    def released(
        self,
        application_id: UUID,
        reviewer_id: str,
        *,
        at: datetime | None = None,
        reason: Literal["conflict", "removed"] = "conflict",
    ) -> list[Published]:
        payload = ReviewReleased(
            edition_id=self.edition_id,
            application_id=application_id,
            reviewer_id=reviewer_id,
            released_at=at or self.now + timedelta(hours=1),
            reason=reason,
        )
        return [self._event(payload, application_id)]

    def reviewed(
        self, application_id: UUID, reviewer_id: str, score: int, *, at: datetime | None = None
    ) -> list[Published]:
        """A review.submitted; its criteria say the same as its score (their mean x 10)."""
        payload = ReviewSubmitted(
            edition_id=self.edition_id,
            application_id=application_id,
            reviewer_id=reviewer_id,
            score=score,
            criteria={"market_opportunity": round(score / 10)},
            submitted_at=at or self.now + timedelta(hours=2),
        )
        return [self._event(payload, application_id)]

    def invited(self, reviewer_id: str, *, assignments: int) -> list[Published]:
        seat = uuid.uuid4()
        payload = ReviewerInvited(
            edition_id=self.edition_id,
            reviewer_id=reviewer_id,
            seat_id=seat,
            assignments=assignments,
            new_assignments=assignments,
            link_expires_at=self.now + timedelta(days=30),
        )
        return [self._event(payload, seat)]

    def mail_sent(self, applicant_id: str) -> list[Published]:
        payload = NotificationSent(
            notification_id=uuid.uuid4(),
            cause_event_id=uuid.uuid4(),
            template="received",
            language="en",
        )
        return [self._event(payload, applicant_id)]


def observed(events: Sequence[Published]) -> list[ObservedEvent]:
    """What the dashboard's reader makes of these events once read off their topics."""
    return [
        ObservedEvent(
            event_id=event.id,
            topic=topic,
            type=event.type,
            subject=event.subject,
            time=event.time,
            edition_id=event.editionid,
            payload=read_payload(event),
        )
        for topic, event in events
    ]


async def publish(bootstrap: str, events: Sequence[Published]) -> None:
    """Publish as the outbox relays do: keyed by subject, one application's events in order."""
    producer = AIOKafkaProducer(
        bootstrap_servers=bootstrap, enable_idempotence=True, acks="all", linger_ms=5
    )
    await producer.start()
    try:
        for topic, event in events:
            await producer.send(topic, event.to_bytes(), key=event.subject.encode())
        await producer.flush()
    finally:
        await producer.stop()


def edition_file(
    directory: Path, edition: EditionEvents, *, reviewers_per_application: int, spread: int
) -> Path:
    """A file for the test's edition (the demo edition's, under its id, with these review
    rules), so that a dashboard given this directory knows its `[review]`."""
    text = (DEFAULT_EDITIONS_DIR / "athlete365-4.toml").read_text()
    for old, new in (
        ('id = "athlete365-4"', f'id = "{edition.edition_id}"'),
        (
            "reviewers_per_application = 2",
            f"reviewers_per_application = {reviewers_per_application}",
        ),
        ("disagreement_spread = 30", f"disagreement_spread = {spread}"),
    ):
        assert old in text, f"the demo edition file no longer has {old!r}"
        text = text.replace(old, new)
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{edition.edition_id}.toml"
    path.write_text(text)
    return path


@asynccontextmanager
async def running_dashboard(
    stack_env: Mapping[str, str],
    log_dir: Path,
    *,
    port: int | None = None,
    editions_dir: Path | None = None,
) -> AsyncIterator[ServiceProcess]:
    """The dashboard process on the session's Kafka, ready (its history read); stopped after."""
    env = {"KAFKA_BOOTSTRAP_SERVERS": stack_env["KAFKA_BOOTSTRAP_SERVERS"], "LAG_INTERVAL_S": "1"}
    if editions_dir is not None:
        env["EDITIONS_DIR"] = str(editions_dir)
    process = start_service("services.dashboard", env=env, log_dir=log_dir, port=port)
    try:
        await process.wait_ready()
        yield process
    finally:
        process.terminate()


async def wait_for_picture(
    url: str,
    edition_id: str,
    shows: Callable[[dict[str, Any]], bool],
    *,
    what: str,
    timeout_s: float = 60.0,
) -> dict[str, Any]:
    """Poll the JSON picture until it shows what is expected; fail with the last one seen."""
    deadline = time.monotonic() + timeout_s
    seen: dict[str, Any] = {}
    async with httpx.AsyncClient(base_url=url, timeout=5) as client:
        while time.monotonic() < deadline:
            response = await client.get("/v1/dashboard", params={"edition": edition_id})
            response.raise_for_status()
            seen = response.json()
            if shows(seen):
                return seen
            await asyncio.sleep(0.3)
    raise AssertionError(f"the dashboard never showed {what}; last picture: {seen}")


def small_edition(edition: EditionEvents) -> list[Published]:
    """Four applicants, one ineligible; three scored; two offered, one of whom accepted.

    Funnel 4 → 3 → 3 → 3 → 2 → 1; budget US$20,000 committed of a US$30,000 cap.
    """
    first, second, third, ineligible = (uuid.uuid4() for _ in range(4))
    first_offer, first_offered = edition.offered(first, rank=1)
    _, second_offered = edition.offered(second, rank=2)
    return [
        *edition.opened(capacity=3),
        *edition.applied(first),
        *edition.applied(second),
        *edition.applied(third),
        *edition.applied(ineligible, eligible=False),
        *edition.scored(first, 82),
        *edition.scored(second, 67),
        *edition.scored(third, 45),
        *edition.closed(),
        *first_offered,
        *second_offered,
        *edition.waitlisted(third, rank=3),
        *edition.answered(first, first_offer, "accepted"),
    ]


def panel_at_work(edition: EditionEvents, a: uuid.UUID, b: uuid.UUID) -> list[Published]:
    """Two applications, two reviewers each (k = 2); r-2 declared a conflict on b, which went
    to r-3. a's two reviews are 45 points apart; b has one review of two."""
    return [
        *edition.opened(capacity=3),
        *edition.applied(a),
        *edition.applied(b),
        *edition.assigned(a, "r-1", "r-2"),
        *edition.assigned(b, "r-1", "r-2"),
        *edition.invited("r-1", assignments=2),
        *edition.invited("r-2", assignments=2),
        *edition.reviewed(a, "r-1", 40),
        *edition.reviewed(a, "r-2", 85),
        *edition.released(b, "r-2"),
        *edition.assigned(b, "r-3", at=edition.now + timedelta(hours=1, minutes=5)),
        *edition.reviewed(b, "r-3", 60),
    ]
