"""The service's own copy of contacts, and which applicant each application belongs to."""

from collections.abc import Sequence
from dataclasses import dataclass
from uuid import UUID

from shared.db import Connection


@dataclass(frozen=True)
class ContactVersion:
    """A contact as one record of the compacted contacts topic carries it."""

    applicant_id: str
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


async def save_contacts(conn: Connection, *, versions: Sequence[ContactVersion]) -> None:
    await conn.executemany(
        _UPSERT,
        [
            (v.applicant_id, v.full_name, v.email, v.language, v.partition, v.offset)
            for v in versions
        ],
    )


async def erase_contacts(conn: Connection, *, erasures: Sequence[Erasure]) -> list[str]:
    """Delete the contacts; returns the applicants that now have no contact at all."""
    await conn.execute(
        _ERASE,
        [e.applicant_id for e in erasures],
        [e.partition for e in erasures],
        [e.offset for e in erasures],
    )
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
