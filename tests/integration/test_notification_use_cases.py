"""Notification's use cases called directly, on real Postgres (a schema of this module's own)
with a fixed clock and a fake mail server behind the mail port: what is queued, sent, retried,
failed and cancelled, and the events each leaves in the outbox. The process-level tests keep
what only a process shows: real SMTP, crashes in the in-doubt window, replicas."""

import secrets
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace
from typing import Any

import asyncpg
import pytest

from infra.provision import provision_sql
from services.notification import handlers
from services.notification.adapters.contacts_repository import Erasure
from services.notification.adapters.dead_letters import FailedCause
from services.notification.adapters.renderer import TemplateRenderer
from services.notification.domain.composition import OfferLinks, StatusLinks
from services.notification.domain.delivery import Permanent, RetryPolicy, Transient
from services.notification.domain.mailer import DeliveryFailed
from services.notification.domain.outgoing import OutgoingEmail
from services.notification.entrypoints.consumer import inbound
from shared.consumer import Delivery
from shared.db import migrate
from shared.events.envelope import CloudEvent
from tests.support.notification import Athlete

pytestmark = pytest.mark.integration

SCHEMA = "notification_cases"


@dataclass
class FixedClock:
    at: datetime = field(default_factory=lambda: datetime(2027, 3, 1, 12, tzinfo=UTC))

    def now(self) -> datetime:
        return self.at


@dataclass
class FakeMailServer:
    """Accepts every message, or answers each with the next failure it was given."""

    received: list[OutgoingEmail] = field(default_factory=list)
    failures: list[DeliveryFailed] = field(default_factory=list)

    @asynccontextmanager
    async def session(self) -> AsyncIterator["FakeMailServer"]:
        yield self

    async def send(self, email: OutgoingEmail) -> None:
        if self.failures:
            raise self.failures.pop(0)
        self.received.append(email)


@dataclass
class DeadLetterSink:
    causes: list[tuple[FailedCause, str]] = field(default_factory=list)

    async def send(self, cause: FailedCause, *, reason: str, error_class: str) -> None:
        self.causes.append((cause, error_class))


@dataclass
class Notifications:
    pool: asyncpg.Pool
    clock: FixedClock
    mail: FakeMailServer
    dead_letters: DeadLetterSink
    sender: handlers.Sender

    async def consume(self, *events: CloudEvent) -> None:
        """What the consumer does with a batch: translate it, record it in one transaction."""
        deliveries = [Delivery(e, _record(e, offset)) for offset, e in enumerate(events)]
        async with self.pool.acquire() as conn, conn.transaction():
            await handlers.record(conn, inbound(deliveries), clock=self.clock)

    async def states(self, athlete: Athlete) -> dict[str, str]:
        rows = await self.pool.fetch(
            "SELECT template, state FROM notifications WHERE application_id = $1",
            athlete.application_id,
        )
        return {r["template"]: r["state"] for r in rows}

    async def announced(self) -> list[tuple[str, str]]:
        rows = await self.pool.fetch("SELECT event_type, payload FROM outbox ORDER BY id")
        return [
            (r["event_type"], CloudEvent.from_bytes(r["payload"]).data["template"]) for r in rows
        ]


def _record(event: CloudEvent, offset: int) -> Any:
    # What the consumer reads of a Kafka record besides the event: where it came from.
    return SimpleNamespace(
        topic="accelerator.test", partition=0, offset=offset, value=event.to_bytes()
    )


@pytest.fixture
async def notifications(stack_env: dict[str, str]) -> AsyncIterator[Notifications]:
    password = secrets.token_urlsafe(16)
    admin = await asyncpg.connect(stack_env["DATABASE_URL"])
    try:
        await admin.execute(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE")
        await admin.execute(provision_sql(SCHEMA, password))
    finally:
        await admin.close()
    url = f"postgresql://{SCHEMA}:{password}@{stack_env['DATABASE_URL'].rsplit('@', 1)[1]}"
    conn = await asyncpg.connect(url)
    await migrate(conn, schema=SCHEMA, package="services.notification.migrations")
    await conn.close()
    pool = await asyncpg.create_pool(url, server_settings={"search_path": SCHEMA})
    assert pool is not None
    clock, mail, dead_letters = FixedClock(), FakeMailServer(), DeadLetterSink()
    settlement = handlers.Settlement(
        pool=lambda: pool,
        dead_letters=lambda: dead_letters,
        policy=RetryPolicy(max_attempts=3, base_s=5, max_s=60),
        clock=clock,
    )
    writer = handlers.LetterWriter(
        renderer=TemplateRenderer(),
        offer_links=OfferLinks(base_url="https://grant.test", key="use-case-key"),
        status_links=StatusLinks(base_url="https://intake.test", key="use-case-status-key"),
        programmes={},
        mail_from="Accelerator <no-reply@accelerator.test>",
    )
    sender = handlers.Sender(
        pool=lambda: pool,
        mailer=mail,
        writer=writer,
        settlement=settlement,
        clock=clock,
        config=handlers.SenderConfig(batch_size=20, lease=timedelta(seconds=30)),
    )
    try:
        yield Notifications(pool, clock, mail, dead_letters, sender)
    finally:
        await pool.close()


async def test_each_event_is_queued_once_and_sent_once_in_the_athletes_language(
    notifications: Notifications,
) -> None:
    lea = Athlete.new("fr", "Léa Martin")
    events = (lea.contact(), lea.received(), lea.offered())
    await notifications.consume(*events)
    await notifications.consume(*events)  # a redelivered batch queues nothing new

    assert await notifications.sender.send_due() == 2
    assert await notifications.sender.send_due() == 0

    assert await notifications.states(lea) == {"received": "sent", "offered": "sent"}
    sent = notifications.mail.received
    assert [m.recipient_address for m in sent] == [lea.email, lea.email]
    assert {m.language for m in sent} == {"fr"}
    # Both carry a link (the offer page, the status page), so both have an HTML part.
    [offer] = [m for m in sent if "https://grant.test/offers/" in m.text]
    [received] = [m for m in sent if "https://intake.test/status/" in m.text]
    assert offer.html is not None
    assert received.html is not None
    assert await notifications.announced() == [
        ("accelerator.notification.sent.v1", "received"),
        ("accelerator.notification.sent.v1", "offered"),
    ]


async def test_a_refused_message_is_retried_after_a_backoff_then_given_up_and_dead_lettered(
    notifications: Notifications,
) -> None:
    sam = Athlete.new("en", "Sam Sprinter")
    await notifications.consume(sam.contact(), sam.received())
    notifications.mail.failures = [
        DeliveryFailed(Transient("SMTP 451: try again later")),
        DeliveryFailed(Permanent("SMTP 550: no such mailbox", "SMTPRejected")),
    ]

    await notifications.sender.send_due()
    assert await notifications.states(sam) == {"received": "pending"}
    assert await notifications.sender.send_due() == 0, "retried before its backoff"

    notifications.clock.at += timedelta(seconds=10)
    await notifications.sender.send_due()
    assert await notifications.states(sam) == {"received": "failed"}
    assert notifications.mail.received == []
    assert [error for _, error in notifications.dead_letters.causes] == ["SMTPRejected"]
    assert await notifications.announced() == [("accelerator.notification.failed.v1", "received")]


async def test_an_erased_contact_cancels_every_email_not_yet_sent(
    notifications: Notifications,
) -> None:
    kim = Athlete.new("de", "Kim Keller")
    await notifications.consume(kim.contact(), kim.received(), kim.offered())
    async with notifications.pool.acquire() as conn, conn.transaction():
        # The tombstone comes after the contact it erases, on the same partition.
        tombstone = Erasure(applicant_id=kim.applicant_id, partition=0, offset=10)
        erased = await handlers.erase(conn, [tombstone], clock=notifications.clock)

    assert erased == 2
    assert await notifications.sender.send_due() == 0
    assert notifications.mail.received == []
    assert await notifications.states(kim) == {"received": "failed", "offered": "failed"}
    assert await notifications.announced() == [
        ("accelerator.notification.failed.v1", "received"),
        ("accelerator.notification.failed.v1", "offered"),
    ]
    reasons = await notifications.pool.fetch("SELECT payload FROM outbox ORDER BY id")
    assert all("erased" in CloudEvent.from_bytes(r["payload"]).data["reason"] for r in reasons)
    contacts = await notifications.pool.fetchval("SELECT count(*) FROM contacts")
    assert contacts == 0, "the contact's name and address are still stored"
