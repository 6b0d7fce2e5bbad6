"""A panel reviewer's invitation through notification's use cases, on real Postgres (a schema
of this module's own) with a fixed clock and a fake mail server: queued once, sent once in
the reviewer's language with a personal link that scoring accepts for their seat only,
waiting for a contact that has not arrived, and cancelled when the reviewer leaves the panel.
The process-level test on real Kafka and SMTP is test_notification_review_delivery.py."""

import re
from collections.abc import AsyncIterator
from datetime import timedelta

import pytest

from services.notification import handlers
from services.notification.adapters.contacts_repository import Erasure
from services.notification.domain.composition import ReviewLinks
from services.notification.entrypoints.consumer import inbound
from shared import review_links
from shared.consumer import Delivery
from shared.events.envelope import CloudEvent
from tests.support.notification import Athlete, Reviewer
from tests.support.notification_cases import Notifications, notification_cases, record_of

pytestmark = pytest.mark.integration

SCHEMA = "notification_review_cases"
KEY = "use-case-review-link-key"
SCORING = "https://scoring.test"


class Panel(Notifications):
    async def consume_at(self, offset: int, *events: CloudEvent) -> None:
        """A batch read from `offset` on, as one transaction, like the consumer's."""
        deliveries = [Delivery(e, record_of(e, offset + i)) for i, e in enumerate(events)]
        async with self.pool.acquire() as conn, conn.transaction():
            await handlers.record(conn, inbound(deliveries), clock=self.clock)

    async def states_of(self, reviewer: Reviewer) -> list[str]:
        rows = await self.pool.fetch(
            "SELECT state FROM notifications WHERE contact_key = $1", reviewer.contact_key
        )
        return [r["state"] for r in rows]

    async def remove(self, reviewer: Reviewer, *, offset: int) -> int:
        async with self.pool.acquire() as conn, conn.transaction():
            tombstone = Erasure(applicant_id=reviewer.contact_key, partition=0, offset=offset)
            return await handlers.erase(conn, [tombstone], clock=self.clock)

    async def outbox(self) -> list[CloudEvent]:
        rows = await self.pool.fetch("SELECT payload FROM outbox ORDER BY id")
        return [CloudEvent.from_bytes(r["payload"]) for r in rows]


@pytest.fixture
async def panel(stack_env: dict[str, str]) -> AsyncIterator[Panel]:
    async with notification_cases(
        stack_env,
        Panel,
        schema=SCHEMA,
        programmes={"athlete365-4": "Athlete365 Business Accelerator 4"},
        review_links=ReviewLinks(base_url=SCORING, key=KEY),
    ) as cases:
        yield cases


async def test_an_invitation_is_sent_once_in_the_reviewers_language_with_a_link_for_the_seat(
    panel: Panel,
) -> None:
    ines = Reviewer.new("es", "Inés Ortega")
    deadline = panel.clock.at + timedelta(days=30)
    invited = ines.invited(assignments=12, expires_at=deadline)
    await panel.consume_at(0, ines.contact(), invited)
    await panel.consume_at(0, ines.contact(), invited)  # a redelivered batch queues nothing

    assert await panel.sender.send_due() == 1
    assert await panel.sender.send_due() == 0

    [mail] = panel.mail.received
    assert (mail.recipient_address, mail.recipient_name) == (ines.email, "Inés Ortega")
    assert mail.language == "es"
    text = " ".join(mail.text.split())
    assert text.startswith("Hola, Inés Ortega:")
    assert "12 solicitudes esperan tu evaluación" in text
    assert "Abrirlo no cambia nada" in text
    [link] = re.findall(rf"{re.escape(SCORING)}/review/\S+", mail.text)
    assert link.endswith("?lang=es")
    token = link.removeprefix(f"{SCORING}/review/").removesuffix("?lang=es")
    claim = review_links.verify(token, key=KEY)
    assert (claim.record_id, claim.expires_at) == (ines.seat_id, deadline)
    assert mail.html is not None
    assert f'href="{link}"' in mail.html
    assert await panel.states_of(ines) == ["sent"]

    # Announced without a name or an address, keyed by the reviewer's contact key.
    [sent] = await panel.outbox()
    assert sent.type == "accelerator.notification.sent.v1"
    assert sent.subject == ines.contact_key
    assert sent.data["template"] == "reviewer_invited"
    assert sent.data["language"] == "es"
    assert sent.data["cause_event_id"] == str(invited.id)
    assert ines.email not in sent.to_bytes().decode()
    assert "Ortega" not in sent.to_bytes().decode()


async def test_a_new_invitation_after_a_reassignment_is_one_more_email(panel: Panel) -> None:
    tom = Reviewer.new("en", "Tom Baker")
    await panel.consume_at(0, tom.contact(), tom.invited(assignments=3))
    await panel.sender.send_due()
    await panel.consume_at(2, tom.invited(assignments=4, new_assignments=1))
    assert await panel.sender.send_due() == 1

    first, second = panel.mail.received
    assert "3 applications await your review" in " ".join(first.text.split())
    later = " ".join(second.text.split())
    assert "4 applications await your review" in later
    assert "Of these, 1 is new since our last e-mail." in later
    assert first.message_id != second.message_id


async def test_an_invitation_waits_for_the_reviewers_contact(panel: Panel) -> None:
    mia = Reviewer.new("de", "Mia Schulz")
    await panel.consume_at(0, mia.invited())
    assert await panel.sender.send_due() == 0
    assert await panel.states_of(mia) == ["pending"]

    await panel.consume_at(1, mia.contact())
    assert await panel.sender.send_due() == 1
    [mail] = panel.mail.received
    assert mail.language == "de"
    assert mail.text.startswith("Guten Tag Mia Schulz,")


async def test_waiting_in_vain_fails_only_the_mail_whose_contact_never_came(
    panel: Panel,
) -> None:
    known, unknown, athlete = Reviewer.new(), Reviewer.new(), Athlete.new()
    await panel.consume_at(0, known.contact(), known.invited(), unknown.invited())
    await panel.consume_at(3, athlete.contact(), athlete.received())
    # Long after the rows were written (the clock is ahead of the database's now()).
    failed = await panel.settlement.fail_unaddressable(waited=timedelta(hours=1), limit=10)

    assert failed == 1
    assert await panel.states_of(unknown) == ["failed"]
    assert await panel.states_of(known) == ["pending"]
    assert await panel.sender.send_due() == 2


async def test_a_reviewer_leaving_the_panel_cancels_the_invitation_not_yet_sent(
    panel: Panel,
) -> None:
    lou = Reviewer.new("fr", "Lou Bernard")
    await panel.consume_at(0, lou.contact(), lou.invited())

    assert await panel.remove(lou, offset=10) == 1

    assert await panel.sender.send_due() == 0
    assert panel.mail.received == []
    assert await panel.states_of(lou) == ["failed"]
    [failed] = await panel.outbox()
    assert failed.type == "accelerator.notification.failed.v1"
    assert failed.subject == lou.contact_key
    assert "erased" in failed.data["reason"]
    stored = await panel.pool.fetchval("SELECT count(*) FROM contacts")
    assert stored == 0, "the reviewer's name and address are still stored"


async def test_an_invitation_read_after_the_reviewer_left_is_cancelled_at_once(
    panel: Panel,
) -> None:
    lou = Reviewer.new("fr", "Lou Bernard")
    await panel.consume_at(0, lou.contact())
    await panel.remove(lou, offset=5)
    # The reviews topic is another topic: its invitation may be read after the tombstone.
    await panel.consume_at(6, lou.invited())

    assert await panel.states_of(lou) == ["failed"]
    assert await panel.sender.send_due() == 0
    assert panel.mail.received == []
