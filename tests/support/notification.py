"""What the notification tests share: athletes with unique addresses, their events produced
to the real topics, notification processes under test, and the Maildir and topics read
back. (No tests here.)"""

import email
import email.policy
import mailbox
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from pathlib import Path
from typing import Any
from uuid import UUID

import asyncpg
from aiokafka import AIOKafkaConsumer, TopicPartition

from shared import topics
from shared.events.codec import make_event
from shared.events.contracts import (
    PAYLOAD_TYPES,
    ApplicationReceived,
    ContactUpdated,
    EventPayload,
    GrantOffered,
    ReviewerContactUpdated,
    ReviewerInvited,
    reviewer_contact_key,
)
from shared.events.envelope import CloudEvent
from tests.support.kafka import produce, read_to_end
from tests.support.processes import ServiceProcess, start_service
from tests.support.waiting import eventually

SIGNING_KEY = "notification-tests-offer-signing-key"
GRANT_URL = "http://grant.test:8003"
REVIEW_LINK_KEY = "notification-tests-review-link-key"
SCORING_URL = "http://scoring.test:8002"
CONSUMED = (topics.CONTACTS, topics.APPLICATIONS, topics.TRAINING, topics.GRANTS, topics.REVIEWS)


def notification_env(stack_env: dict[str, str], **extra: str) -> dict[str, str]:
    return {
        "KAFKA_BOOTSTRAP_SERVERS": stack_env["KAFKA_BOOTSTRAP_SERVERS"],
        "DATABASE_URL": stack_env["NOTIFICATION_DATABASE_URL"],
        "SMTP_HOST": stack_env["SMTP_HOST"],
        "SMTP_PORT": stack_env["SMTP_PORT"],
        "GRANT_URL": GRANT_URL,
        "OFFER_SIGNING_KEY": SIGNING_KEY,
        "SCORING_URL": SCORING_URL,
        "REVIEW_LINK_KEY": REVIEW_LINK_KEY,
        "RELAY_POLL_INTERVAL_S": "0.2",
        "RETRY_MAX_BACKOFF_S": "0.5",
        "SEND_POLL_INTERVAL_S": "0.2",
        "SEND_LEASE_S": "3",
        "SEND_RETRY_BASE_S": "0.3",
        "SEND_RETRY_MAX_S": "1",
        **extra,
    }


def start_notification(stack_env: dict[str, str], logs: Path, **extra: str) -> ServiceProcess:
    return start_service(
        "services.notification", env=notification_env(stack_env, **extra), log_dir=logs
    )


@dataclass(frozen=True)
class Athlete:
    """One applicant with one application, unique to the test that made it."""

    applicant_id: str
    application_id: UUID
    email: str
    full_name: str
    language: str
    edition_id: str = "athlete365-4"

    @classmethod
    def new(cls, language: str = "en", name: str = "Test Athlete") -> "Athlete":
        tag = uuid.uuid4().hex
        return cls(f"A365-{tag[:12]}", uuid.uuid4(), f"{tag}@example.org", name, language)

    def contact(self) -> CloudEvent:
        payload = ContactUpdated(
            applicant_id=self.applicant_id,
            full_name=self.full_name,
            email=self.email,
            language=self.language,
        )
        return make_event(payload, service="intake", subject=self.applicant_id, correlation_id="t")

    def received(self) -> CloudEvent:
        return self.event(
            ApplicationReceived(
                application_id=self.application_id,
                edition_id=self.edition_id,
                applicant_id=self.applicant_id,
                country="FRA",
                sport="Judo",
                athlete_status="former_olympian",
                career_end_year=2021,
                submitted_at=datetime.now(UTC),
                language=self.language,
            )
        )

    def offered(self, expires_at: datetime | None = None) -> CloudEvent:
        return self.event(
            GrantOffered(
                application_id=self.application_id,
                edition_id=self.edition_id,
                offer_id=uuid.uuid4(),
                amount_cents=1_000_000,
                currency="USD",
                components=["logistics_training", "operations_training", "sourcing_training"],
                rank=3,
                expires_at=expires_at
                or datetime.now(UTC).replace(microsecond=0) + timedelta(days=14),
            )
        )

    def event(self, payload: EventPayload) -> CloudEvent:
        return make_event(
            payload,
            service="test",
            subject=str(self.application_id),
            correlation_id=f"corr-{self.applicant_id}",
            edition_id=self.edition_id,
        )


@dataclass(frozen=True)
class Reviewer:
    """One panel reviewer with one seat, unique to the test that made it."""

    edition_id: str
    reviewer_id: str
    seat_id: UUID
    email: str
    full_name: str
    language: str

    @classmethod
    def new(
        cls, language: str = "en", name: str = "Test Reviewer", edition_id: str = "athlete365-4"
    ) -> "Reviewer":
        tag = uuid.uuid4().hex
        return cls(edition_id, f"r-{tag[:10]}", uuid.uuid4(), f"{tag}@example.org", name, language)

    @property
    def contact_key(self) -> str:
        return reviewer_contact_key(self.edition_id, self.reviewer_id)

    def contact(self) -> CloudEvent:
        """As scoring publishes it on the contacts topic, keyed by the reviewer's contact key."""
        payload = ReviewerContactUpdated(
            edition_id=self.edition_id,
            reviewer_id=self.reviewer_id,
            full_name=self.full_name,
            email=self.email,
            language=self.language,
        )
        return make_event(payload, service="scoring", subject=self.contact_key, correlation_id="t")

    def invited(
        self,
        *,
        assignments: int = 3,
        new_assignments: int | None = None,
        expires_at: datetime | None = None,
    ) -> CloudEvent:
        """As scoring publishes it on the reviews topic, keyed by the seat."""
        payload = ReviewerInvited(
            edition_id=self.edition_id,
            reviewer_id=self.reviewer_id,
            seat_id=self.seat_id,
            assignments=assignments,
            new_assignments=assignments if new_assignments is None else new_assignments,
            link_expires_at=expires_at
            or datetime.now(UTC).replace(microsecond=0) + timedelta(days=30),
        )
        return make_event(
            payload,
            service="scoring",
            subject=str(self.seat_id),
            correlation_id=f"corr-{self.reviewer_id}",
            edition_id=self.edition_id,
        )


async def remove_reviewer(stack_env: dict[str, str], reviewer: Reviewer) -> None:
    """The tombstone scoring publishes when the reviewer leaves the panel."""
    await produce(
        stack_env["KAFKA_BOOTSTRAP_SERVERS"], topics.CONTACTS, [(reviewer.contact_key, None)]
    )


async def publish(stack_env: dict[str, str], *events: CloudEvent) -> None:
    """Each event to its contract's topic, keyed by its subject, in the order given."""
    bootstrap = stack_env["KAFKA_BOOTSTRAP_SERVERS"]
    for event in events:
        topic = topics.CONTACTS if event.type == ContactUpdated.event_type else _topic_of(event)
        await produce(bootstrap, topic, [(event.subject, event.to_bytes())])


async def erase_contact(stack_env: dict[str, str], athlete: Athlete) -> None:
    await produce(
        stack_env["KAFKA_BOOTSTRAP_SERVERS"], topics.CONTACTS, [(athlete.applicant_id, None)]
    )


def _topic_of(event: CloudEvent) -> str:
    return PAYLOAD_TYPES[event.type].topic


def mails_to(stack_env: dict[str, str], address: str) -> list[EmailMessage]:
    """Every message the SMTP sink filed for this recipient."""
    box = mailbox.Maildir(stack_env["MAIL_DIR"], create=False)
    found = []
    for key in box.iterkeys():
        message = email.message_from_bytes(box.get_bytes(key), policy=email.policy.default)
        assert isinstance(message, EmailMessage)
        if address in str(message.get("To", "")):
            found.append(message)
    return found


async def notification_records(stack_env: dict[str, str], applicant_id: str) -> list[Any]:
    records = await read_to_end(stack_env["KAFKA_BOOTSTRAP_SERVERS"], topics.NOTIFICATIONS)
    return [r for r in records if r.key == applicant_id.encode()]


async def dead_letters_for(stack_env: dict[str, str], application_id: UUID) -> list[Any]:
    records = await read_to_end(stack_env["KAFKA_BOOTSTRAP_SERVERS"], topics.DLQ)
    return [
        r
        for r in records
        if r.key == str(application_id).encode()
        and dict(r.headers).get("dlq.consumer.group") == b"notification"
    ]


async def rows_of(db: asyncpg.Connection, athlete: Athlete) -> list[asyncpg.Record]:
    return await db.fetch(
        "SELECT * FROM notification.notifications WHERE application_id = $1 ORDER BY cause_time",
        athlete.application_id,
    )


async def quiet_queue(stack_env: dict[str, str], db: asyncpg.Connection, logs: Path) -> None:
    """Leave nothing of other tests for the next notification process to send first.

    The topics and the notification schema are shared by the whole session: consume what
    other tests left on the topics, then put every e-mail still waiting out of the way,
    so a crash point armed by the test hits the test's own e-mail.
    """
    service = start_notification(stack_env, logs, SEND_BATCH_SIZE="1000")
    try:
        await service.wait_ready()
        await eventually(lambda: group_caught_up(stack_env["KAFKA_BOOTSTRAP_SERVERS"]), 120)
    finally:
        service.terminate()
    await db.execute(
        "UPDATE notification.notifications SET next_attempt_at = now() + interval '1 day'"
        " WHERE state = 'pending'"
    )


async def group_caught_up(bootstrap: str) -> bool:
    """The notification group has committed every partition of its topics to the end."""
    # From the topic specs: the consumer's partitions_for_topic knows only topics it has
    # been assigned, so it would leave the check nothing to check.
    partitions = [TopicPartition(*tp) for tp in topics.partitions_of(CONSUMED)]
    consumer = AIOKafkaConsumer(
        bootstrap_servers=bootstrap, group_id="notification", enable_auto_commit=False
    )
    await consumer.start()
    try:
        ends = await consumer.end_offsets(partitions)
        for tp in partitions:
            if (await consumer.committed(tp) or 0) < ends[tp]:
                return False
        return True
    finally:
        await consumer.stop()
