"""Translates consumed records into what the notification handlers take.

Contacts (athletes' and panel reviewers'), athlete-facing events and reviewers' invitations
are read; every other event type on these topics is ignored. A known type with invalid data
raises MalformedEvent, which the shared consumer dead-letters.
"""

from collections.abc import Sequence

from services.notification import handlers
from services.notification.adapters.contacts_repository import (
    ApplicationOwner,
    ContactVersion,
    Erasure,
)
from services.notification.domain.catalog import ATHLETE_FACING, REVIEWER_FACING, notice_for
from shared.clock import Clock
from shared.consumer import Delivery, Handler, Tombstone, TombstoneHandler, bound_to
from shared.db import Connection
from shared.events.codec import read_payload
from shared.events.contracts import (
    ApplicationReceived,
    ContactUpdated,
    ReviewerContactUpdated,
    reviewer_contact_key,
)
from shared.languages import choose_language


def inbound(deliveries: Sequence[Delivery]) -> handlers.Inbound:
    batch = handlers.Inbound()
    for delivery in deliveries:
        with bound_to(delivery):
            _take(delivery, batch)
    return batch


def _take(delivery: Delivery, batch: handlers.Inbound) -> None:
    """Adds what one consumed event means for e-mail (a contact, an owner, a notice) to batch."""
    event, record = delivery.event, delivery.record
    if event.type == ContactUpdated.event_type:
        contact = read_payload(event)
        assert isinstance(contact, ContactUpdated)
        batch.contacts.append(
            ContactVersion(
                applicant_id=contact.applicant_id,
                full_name=contact.full_name,
                email=contact.email,
                language=contact.language,
                partition=record.partition,
                offset=record.offset,
            )
        )
        return
    if event.type == ReviewerContactUpdated.event_type:
        reviewer = read_payload(event)
        assert isinstance(reviewer, ReviewerContactUpdated)
        # Kept beside the athletes' under the record's key on the contacts topic, so its
        # tombstone erases it the same way (contacts_repository).
        batch.contacts.append(
            ContactVersion(
                applicant_id=reviewer_contact_key(reviewer.edition_id, reviewer.reviewer_id),
                full_name=reviewer.full_name,
                email=reviewer.email,
                language=reviewer.language,
                partition=record.partition,
                offset=record.offset,
            )
        )
        return
    if event.type not in ATHLETE_FACING and event.type not in REVIEWER_FACING:
        return
    payload = read_payload(event)
    if isinstance(payload, ApplicationReceived):
        batch.owners.append(
            ApplicationOwner(
                application_id=payload.application_id,
                applicant_id=payload.applicant_id,
                edition_id=payload.edition_id,
                language=choose_language(payload.language),
            )
        )
    notice = notice_for(payload)
    if notice is not None:
        cause = handlers.Cause(
            event=event,
            raw=bytes(record.value),
            topic=record.topic,
            partition=record.partition,
            offset=record.offset,
        )
        batch.notices.append((notice, cause))


def batch_handler(clock: Clock) -> Handler:
    async def handle(conn: Connection, deliveries: Sequence[Delivery]) -> None:
        await handlers.record(conn, inbound(deliveries), clock=clock)

    return handle


def tombstone_handler(clock: Clock) -> TombstoneHandler:
    async def erase(conn: Connection, tombstones: Sequence[Tombstone]) -> None:
        erasures = [
            Erasure(applicant_id=t.key, partition=t.record.partition, offset=t.record.offset)
            for t in tombstones
        ]
        await handlers.erase(conn, erasures, clock=clock)

    return erase
