"""Intake's use cases. Each state change and the events it causes commit together."""

from collections.abc import Iterable, Sequence
from datetime import datetime
from uuid import UUID

from services.intake import integration_events
from services.intake.adapters import applications_repository as repository
from services.intake.adapters import withdrawals_repository as withdrawals
from services.intake.domain.application import (
    DuplicateApplication,
    NewApplication,
    StoredApplication,
    ensure_open,
    new_application,
    token_hash,
)
from services.intake.domain.csv_rows import CsvRow
from services.intake.domain.imports import Imported, ImportReport, Rejected, row_form
from services.intake.domain.problems import FieldProblem
from services.intake.domain.submission import ApplicationForm
from services.intake.domain.withdrawal import Erased, ensure_withdrawable, erasure_withdraws
from shared import status_links, topics
from shared.auth import token_matches
from shared.clock import Clock
from shared.consumer import Delivery, bound_to
from shared.db import Connection
from shared.editions import Edition
from shared.events.codec import read_payload
from shared.events.contracts import EditionClosed, GrantAccepted
from shared.logs import get_logger
from shared.outbox import add_to_outbox, add_tombstone_to_outbox

log = get_logger(__name__)


class UnknownApplication(Exception):
    pass


async def submit(
    conn: Connection, *, edition: Edition, form: ApplicationForm, clock: Clock, correlation_id: str
) -> NewApplication:
    """Screen, store and announce an application; EditionNotOpen, DuplicateApplication."""
    now = clock.now()
    form = form.checked_against(this_year=now.year)
    async with conn.transaction():
        application = new_application(form, edition=edition, now=now)
        closed_at = await repository.add_unless_closed(conn, application=application)
        ensure_open(edition, now=now, closed_at=closed_at)
        events = integration_events.application_accepted(application, correlation_id=correlation_id)
        await add_to_outbox(conn, events)
    _log_received(application, correlation_id=correlation_id)
    return application


def _log_received(application: NewApplication, *, correlation_id: str) -> None:
    log.info(
        "application received",
        application_id=str(application.application_id),
        edition_id=application.edition_id,
        correlation_id=correlation_id,
    )


async def import_rows(
    conn: Connection, *, edition: Edition, rows: Iterable[CsvRow], clock: Clock, correlation_id: str
) -> ImportReport:
    """A chunk's valid rows commit together; a bad or repeated row is reported and costs only
    itself. EditionNotOpen when the edition closed."""
    now = clock.now()
    report = ImportReport(edition_id=edition.id)
    forms: list[tuple[int, ApplicationForm]] = []
    for row in rows:
        form = row_form(row, this_year=now.year)
        if isinstance(form, list):
            report.rejected.append(Rejected(row.line, 422, form))
        else:
            forms.append((row.line, form))
    try:
        imported, duplicates = await _import_together(
            conn, edition=edition, forms=forms, now=now, correlation_id=correlation_id
        )
    except DuplicateApplication:
        # Another request stored one of these athletes after they were looked up; the chunk
        # was rolled back whole, so its rows go in one by one instead.
        log.info(
            "import chunk raced another request for an athlete; importing its rows one by one",
            edition_id=edition.id,
            rows=len(forms),
            correlation_id=correlation_id,
        )
        imported, duplicates = await _import_one_by_one(
            conn, edition=edition, forms=forms, clock=clock, correlation_id=correlation_id
        )
    report.imported.extend(imported)
    report.rejected.extend(duplicates)
    report.rejected.sort(key=lambda rejected: rejected.line)
    return report


async def _import_together(
    conn: Connection,
    *,
    edition: Edition,
    forms: Sequence[tuple[int, ApplicationForm]],
    now: datetime,
    correlation_id: str,
) -> tuple[list[Imported], list[Rejected]]:
    """One transaction, one round trip per table, for the whole chunk."""
    accepted: list[tuple[int, NewApplication]] = []
    duplicates: list[Rejected] = []
    async with conn.transaction():
        taken = await repository.applied_already(
            conn, edition_id=edition.id, forms=[form for _, form in forms]
        )
        for line, form in forms:
            if by := taken.claim(form):
                duplicates.append(
                    _duplicate_row(line, DuplicateApplication(edition_id=edition.id, by=by))
                )
            else:
                accepted.append((line, new_application(form, edition=edition, now=now)))
        applications = [application for _, application in accepted]
        closed_at = await repository.add_all_unless_closed(
            conn, edition_id=edition.id, applications=applications
        )
        ensure_open(edition, now=now, closed_at=closed_at)
        await add_to_outbox(
            conn,
            [
                event
                for application in applications
                for event in integration_events.application_accepted(
                    application, correlation_id=correlation_id
                )
            ],
        )
    for application in applications:
        _log_received(application, correlation_id=correlation_id)
    imported = [Imported(line, a.application_id, a.status_token) for line, a in accepted]
    return imported, duplicates


async def _import_one_by_one(
    conn: Connection,
    *,
    edition: Edition,
    forms: Sequence[tuple[int, ApplicationForm]],
    clock: Clock,
    correlation_id: str,
) -> tuple[list[Imported], list[Rejected]]:
    imported: list[Imported] = []
    duplicates: list[Rejected] = []
    for line, form in forms:
        try:
            app = await submit(
                conn, edition=edition, form=form, clock=clock, correlation_id=correlation_id
            )
        except DuplicateApplication as exc:
            duplicates.append(_duplicate_row(line, exc))
            continue
        imported.append(Imported(line, app.application_id, app.status_token))
    return imported, duplicates


def _duplicate_row(line: int, duplicate: DuplicateApplication) -> Rejected:
    # `by` names the form field, which is also the CSV column.
    return Rejected(line, 409, [FieldProblem(duplicate.by, str(duplicate), "duplicate")])


async def complete_module(
    conn: Connection, *, application_id: UUID, module: str, clock: Clock, correlation_id: str
) -> tuple[datetime, bool]:
    """Record a completed module once; (when it was completed, whether this call recorded it)."""
    async with conn.transaction():
        application = await repository.find_application(
            conn, application_id=application_id, lock=True
        )
        if application is None:
            raise UnknownApplication(application_id)
        application.check_completion(module)
        now = clock.now()
        if not await repository.add_completion(
            conn, application_id=application_id, module=module, completed_at=now
        ):
            return dict(application.completions)[module], False
        await add_to_outbox(
            conn,
            integration_events.module_completed(
                application_id=application_id,
                edition_id=application.edition_id,
                module=module,
                at=now,
                correlation_id=correlation_id,
            ),
        )
    return now, True


async def read_application(
    conn: Connection, *, application_id: UUID, token: str | None, admin_token: str
) -> StoredApplication:
    """The application for its status token or the admin token; otherwise UnknownApplication,
    so that a wrong token does not reveal that the application exists."""
    return await _authorised(
        conn, application_id=application_id, token=token, admin_token=admin_token
    )


async def _authorised(
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


async def withdraw(
    conn: Connection,
    *,
    application_id: UUID,
    token: str | None,
    admin_token: str,
    clock: Clock,
    correlation_id: str,
) -> datetime:
    """Withdraw the application once and announce it; returns when it was withdrawn (the
    first time, on a repeat). PackageAccepted once its package was accepted."""
    async with conn.transaction():
        application = await _authorised(
            conn, application_id=application_id, token=token, admin_token=admin_token, lock=True
        )
        if application.withdrawn_at is not None:
            return application.withdrawn_at
        ensure_withdrawable(application)
        now = clock.now()
        await withdrawals.record_withdrawal(conn, application_id=application_id, at=now)
        await add_to_outbox(conn, _withdrawn_events(application, correlation_id))
    _log_step("application withdrawn", application, correlation_id)
    return now


async def erase(
    conn: Connection,
    *,
    application_id: UUID,
    token: str | None,
    admin_token: str,
    clock: Clock,
    correlation_id: str,
) -> Erased:
    """Erase the applicant's personal data once, tombstone their contact, and withdraw the
    application unless it was withdrawn before or its package accepted."""
    async with conn.transaction():
        application = await _authorised(
            conn, application_id=application_id, token=token, admin_token=admin_token, lock=True
        )
        if application.erased_at is not None:
            return Erased(application_id, application.erased_at, application.withdrawn_at)
        now = clock.now()
        withdraws = erasure_withdraws(application)
        withdrawn_at = now if withdraws else application.withdrawn_at
        await withdrawals.erase_personal_data(
            conn, application_id=application_id, at=now, withdrawn_at=withdrawn_at
        )
        await withdrawals.forget_contact_events(conn, athlete_id=application.athlete_id)
        if withdraws:
            await add_to_outbox(conn, _withdrawn_events(application, correlation_id))
        await add_tombstone_to_outbox(conn, topic=topics.CONTACTS, key=application.athlete_id)
    _log_step("personal data erased", application, correlation_id)
    return Erased(application_id, now, withdrawn_at)


def _withdrawn_events(
    application: StoredApplication, correlation_id: str
) -> list[integration_events.Outgoing]:
    return integration_events.withdrawn(
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


async def record_consumed(conn: Connection, deliveries: Sequence[Delivery]) -> None:
    """Editions grant closed take no more applications; packages accepted can no longer be
    withdrawn here. Every other event on those topics is grant's business."""
    for delivery in deliveries:
        if delivery.event.type not in _CONSUMED:
            continue
        with bound_to(delivery):
            payload = read_payload(delivery.event)
            if isinstance(payload, EditionClosed):
                await repository.record_edition_closed(
                    conn, edition_id=payload.edition_id, closed_at=payload.closed_at
                )
            elif isinstance(payload, GrantAccepted):
                await withdrawals.record_accepted(
                    conn,
                    application_id=payload.application_id,
                    offer_id=payload.offer_id,
                    accepted_at=delivery.event.time,
                )


_CONSUMED = frozenset({EditionClosed.event_type, GrantAccepted.event_type})


async def read_linked_application(
    conn: Connection, *, token: str, key: str, now: datetime
) -> StoredApplication:
    """The application a genuine, unexpired status link names; otherwise UnknownApplication."""
    try:
        claim = status_links.verify(token, key=key)
    except (status_links.ForgedToken, ValueError):
        raise UnknownApplication(token) from None
    if claim.expires_at <= now:
        raise UnknownApplication(claim.record_id)
    application = await repository.find_application(conn, application_id=claim.record_id)
    if application is None:
        raise UnknownApplication(claim.record_id)
    return application


async def closed_edition_ids(conn: Connection) -> set[str]:
    return await repository.closed_edition_ids(conn)
