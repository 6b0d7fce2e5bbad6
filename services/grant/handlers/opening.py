"""Opening editions: each configured edition is announced (edition.opened) once, either for
all of them at start-up or one at a time by an admin. A closed edition is never reopened."""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from services.grant.adapters import editions_repository
from services.grant.handlers.errors import EditionAlreadyClosed
from shared.clock import Clock
from shared.db import Connection
from shared.editions import Edition
from shared.events.codec import make_event
from shared.events.contracts import EditionOpened
from shared.outbox import add_to_outbox


async def announce_open_editions(
    conn: Connection, *, editions: Iterable[Edition], clock: Clock, correlation_id: str
) -> list[str]:
    """Publish edition.opened once for every configured edition seen for the first time."""
    async with conn.transaction():
        return await _announce_new(
            conn, list(editions), now=clock.now(), correlation_id=correlation_id
        )


@dataclass(frozen=True)
class OpeningReport:
    edition_id: str
    opened_now: bool
    opened_at: datetime
    opens_at: datetime
    closes_at: datetime


async def open_edition(
    conn: Connection, *, edition: Edition, clock: Clock, correlation_id: str
) -> OpeningReport:
    """Announce the edition unless grant already has; idempotent. EditionAlreadyClosed if closed."""
    async with conn.transaction():
        opened_now = bool(
            await _announce_new(conn, [edition], now=clock.now(), correlation_id=correlation_id)
        )
        record = await editions_repository.get(conn, edition_id=edition.id)
        assert record is not None
        if record.closed:
            raise EditionAlreadyClosed(edition.id, record.closed_at)
    return OpeningReport(
        edition_id=edition.id,
        opened_now=opened_now,
        opened_at=record.opened_at,
        opens_at=edition.opens_at,
        closes_at=edition.closes_at,
    )


async def _announce_new(
    conn: Connection, editions: Sequence[Edition], *, now: datetime, correlation_id: str
) -> list[str]:
    """In the caller's transaction: record the editions not seen before and queue their news."""
    configured = {e.id: e for e in editions}
    new_ids = await editions_repository.add_new_editions(
        conn, editions=list(configured.values()), now=now
    )
    await add_to_outbox(
        conn,
        [
            (
                EditionOpened.topic,
                make_event(
                    EditionOpened(
                        edition_id=e.id,
                        name=e.name,
                        opens_at=e.opens_at,
                        closes_at=e.closes_at,
                        grant_capacity=e.grant_capacity,
                        package_value_cents=e.package_value_cents,
                        currency=e.currency,
                    ),
                    service="grant",
                    subject=e.id,
                    correlation_id=correlation_id,
                    edition_id=e.id,
                ),
            )
            for e in (configured[i] for i in new_ids)
        ],
    )
    return new_ids
