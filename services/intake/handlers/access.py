"""Who may read (and withdraw or erase) an application: its status token, a signed status
link, or the admin token; and what the status page shows of grant's decision."""

from datetime import datetime
from uuid import UUID

from services.intake.adapters import applications_repository as repository
from services.intake.adapters import selection_repository
from services.intake.domain.application import StoredApplication, token_hash
from services.intake.domain.selection import Selection
from services.intake.handlers.errors import UnknownApplication
from shared import status_links
from shared.auth import token_matches
from shared.db import Connection


async def read_application(
    conn: Connection, *, application_id: UUID, token: str | None, admin_token: str
) -> StoredApplication:
    """The application for its status token or the admin token; otherwise UnknownApplication,
    so that a wrong token does not reveal that the application exists."""
    return await authorised(
        conn, application_id=application_id, token=token, admin_token=admin_token
    )


async def authorised(
    conn: Connection,
    *,
    application_id: UUID,
    token: str | None,
    admin_token: str,
    lock: bool = False,
) -> StoredApplication:
    application = await repository.find_application(conn, application_id=application_id, lock=lock)
    if application is None or token is None:
        raise UnknownApplication(application_id)
    if not token_matches(token, admin_token) and not token_matches(
        token_hash(token), application.status_token_hash
    ):
        raise UnknownApplication(application_id)
    return application


def status_link_claim(token: str, *, key: str, now: datetime) -> status_links.SignedClaim:
    """What a genuine, unexpired status link claims (the application, until when); otherwise
    UnknownApplication. Needs no database: a page checks it before anything else."""
    try:
        claim = status_links.verify(token, key=key)
    except (status_links.ForgedToken, ValueError):
        raise UnknownApplication(token) from None
    if claim.expires_at <= now:
        raise UnknownApplication(claim.record_id)
    return claim


async def read_linked_application(
    conn: Connection,
    *,
    application_id: UUID,
    token: str | None,
    key: str,
    now: datetime,
    lock: bool = False,
) -> StoredApplication:
    """The application, when a genuine, unexpired status link names it; otherwise
    UnknownApplication (a link of another application included)."""
    if token is None or status_link_claim(token, key=key, now=now).record_id != application_id:
        raise UnknownApplication(application_id)
    application = await repository.find_application(conn, application_id=application_id, lock=lock)
    if application is None:
        raise UnknownApplication(application_id)
    return application


async def read_selection(conn: Connection, *, application_id: UUID) -> Selection | None:
    return await selection_repository.find(conn, application_id=application_id)
