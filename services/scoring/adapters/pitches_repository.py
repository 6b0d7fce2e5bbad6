"""The applications' pitches, as the compacted contacts topic carries them (personal data)."""

from collections.abc import Sequence
from dataclasses import dataclass
from uuid import UUID

from shared.db import Connection


@dataclass(frozen=True)
class PitchVersion:
    """One record of the contacts topic under a pitch's key; pitch None for a tombstone."""

    application_id: UUID
    pitch: str | None
    partition: int
    offset: int


# The newest record of the key wins: an older one is a redelivery (a tombstone above all,
# which has no event id for the inbox to skip) and changes nothing. Offsets are only
# comparable within one partition.
_UPSERT = """
INSERT INTO pitches (application_id, pitch, kafka_partition, kafka_offset)
VALUES ($1, $2, $3, $4)
ON CONFLICT (application_id) DO UPDATE SET
    pitch = EXCLUDED.pitch, kafka_partition = EXCLUDED.kafka_partition,
    kafka_offset = EXCLUDED.kafka_offset, updated_at = now()
WHERE pitches.kafka_partition <> EXCLUDED.kafka_partition
   OR pitches.kafka_offset < EXCLUDED.kafka_offset
"""


async def save(conn: Connection, *, versions: Sequence[PitchVersion]) -> None:
    """Store pitches and erasures (in log order, so the last of a key in a batch wins)."""
    await conn.executemany(
        _UPSERT, [(v.application_id, v.pitch, v.partition, v.offset) for v in versions]
    )


async def pitch_of(conn: Connection, *, application_id: UUID) -> str | None:
    """The application's pitch; None before it arrives and after it is erased."""
    value = await conn.fetchval(
        "SELECT pitch FROM pitches WHERE application_id = $1", application_id
    )
    return value if isinstance(value, str) else None
