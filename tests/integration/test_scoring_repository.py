"""Scoring's use cases on real Postgres, without Kafka: concurrency and repeated input."""

import asyncio
import uuid
from collections.abc import AsyncIterator, Sequence

import asyncpg
import pytest

from services.scoring import handlers
from services.scoring.entrypoints.consumer import inbound
from shared.clock import SystemClock
from shared.consumer import Delivery
from shared.events.envelope import CloudEvent
from tests.integration.test_scoring_pipeline import (
    EDITION,
    MODULES,
    RUBRIC,
    completed,
    migrate_scoring,
    received,
    screened,
)

pytestmark = pytest.mark.integration

SCORING = handlers.Scoring(rubrics={EDITION: RUBRIC}, clock=SystemClock())


@pytest.fixture
async def connect(stack_env: dict[str, str]) -> AsyncIterator[list[asyncpg.Connection]]:
    """Connections as the scoring role, in its own schema, closed after the test."""
    await migrate_scoring(stack_env)
    opened = [
        await asyncpg.connect(
            stack_env["SCORING_DATABASE_URL"], server_settings={"search_path": "scoring"}
        )
        for _ in range(2)
    ]
    try:
        yield opened
    finally:
        for conn in opened:
            await conn.close()


def _items(events: Sequence[CloudEvent]) -> list[handlers.Inbound]:
    return inbound([Delivery(event=e, record=None) for e in events])


async def _outbox_scores(conn: asyncpg.Connection, application_id: uuid.UUID) -> int:
    count: int = await conn.fetchval(
        "SELECT count(*) FROM outbox WHERE key = $1 AND event_type = $2",
        str(application_id),
        "accelerator.application.scored.v1",
    )
    return count


async def test_two_batches_of_one_new_application_at_once_keep_both_changes(
    connect: list[asyncpg.Connection],
) -> None:
    one, other = connect
    application_id = uuid.uuid4()
    application = _items([received(application_id), screened(application_id, eligible=True)])
    training = _items([completed(application_id, MODULES[0])])

    async with one.transaction():
        await handlers.apply_changes(one, application, scoring=SCORING)
        # The training batch (another topic, maybe another replica) arrives meanwhile.
        racing = asyncio.ensure_future(_apply_in_transaction(other, training))
        await asyncio.sleep(0.5)
        assert not racing.done(), "the second batch waits for the first one's row"
    await racing

    row = await one.fetchrow(
        "SELECT received, eligible, completed_modules, scored_events FROM applications"
        " WHERE application_id = $1",
        application_id,
    )
    assert row is not None
    assert (row["received"], row["eligible"]) == (True, True)
    assert row["completed_modules"] == [MODULES[0]]
    assert row["scored_events"] == 2
    assert await _outbox_scores(one, application_id) == 2


async def test_the_same_input_applied_again_adds_no_score_to_the_outbox(
    connect: list[asyncpg.Connection],
) -> None:
    conn, _ = connect
    application_id = uuid.uuid4()
    events = [received(application_id), screened(application_id, eligible=True)]
    for _ in range(3):  # e.g. the same events re-sent by intake with new event ids
        await _apply_in_transaction(conn, _items([*events, received(application_id)]))
    assert await _outbox_scores(conn, application_id) == 1


async def _apply_in_transaction(conn: asyncpg.Connection, items: list[handlers.Inbound]) -> None:
    async with conn.transaction():
        await handlers.apply_changes(conn, items, scoring=SCORING)
