"""What notification's use-case tests build around the handlers they call: a migrated schema
of their own on the session's Postgres, a fixed clock, a fake mail server behind the mail port
and a dead-letter sink, wired as the bootstrap wires the real ones. (No tests here.)"""

import secrets
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace
from typing import Any, TypeVar

import asyncpg

from infra.provision import provision_sql
from services.notification import handlers
from services.notification.adapters.dead_letters import FailedCause
from services.notification.adapters.renderer import TemplateRenderer
from services.notification.domain.composition import OfferLinks, ReviewLinks, StatusLinks
from services.notification.domain.delivery import RetryPolicy
from services.notification.domain.mailer import DeliveryFailed
from services.notification.domain.outgoing import OutgoingEmail
from services.notification.entrypoints.consumer import inbound
from shared.consumer import Delivery
from shared.db import migrate
from shared.events.envelope import CloudEvent
from tests.support.notification import Athlete


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


def record_of(event: CloudEvent, offset: int) -> Any:
    # What the consumer reads of a Kafka record besides the event: where it came from.
    return SimpleNamespace(
        topic="accelerator.test", partition=0, offset=offset, value=event.to_bytes()
    )


@dataclass
class Notifications:
    pool: asyncpg.Pool
    clock: FixedClock
    mail: FakeMailServer
    dead_letters: DeadLetterSink
    sender: handlers.Sender
    settlement: handlers.Settlement

    async def consume(self, *events: CloudEvent) -> None:
        """What the consumer does with a batch: translate it, record it in one transaction."""
        deliveries = [Delivery(e, record_of(e, offset)) for offset, e in enumerate(events)]
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


Cases = TypeVar("Cases", bound=Notifications)


@asynccontextmanager
async def notification_cases(
    stack_env: Mapping[str, str],
    kind: type[Cases],
    *,
    schema: str,
    programmes: Mapping[str, str] | None = None,
    review_links: ReviewLinks | None = None,
    mail: FakeMailServer | None = None,
    sessions: int = 1,
) -> AsyncIterator[Cases]:
    """A fresh, migrated notification schema named `schema` with its own login role, and the
    sender (holding `sessions` sessions of `mail` at once), writer and settlement on it."""
    password = secrets.token_urlsafe(16)
    admin = await asyncpg.connect(stack_env["DATABASE_URL"])
    try:
        await admin.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
        await admin.execute(provision_sql(schema, password))
    finally:
        await admin.close()
    url = f"postgresql://{schema}:{password}@{stack_env['DATABASE_URL'].rsplit('@', 1)[1]}"
    conn = await asyncpg.connect(url)
    await migrate(conn, schema=schema, package="services.notification.migrations")
    await conn.close()
    pool = await asyncpg.create_pool(url, server_settings={"search_path": schema})
    assert pool is not None
    clock, dead_letters = FixedClock(), DeadLetterSink()
    mail = mail or FakeMailServer()
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
        review_links=review_links,
        programmes=dict(programmes or {}),
        mail_from="Accelerator <no-reply@accelerator.test>",
    )
    sender = handlers.Sender(
        pool=lambda: pool,
        mailer=mail,
        writer=writer,
        settlement=settlement,
        clock=clock,
        config=handlers.SenderConfig(batch_size=20, lease=timedelta(seconds=30), sessions=sessions),
    )
    try:
        yield kind(pool, clock, mail, dead_letters, sender, settlement)
    finally:
        await pool.close()
