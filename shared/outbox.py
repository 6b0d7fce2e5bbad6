"""The write side of the transactional outbox: events are saved with the state change."""

import uuid
from collections.abc import Sequence
from typing import Final

from shared.db import Connection
from shared.events.envelope import CloudEvent

# The event type recorded for a tombstone row; it labels the relay's metrics.
TOMBSTONE: Final = "tombstone"


async def add_to_outbox(conn: Connection, events: Sequence[tuple[str, CloudEvent]]) -> None:
    """Queue (topic, event) pairs in the caller's transaction; the Kafka key is the subject.

    Must run inside the same transaction as the state change, so both commit or neither does.
    """
    _require_transaction(conn)
    if not events:
        return
    await conn.executemany(
        "INSERT INTO outbox (event_id, topic, key, event_type, payload)"
        " VALUES ($1, $2, $3, $4, $5)",
        [(e.id, topic, e.subject, e.type, e.to_bytes()) for topic, e in events],
    )


async def add_tombstone_to_outbox(conn: Connection, *, topic: str, key: str) -> None:
    """Queue a tombstone (the key with a null value) in the caller's transaction.

    On a compacted topic it makes the log drop every earlier value of the key. It is no
    event: no CloudEvent, no id a consumer's inbox could know; the row's id only keeps
    the outbox's own bookkeeping unique.
    """
    _require_transaction(conn)
    await conn.execute(
        "INSERT INTO outbox (event_id, topic, key, event_type, payload)"
        " VALUES ($1, $2, $3, $4, NULL)",
        uuid.uuid4(),
        topic,
        key,
        TOMBSTONE,
    )


def _require_transaction(conn: Connection) -> None:
    if not conn.is_in_transaction():
        raise RuntimeError("the outbox needs the caller's open transaction")
