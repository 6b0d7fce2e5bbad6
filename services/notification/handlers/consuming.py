"""What consuming does: remember contacts and who owns each application, and queue e-mails.

A panel reviewer's contact and invitation go the same way as an athlete's: the contact is
kept under its key on the contacts topic, the invitation names that key, and its tombstone
erases the contact and cancels what was still queued for the reviewer.

Nothing is sent here. Contacts travel on another topic than the events, so an event may
arrive before its recipient is known; the sender picks a queued e-mail up once it is.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field

from services.notification.adapters import contacts_repository, notifications_repository
from services.notification.adapters.contacts_repository import (
    ApplicationOwner,
    ContactVersion,
    Erasure,
)
from services.notification.adapters.notification_rows import NewNotification, Settled
from services.notification.domain.catalog import Notice
from services.notification.domain.outgoing import notification_id
from services.notification.handlers.events import Announcement, failed_event
from shared.clock import Clock
from shared.db import Connection
from shared.events.envelope import CloudEvent
from shared.languages import choose_language
from shared.outbox import add_to_outbox

CONTACT_ERASED = "contact erased before the e-mail could be sent"
ERROR_TEXT_ERASED = "(the error text was removed when the contact was erased)"


@dataclass(frozen=True)
class Cause:
    """The consumed event an e-mail is about, with where it was read from."""

    event: CloudEvent
    raw: bytes
    topic: str
    partition: int
    offset: int


@dataclass
class Inbound:
    """One consumed batch, translated."""

    contacts: list[ContactVersion] = field(default_factory=list)
    owners: list[ApplicationOwner] = field(default_factory=list)
    notices: list[tuple[Notice, Cause]] = field(default_factory=list)


async def record(conn: Connection, inbound: Inbound, *, clock: Clock) -> None:
    await contacts_repository.save_contacts(conn, versions=inbound.contacts)
    await contacts_repository.save_owners(conn, owners=inbound.owners)
    await notifications_repository.add_pending(
        conn, rows=[_pending(notice, cause) for notice, cause in inbound.notices]
    )
    if inbound.notices:
        # An e-mail about an applicant erased before it arrived can never be sent; nor an
        # invitation to a reviewer removed from the panel before it arrived.
        athletes = [
            notice.application_id for notice, _ in inbound.notices if not notice.contact_key
        ]
        reviewers = [notice.contact_key for notice, _ in inbound.notices if notice.contact_key]
        erased = [
            *await contacts_repository.erased_owners(conn, application_ids=athletes),
            *await contacts_repository.erased_keys(conn, contact_keys=reviewers),
        ]
        await _cancel_for(conn, erased, clock=clock)


async def erase(conn: Connection, erasures: Sequence[Erasure], *, clock: Clock) -> int:
    """Forget the contacts; e-mails still queued for them will never be sent. Returns those."""
    gone = await contacts_repository.erase_contacts(conn, erasures=erasures)
    # A failure's text is the mail server's, and might quote the person; it goes too.
    await notifications_repository.clear_errors_of(
        conn, applicant_ids=gone, replacement=ERROR_TEXT_ERASED
    )
    return await _cancel_for(conn, gone, clock=clock)


async def _cancel_for(conn: Connection, applicant_ids: Sequence[str], *, clock: Clock) -> int:
    if not applicant_ids:
        return 0
    cancelled = await notifications_repository.cancel_for_applicants(
        conn, applicant_ids=applicant_ids, error=CONTACT_ERASED, now=clock.now()
    )
    await add_to_outbox(
        conn, [failed_event(announcement_of(s), reason=CONTACT_ERASED) for s in cancelled]
    )
    return len(cancelled)


def announcement_of(settled: Settled) -> Announcement:
    return Announcement(
        notification_id=settled.notification_id,
        cause_event_id=settled.cause_event_id,
        template=settled.template,
        language=choose_language(*settled.languages),
        applicant_id=settled.applicant_id,
        correlation_id=settled.correlation_id,
        edition_id=settled.edition_id,
    )


def _pending(notice: Notice, cause: Cause) -> NewNotification:
    event = cause.event
    return NewNotification(
        notification_id=notification_id(event.id, notice.application_id),
        cause_event_id=event.id,
        cause_type=event.type,
        application_id=notice.application_id,
        edition_id=notice.edition_id or event.editionid,
        template=notice.template,
        facts=notice.facts,
        correlation_id=event.correlationid,
        cause_time=event.time,
        cause_topic=cause.topic,
        cause_partition=cause.partition,
        cause_offset=cause.offset,
        cause_event=cause.raw,
        contact_key=notice.contact_key,
    )
