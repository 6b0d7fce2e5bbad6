"""Applying: one form, a CSV chunk, and the training modules an applicant completes. Each
state change and the events it causes commit together."""

from collections.abc import Iterable, Sequence
from datetime import datetime
from uuid import UUID

from services.intake.adapters import applications_repository as repository
from services.intake.domain.application import (
    DuplicateApplication,
    NewApplication,
    ensure_open,
    new_application,
)
from services.intake.domain.csv_rows import CsvRow
from services.intake.domain.imports import Imported, ImportReport, Rejected, row_form
from services.intake.domain.problems import FieldProblem
from services.intake.domain.submission import ApplicationForm
from services.intake.handlers import events
from services.intake.handlers.errors import UnknownApplication
from shared.clock import Clock
from shared.db import Connection
from shared.editions import Edition
from shared.logs import get_logger
from shared.outbox import add_to_outbox

log = get_logger(__name__)


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
        await add_to_outbox(
            conn, events.application_accepted(application, correlation_id=correlation_id)
        )
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
                for event in events.application_accepted(application, correlation_id=correlation_id)
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
            events.module_completed(
                application_id=application_id,
                edition_id=application.edition_id,
                module=module,
                at=now,
                correlation_id=correlation_id,
            ),
        )
    return now, True


async def closed_edition_ids(conn: Connection) -> set[str]:
    return await repository.closed_edition_ids(conn)
