"""The service's own copy of contacts, and which applicant each application belongs to.

A contact is stored under its key on the contacts topic: an athlete's id, or a panel
reviewer's `reviewer:<edition>:<reviewer id>` (shared.events.contracts.reviewer_contact_key),
which no athlete id can be. The `applicant_id` column and fields hold either.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from uuid import UUID

from shared.db import Connection


@dataclass(frozen=True)
class ContactVersion:
    """A contact as one record of the compacted contacts topic carries it."""

    applicant_id: str
    """The record's key: the athlete id, or the reviewer's contact key."""
    full_name: str
    email: str
    language: str
    partition: int
    offset: int


@dataclass(frozen=True)
class Erasure:
    """A tombstone: forget this applicant's contact, unless a newer version replaced it."""

    applicant_id: str
    partition: int
    offset: int


@dataclass(frozen=True)
class ApplicationOwner:
    application_id: UUID
    applicant_id: str
    edition_id: str
    language: str


# A record older than the stored one is a redelivery (a tombstone above all) and changes
# nothing; offsets are only comparable within one partition.
_UPSERT = """
INSERT INTO contacts (applicant_id, full_name, email, language, kafka_partition, kafka_offset)
VALUES ($1, $2, $3, $4, $5, $6)
ON CONFLICT (applicant_id) DO UPDATE SET
    full_name = EXCLUDED.full_name, email = EXCLUDED.email, language = EXCLUDED.language,
    kafka_partition = EXCLUDED.kafka_partition, kafka_offset = EXCLUDED.kafka_offset,
    updated_at = now()
WHERE contacts.kafka_partition <> EXCLUDED.kafka_partition
   OR contacts.kafka_offset < EXCLUDED.kafka_offset
"""

_ERASE = """
DELETE FROM contacts USING unnest($1::text[], $2::int[], $3::bigint[])
    AS erased(applicant_id, kafka_partition, kafka_offset)
WHERE contacts.applicant_id = erased.applicant_id
  AND (contacts.kafka_partition <> erased.kafka_partition
       OR contacts.kafka_offset < erased.kafka_offset)
"""


_MARK_ERASED = """
INSERT INTO erased_contacts (applicant_id, kafka_partition, kafka_offset)
SELECT * FROM unnest($1::text[], $2::int[], $3::bigint[])
ON CONFLICT (applicant_id) DO UPDATE SET
    kafka_partition = EXCLUDED.kafka_partition, kafka_offset = EXCLUDED.kafka_offset,
    erased_at = now()
WHERE erased_contacts.kafka_partition <> EXCLUDED.kafka_partition
   OR erased_contacts.kafka_offset < EXCLUDED.kafka_offset
"""

# A contact version newer than the tombstone: the applicant is known again.
_UNMARK_ERASED = """
DELETE FROM erased_contacts USING unnest($1::text[], $2::int[], $3::bigint[])
    AS saved(applicant_id, kafka_partition, kafka_offset)
WHERE erased_contacts.applicant_id = saved.applicant_id
  AND (erased_contacts.kafka_partition <> saved.kafka_partition
       OR erased_contacts.kafka_offset < saved.kafka_offset)
"""


async def save_contacts(conn: Connection, *, versions: Sequence[ContactVersion]) -> None:
    await conn.executemany(
        _UPSERT,
        [
            (v.applicant_id, v.full_name, v.email, v.language, v.partition, v.offset)
            for v in versions
        ],
    )
    if versions:
        await conn.execute(
            _UNMARK_ERASED,
            [v.applicant_id for v in versions],
            [v.partition for v in versions],
            [v.offset for v in versions],
        )


async def erase_contacts(conn: Connection, *, erasures: Sequence[Erasure]) -> list[str]:
    """Delete the contacts and mark them erased; returns the applicants that now have no
    contact at all."""
    columns = (
        [e.applicant_id for e in erasures],
        [e.partition for e in erasures],
        [e.offset for e in erasures],
    )
    await conn.execute(_ERASE, *columns)
    await conn.execute(_MARK_ERASED, *columns)
    rows = await conn.fetch(
        "SELECT DISTINCT a FROM unnest($1::text[]) AS a"
        " WHERE NOT EXISTS (SELECT 1 FROM contacts WHERE applicant_id = a)",
        [e.applicant_id for e in erasures],
    )
    return [r["a"] for r in rows]


async def save_owners(conn: Connection, *, owners: Sequence[ApplicationOwner]) -> None:
    await conn.executemany(
        "INSERT INTO applications (application_id, applicant_id, edition_id, language)"
        " VALUES ($1, $2, $3, $4) ON CONFLICT (application_id) DO NOTHING",
        [(o.application_id, o.applicant_id, o.edition_id, o.language) for o in owners],
    )


async def erased_owners(conn: Connection, *, application_ids: Sequence[UUID]) -> list[str]:
    """The applicants of these applications whose contact was erased and not replaced."""
    rows = await conn.fetch(
        "SELECT DISTINCT a.applicant_id FROM applications a"
        " JOIN erased_contacts e ON e.applicant_id = a.applicant_id"
        " WHERE a.application_id = ANY($1::uuid[])"
        " AND NOT EXISTS (SELECT 1 FROM contacts c WHERE c.applicant_id = a.applicant_id)",
        list(application_ids),
    )
    return [r["applicant_id"] for r in rows]


async def erased_keys(conn: Connection, *, contact_keys: Sequence[str]) -> list[str]:
    """Of these contact keys (reviewers'), those erased and not replaced since."""
    rows = await conn.fetch(
        "SELECT e.applicant_id FROM erased_contacts e"
        " WHERE e.applicant_id = ANY($1::text[])"
        " AND NOT EXISTS (SELECT 1 FROM contacts c WHERE c.applicant_id = e.applicant_id)",
        list(contact_keys),
    )
    return [r["applicant_id"] for r in rows]
