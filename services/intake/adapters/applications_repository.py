"""Intake's applications, training progress and closed editions in its own schema."""

from collections.abc import Sequence
from datetime import datetime
from uuid import UUID

import asyncpg

from services.intake.domain.application import (
    AppliedAlready,
    DuplicateApplication,
    NewApplication,
    StoredApplication,
    token_hash,
)
from services.intake.domain.emails import email_key
from services.intake.domain.submission import ApplicationForm
from shared.db import Connection

_INSERT_APPLICATION = """
INSERT INTO applications (
    application_id, edition_id, athlete_id, email_key, full_name, email, language, country,
    sport, athlete_status, career_end_year, business_name, business_sector, business_stage,
    pitch, sourcing_needs, target_markets, consent_marketing, submitted_at,
    status_token_sha256, eligible, screening_reasons, training_modules)
SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18,
       $19, $20, $21, $22, $23
-- An edition closed by grant takes no more applications; checked in the same round trip.
WHERE NOT EXISTS (SELECT FROM closed_editions WHERE edition_id = $2)
"""

_SELECT = """
SELECT a.application_id, a.edition_id, a.athlete_id, a.submitted_at, a.eligible,
       a.screening_reasons, a.training_modules, a.status_token_sha256, a.withdrawn_at,
       a.erased_at, p.accepted_at
FROM applications a
LEFT JOIN accepted_packages p ON p.application_id = a.application_id
WHERE a.application_id = $1
"""
_SELECT_FOR_UPDATE = _SELECT + "FOR UPDATE OF a"


def _row(application: NewApplication) -> tuple[object, ...]:
    form, business = application.form, application.form.business
    return (
        application.application_id,
        application.edition_id,
        form.athlete_id,
        email_key(form.email),
        form.full_name,
        form.email,
        form.language,
        form.country,
        form.sport,
        form.athlete_status,
        form.career_end_year,
        business.name,
        business.sector,
        business.stage,
        business.pitch,
        business.sourcing_needs,
        business.target_markets,
        form.consent.marketing,
        application.submitted_at,
        token_hash(application.status_token),
        application.screening.eligible,
        list(application.screening.reasons),
        list(application.training_modules),
    )


def _duplicate(exc: asyncpg.UniqueViolationError, *, edition_id: str) -> DuplicateApplication:
    by_email = exc.constraint_name == "one_application_per_email"
    return DuplicateApplication(edition_id=edition_id, by="email" if by_email else "athlete_id")


async def add_unless_closed(conn: Connection, *, application: NewApplication) -> datetime | None:
    """Store it and return None; or, when grant closed the edition, store nothing and return
    when it was closed. DuplicateApplication when the athlete or the mailbox already applied."""
    try:
        status = await conn.execute(_INSERT_APPLICATION, *_row(application))
    except asyncpg.UniqueViolationError as exc:
        raise _duplicate(exc, edition_id=application.edition_id) from None
    if status == "INSERT 0 1":
        return None
    closed_at = await edition_closed_at(conn, edition_id=application.edition_id)
    if closed_at is None:  # closures are never undone, so this cannot happen
        raise RuntimeError(f"application {application.application_id} was not stored")
    return closed_at


async def add_all_unless_closed(
    conn: Connection, *, edition_id: str, applications: Sequence[NewApplication]
) -> datetime | None:
    """Store them and return None; or, when grant closed the edition, return when it was
    closed (some may be stored: roll back). DuplicateApplication when any already applied."""
    if not applications:
        return await edition_closed_at(conn, edition_id=edition_id)
    try:
        await conn.executemany(_INSERT_APPLICATION, [_row(a) for a in applications])
    except asyncpg.UniqueViolationError as exc:
        raise _duplicate(exc, edition_id=edition_id) from None
    # executemany tells no row counts: count what the closure check let in.
    stored = await conn.fetchval(
        "SELECT count(*) FROM applications WHERE application_id = ANY($1::uuid[])",
        [a.application_id for a in applications],
    )
    if stored == len(applications):
        return None
    closed_at = await edition_closed_at(conn, edition_id=edition_id)
    if closed_at is None:  # closures are never undone, so this cannot happen
        raise RuntimeError(f"{len(applications) - stored} applications were not stored")
    return closed_at


async def applied_already(
    conn: Connection, *, edition_id: str, forms: Sequence[ApplicationForm]
) -> AppliedAlready:
    """Which of these athletes and mailboxes hold an application in the edition already."""
    rows = await conn.fetch(
        "SELECT athlete_id, email_key FROM applications"
        " WHERE edition_id = $1 AND (athlete_id = ANY($2::text[]) OR email_key = ANY($3::text[]))",
        edition_id,
        [form.athlete_id for form in forms],
        [email_key(form.email) for form in forms],
    )
    return AppliedAlready(
        athlete_ids={row["athlete_id"] for row in rows},
        email_keys={row["email_key"] for row in rows},
    )


async def find_application(
    conn: Connection, *, application_id: UUID, lock: bool = False
) -> StoredApplication | None:
    row = await conn.fetchrow(_SELECT_FOR_UPDATE if lock else _SELECT, application_id)
    if row is None:
        return None
    completions = await conn.fetch(
        "SELECT module, completed_at FROM module_completions WHERE application_id = $1",
        application_id,
    )
    return StoredApplication(
        application_id=row["application_id"],
        edition_id=row["edition_id"],
        submitted_at=row["submitted_at"],
        eligible=row["eligible"],
        reasons=tuple(row["screening_reasons"]),
        training_modules=tuple(row["training_modules"]),
        completions=tuple((c["module"], c["completed_at"]) for c in completions),
        status_token_hash=row["status_token_sha256"],
        athlete_id=row["athlete_id"],
        withdrawn_at=row["withdrawn_at"],
        erased_at=row["erased_at"],
        accepted_at=row["accepted_at"],
    )


async def add_completion(
    conn: Connection, *, application_id: UUID, module: str, completed_at: datetime
) -> bool:
    """Record the completion; False when it was recorded before (the first time stays)."""
    inserted = await conn.fetchval(
        "INSERT INTO module_completions (application_id, module, completed_at)"
        " VALUES ($1, $2, $3) ON CONFLICT DO NOTHING RETURNING true",
        application_id,
        module,
        completed_at,
    )
    return bool(inserted)


async def edition_closed_at(conn: Connection, *, edition_id: str) -> datetime | None:
    closed_at: datetime | None = await conn.fetchval(
        "SELECT closed_at FROM closed_editions WHERE edition_id = $1", edition_id
    )
    return closed_at


async def record_edition_closed(conn: Connection, *, edition_id: str, closed_at: datetime) -> None:
    await conn.execute(
        "INSERT INTO closed_editions (edition_id, closed_at) VALUES ($1, $2)"
        " ON CONFLICT (edition_id) DO NOTHING",
        edition_id,
        closed_at,
    )


async def closed_edition_ids(conn: Connection) -> set[str]:
    return {row["edition_id"] for row in await conn.fetch("SELECT edition_id FROM closed_editions")}
