"""Grant's use cases."""

from collections.abc import Iterable

from services.grant.adapters import editions_repository
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
    configured = {e.id: e for e in editions}
    async with conn.transaction():
        new_ids = await editions_repository.add_new_editions(
            conn, editions=list(configured.values()), now=clock.now()
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
