"""The review panel in Postgres: reviewers (with their contact data) and assignments."""

import json
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import cast
from uuid import UUID

import asyncpg

from services.scoring.domain.assignment import Pair
from services.scoring.domain.panel import Reviewer, ReviewerContact
from shared import topics
from shared.db import Connection
from shared.languages import Language


@dataclass(frozen=True)
class PanelMember:
    edition_id: str
    seat_id: UUID
    reviewer: Reviewer
    contact: ReviewerContact


@dataclass(frozen=True)
class AssignmentRow:
    application_id: UUID
    reviewer_id: str
    edition_id: str
    assigned_at: datetime
    reassignment: bool
    criteria: dict[str, int] | None
    reviewed_at: datetime | None
    released_at: datetime | None
    release_reason: str | None
    withdrawn: bool = False
    """The application was withdrawn: no longer anyone's work, though the row stays."""

    @property
    def live(self) -> bool:
        """Still the reviewer's: not released, and the application not withdrawn."""
        return self.released_at is None and not self.withdrawn

    @property
    def pair(self) -> Pair:
        return Pair(self.application_id, self.reviewer_id)


def _member(row: asyncpg.Record) -> PanelMember:
    return PanelMember(
        edition_id=row["edition_id"],
        seat_id=row["seat_id"],
        reviewer=Reviewer.of(
            row["reviewer_id"],
            noc=row["noc"],
            conflict_nocs=list(row["conflict_nocs"]),
            conflict_sectors=list(row["conflict_sectors"]),
        ),
        contact=ReviewerContact(
            reviewer_id=row["reviewer_id"],
            full_name=row["full_name"],
            email=row["email"],
            language=cast(Language, row["language"]),
        ),
    )


def _assignment(row: asyncpg.Record) -> AssignmentRow:
    return AssignmentRow(
        application_id=row["application_id"],
        reviewer_id=row["reviewer_id"],
        edition_id=row["edition_id"],
        assigned_at=row["assigned_at"],
        reassignment=row["reassignment"],
        criteria=json.loads(row["criteria"]) if row["criteria"] is not None else None,
        reviewed_at=row["reviewed_at"],
        released_at=row["released_at"],
        release_reason=row["release_reason"],
        withdrawn=row["withdrawn"],
    )


# Each assignment with whether its application was withdrawn since.
_WITH_WITHDRAWN = (
    "SELECT r.*, a.withdrawn FROM review_assignments r JOIN applications a USING (application_id)"
)


async def lock_panel(conn: Connection, *, edition_id: str) -> None:
    """Serialise the changes to one edition's panel (assignment runs, conflicts, removals)
    until the transaction ends, so two replicas never assign against stale loads."""
    await conn.execute(
        "SELECT pg_advisory_xact_lock(hashtextextended('scoring.review-panel:' || $1, 0))",
        edition_id,
    )


async def upsert_reviewer(
    conn: Connection,
    *,
    edition_id: str,
    reviewer: Reviewer,
    contact: ReviewerContact,
    raw_conflict_nocs: Sequence[str],
    raw_conflict_sectors: Sequence[str],
) -> tuple[PanelMember, bool]:
    """Add or update a reviewer; (the member, whether they are new). A seat stays a seat."""
    row = await conn.fetchrow(
        """
        INSERT INTO reviewers (edition_id, reviewer_id, seat_id, full_name, email, language,
                               noc, conflict_nocs, conflict_sectors)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
        ON CONFLICT (edition_id, reviewer_id) DO UPDATE SET
            full_name = EXCLUDED.full_name, email = EXCLUDED.email,
            language = EXCLUDED.language, noc = EXCLUDED.noc,
            conflict_nocs = EXCLUDED.conflict_nocs,
            conflict_sectors = EXCLUDED.conflict_sectors, updated_at = now()
        RETURNING *, (xmax = 0) AS created
        """,
        edition_id,
        reviewer.reviewer_id,
        uuid.uuid4(),
        contact.full_name,
        contact.email,
        contact.language,
        reviewer.noc,
        list(raw_conflict_nocs),
        list(raw_conflict_sectors),
    )
    assert row is not None
    return _member(row), bool(row["created"])


async def delete_reviewer(conn: Connection, *, edition_id: str, reviewer_id: str) -> bool:
    deleted = await conn.fetchval(
        "DELETE FROM reviewers WHERE edition_id = $1 AND reviewer_id = $2 RETURNING true",
        edition_id,
        reviewer_id,
    )
    return bool(deleted)


async def delete_unpublished_contact(conn: Connection, *, key: str) -> None:
    """The outbox's copies of a removed reviewer's contact: the tombstone that follows must
    not be overtaken by a copy still waiting (the same reasoning as an athlete's erasure)."""
    await conn.execute(
        "DELETE FROM outbox WHERE topic = $1 AND key = $2 AND published_at IS NULL",
        topics.CONTACTS,
        key,
    )


async def panel(conn: Connection, *, edition_id: str) -> list[PanelMember]:
    rows = await conn.fetch(
        "SELECT * FROM reviewers WHERE edition_id = $1 ORDER BY reviewer_id", edition_id
    )
    return [_member(r) for r in rows]


async def member_by_seat(conn: Connection, *, seat_id: UUID) -> PanelMember | None:
    row = await conn.fetchrow("SELECT * FROM reviewers WHERE seat_id = $1", seat_id)
    return _member(row) if row is not None else None


async def assignments(conn: Connection, *, edition_id: str) -> list[AssignmentRow]:
    rows = await conn.fetch(
        _WITH_WITHDRAWN + " WHERE r.edition_id = $1 ORDER BY r.application_id, r.reviewer_id",
        edition_id,
    )
    return [_assignment(r) for r in rows]


async def queue(conn: Connection, *, edition_id: str, reviewer_id: str) -> list[AssignmentRow]:
    """The reviewer's live assignments, oldest first."""
    rows = await conn.fetch(
        _WITH_WITHDRAWN
        + " WHERE r.edition_id = $1 AND r.reviewer_id = $2 AND r.released_at IS NULL"
        " AND NOT a.withdrawn ORDER BY r.assigned_at, r.application_id",
        edition_id,
        reviewer_id,
    )
    return [_assignment(r) for r in rows]


async def lock_live_assignment(
    conn: Connection, *, edition_id: str, application_id: UUID, reviewer_id: str
) -> AssignmentRow | None:
    row = await conn.fetchrow(
        _WITH_WITHDRAWN
        + " WHERE r.edition_id = $1 AND r.application_id = $2 AND r.reviewer_id = $3"
        " AND r.released_at IS NULL AND NOT a.withdrawn FOR UPDATE OF r",
        edition_id,
        application_id,
        reviewer_id,
    )
    return _assignment(row) if row is not None else None


async def insert_assignments(
    conn: Connection,
    *,
    edition_id: str,
    pairs: Sequence[Pair],
    at: datetime,
    reassignment: bool,
) -> None:
    if pairs:
        await conn.executemany(
            "INSERT INTO review_assignments"
            " (application_id, reviewer_id, edition_id, assigned_at, reassignment)"
            " VALUES ($1, $2, $3, $4, $5)",
            [(p.application_id, p.reviewer_id, edition_id, at, reassignment) for p in pairs],
        )


async def release(
    conn: Connection,
    *,
    application_id: UUID,
    reviewer_ids: Sequence[str],
    reason: str,
    at: datetime,
) -> None:
    await conn.execute(
        "UPDATE review_assignments SET released_at = $3, release_reason = $4"
        " WHERE application_id = $1 AND reviewer_id = ANY($2::text[]) AND released_at IS NULL",
        application_id,
        list(reviewer_ids),
        at,
        reason,
    )


async def save_criteria(
    conn: Connection,
    *,
    application_id: UUID,
    reviewer_id: str,
    criteria: dict[str, int],
    at: datetime,
) -> None:
    await conn.execute(
        "UPDATE review_assignments SET criteria = $3::jsonb, reviewed_at = $4"
        " WHERE application_id = $1 AND reviewer_id = $2",
        application_id,
        reviewer_id,
        json.dumps(criteria, sort_keys=True),
        at,
    )
