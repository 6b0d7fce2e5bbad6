"""Withdrawing an application and erasing the applicant's personal data, each once, with the
events that tell the other services. One implementation of each, whoever asks: the API with
its tokens (by_token) or the athlete's pages with the status link (by_link)."""

from collections.abc import Awaitable, Callable
from datetime import datetime
from uuid import UUID

from services.intake.adapters import withdrawals_repository as withdrawals
from services.intake.domain.application import StoredApplication
from services.intake.domain.withdrawal import Erased, ensure_withdrawable, erasure_withdraws
from services.intake.handlers import events
from services.intake.handlers.access import authorised, read_linked_application
from shared import topics
from shared.clock import Clock
from shared.db import Connection
from shared.events.codec import Outgoing
from shared.events.contracts import pitch_key
from shared.logs import get_logger
from shared.outbox import add_to_outbox, add_tombstone_to_outbox

log = get_logger(__name__)


# Finds and locks the application once the caller is known to be allowed to change it;
# UnknownApplication otherwise. The API passes its tokens, the pages their status link.
Authorise = Callable[[Connection], Awaitable[StoredApplication]]


def by_token(application_id: UUID, *, token: str | None, admin_token: str) -> Authorise:
    """The application's status token or the admin token (the HTTP API)."""

    async def authorise(conn: Connection) -> StoredApplication:
        return await authorised(
            conn, application_id=application_id, token=token, admin_token=admin_token, lock=True
        )

    return authorise


def by_link(application_id: UUID, *, link_token: str, key: str, clock: Clock) -> Authorise:
    """A genuine, unexpired status link naming this application (the athlete's pages)."""

    async def authorise(conn: Connection) -> StoredApplication:
        return await read_linked_application(
            conn,
            application_id=application_id,
            token=link_token,
            key=key,
            now=clock.now(),
            lock=True,
        )

    return authorise


async def withdraw(
    conn: Connection, *, authorise: Authorise, clock: Clock, correlation_id: str
) -> datetime:
    """Withdraw the application once and announce it; returns when it was withdrawn (the
    first time, on a repeat). PackageAccepted once its package was accepted."""
    async with conn.transaction():
        application = await authorise(conn)
        if application.withdrawn_at is not None:
            return application.withdrawn_at
        ensure_withdrawable(application)
        now = clock.now()
        await withdrawals.record_withdrawal(conn, application_id=application.application_id, at=now)
        await add_to_outbox(conn, _withdrawn_events(application, correlation_id))
    _log_step("application withdrawn", application, correlation_id)
    return now


async def erase(
    conn: Connection, *, authorise: Authorise, clock: Clock, correlation_id: str
) -> Erased:
    """Erase the applicant's personal data once, tombstone their contact and the pitch, and
    withdraw the application unless it was withdrawn before or its package accepted."""
    async with conn.transaction():
        application = await authorise(conn)
        application_id = application.application_id
        if application.erased_at is not None:
            return Erased(application_id, application.erased_at, application.withdrawn_at)
        now = clock.now()
        withdraws = erasure_withdraws(application)
        withdrawn_at = now if withdraws else application.withdrawn_at
        await withdrawals.erase_personal_data(
            conn, application_id=application_id, at=now, withdrawn_at=withdrawn_at
        )
        await withdrawals.forget_contact_events(
            conn, athlete_id=application.athlete_id, application_id=application_id
        )
        if withdraws:
            await add_to_outbox(conn, _withdrawn_events(application, correlation_id))
        await add_tombstone_to_outbox(conn, topic=topics.CONTACTS, key=application.athlete_id)
        await add_tombstone_to_outbox(conn, topic=topics.CONTACTS, key=pitch_key(application_id))
    _log_step("personal data erased", application, correlation_id)
    return Erased(application_id, now, withdrawn_at)


def _withdrawn_events(application: StoredApplication, correlation_id: str) -> list[Outgoing]:
    return events.withdrawn(
        application_id=application.application_id,
        edition_id=application.edition_id,
        correlation_id=correlation_id,
    )


def _log_step(message: str, application: StoredApplication, correlation_id: str) -> None:
    log.info(
        message,
        application_id=str(application.application_id),
        edition_id=application.edition_id,
        correlation_id=correlation_id,
    )
