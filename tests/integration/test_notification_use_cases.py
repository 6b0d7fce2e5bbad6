"""Notification's use cases called directly, on real Postgres (a schema of this module's own)
with a fixed clock and a fake mail server behind the mail port: what is queued, sent, retried,
failed and cancelled, and the events each leaves in the outbox. The process-level tests keep
what only a process shows: real SMTP, crashes in the in-doubt window, replicas."""

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from uuid import UUID

import asyncpg
import pytest

from services.notification import handlers
from services.notification.adapters.contacts_repository import Erasure
from services.notification.domain.delivery import Permanent, Transient
from services.notification.domain.mailer import DeliveryFailed
from services.notification.domain.outgoing import OutgoingEmail
from shared.events.envelope import CloudEvent
from tests.support.notification import Athlete
from tests.support.notification_cases import FakeMailServer, Notifications, notification_cases

pytestmark = pytest.mark.integration

SCHEMA = "notification_cases"


@pytest.fixture
async def notifications(stack_env: dict[str, str]) -> AsyncIterator[Notifications]:
    async with notification_cases(stack_env, Notifications, schema=SCHEMA) as cases:
        yield cases


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


@dataclass
class SessionsMailServer(FakeMailServer):
    """Keeps what each session carried, and checks as it accepts a message that the one the
    session carried before is already settled: what a crash can leave in doubt is one
    message per session."""

    pool: asyncpg.Pool | None = None
    sessions: list[list[OutgoingEmail]] = field(default_factory=list)
    open_now: int = 0
    most_open: int = 0

    @asynccontextmanager
    async def session(self) -> AsyncIterator["_Session"]:  # type: ignore[override]
        carried: list[OutgoingEmail] = []
        self.sessions.append(carried)
        self.open_now += 1
        self.most_open = max(self.most_open, self.open_now)
        try:
            yield _Session(self, carried)
        finally:
            self.open_now -= 1


@dataclass
class _Session:
    server: SessionsMailServer
    carried: list[OutgoingEmail]

    async def send(self, email: OutgoingEmail) -> None:
        if self.carried:
            assert self.server.pool is not None
            previous = UUID(self.carried[-1].message_id.strip("<>").split("@")[0])
            state = await self.server.pool.fetchval(
                "SELECT state FROM notifications WHERE notification_id = $1", previous
            )
            assert state == "sent", "a session sent its next message before settling the last"
        await asyncio.sleep(0.01)  # the server's answer takes a while; other sessions go on
        self.carried.append(email)
        self.server.received.append(email)


async def test_several_sessions_send_at_once_each_athletes_emails_in_order_over_one(
    stack_env: dict[str, str],
) -> None:
    server = SessionsMailServer()
    async with notification_cases(
        stack_env, Notifications, schema=f"{SCHEMA}_sessions", mail=server, sessions=3
    ) as cases:
        server.pool = cases.pool
        athletes = [Athlete.new("en", f"Athlete {n}") for n in range(6)]
        for athlete in athletes:
            await cases.consume(athlete.contact(), athlete.received(), athlete.offered())

        assert await cases.sender.send_due() == 12

        assert server.most_open == 3
        assert sorted(len(carried) for carried in server.sessions) == [4, 4, 4]
        for athlete in athletes:
            carriers = [
                c for c in server.sessions if any(m.recipient_address == athlete.email for m in c)
            ]
            assert len(carriers) == 1, "one athlete's e-mails went over two sessions"
            theirs = [m.text for m in carriers[0] if m.recipient_address == athlete.email]
            assert "https://intake.test/status/" in theirs[0]  # received, then
            assert "https://grant.test/offers/" in theirs[1]  # offered
            assert await cases.states(athlete) == {"received": "sent", "offered": "sent"}
        announced = await cases.announced()
        assert len(announced) == 12
        assert {event for event, _ in announced} == {"accelerator.notification.sent.v1"}
