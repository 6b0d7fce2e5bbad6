"""The write side of the transactional outbox: events are saved with the state change."""

from collections.abc import Sequence

from shared.db import Connection
from shared.events.envelope import CloudEvent


async def add_to_outbox(conn: Connection, events: Sequence[tuple[str, CloudEvent]]) -> None:
    """Queue (topic, event) pairs in the caller's transaction; the Kafka key is the subject.

    Must run inside the same transaction as the state change, so both commit or neither does.
    """
    if not conn.is_in_transaction():
        raise RuntimeError("add_to_outbox needs the caller's open transaction")
    if not events:
        return
    await conn.executemany(
        "INSERT INTO outbox (event_id, topic, key, event_type, payload)"
        " VALUES ($1, $2, $3, $4, $5)",
        [(e.id, topic, e.subject, e.type, e.to_bytes()) for topic, e in events],
    )
