"""Keeping the applications' pitches for the reviewer's page.

A pitch is personal data (free text that may name the athlete): intake publishes it on the
compacted contacts topic only, and its erasure is a tombstone under the same key, which
empties the pitch here too (docs/architecture.md#erasure).
"""

from collections.abc import Sequence

from services.scoring.adapters import pitches_repository
from services.scoring.adapters.pitches_repository import PitchVersion
from shared.db import Connection


async def record(conn: Connection, versions: Sequence[PitchVersion]) -> None:
    """Pitches and their erasures, newest record of each key winning."""
    if versions:
        await pitches_repository.save(conn, versions=versions)
