"""Scoring killed with SIGKILL mid-stream and restarted: every eligible application is scored
exactly once for its input, none is missed, and no ineligible one is scored."""

import asyncio
import signal
import uuid
from pathlib import Path

import asyncpg
import pytest

from tests.integration.test_scoring_pipeline import (
    all_scored,
    migrate_scoring,
    publish,
    received,
    scores,
    scoring_env,
    screened,
)
from tests.support.processes import start_service

pytestmark = pytest.mark.integration


async def test_killed_after_a_batch_commit_scores_each_application_exactly_once(
    stack_env: dict[str, str], admin_db: asyncpg.Connection, tmp_path: Path
) -> None:
    bootstrap = stack_env["KAFKA_BOOTSTRAP_SERVERS"]
    ids = [uuid.uuid4() for _ in range(1_000)]
    eligible = [i for n, i in enumerate(ids) if n % 5]
    ineligible = [i for n, i in enumerate(ids) if not n % 5]
    await publish(
        bootstrap,
        [e for n, i in enumerate(ids) for e in (received(i, n=n), screened(i, eligible=n % 5 > 0))],
    )

    await migrate_scoring(stack_env)
    inbox_before = await admin_db.fetchval("SELECT count(*) FROM scoring.inbox")
    crashing = start_service(
        "services.scoring",
        env=scoring_env(stack_env, ACCELERATOR_CRASH_AT="consumer_after_db_commit"),
        log_dir=tmp_path,
    )
    assert crashing.wait_exit(timeout_s=120) == -signal.SIGKILL
    inbox_after = await admin_db.fetchval("SELECT count(*) FROM scoring.inbox")
    assert inbox_after > inbox_before, "its first batch was committed before the kill"
    scored_before_kill = await admin_db.fetchval(
        "SELECT count(*) FROM scoring.applications"
        " WHERE application_id = ANY($1::uuid[]) AND scored_events > 0",
        ids,
    )
    assert scored_before_kill < len(eligible), "killed mid-stream, before scoring everything"

    survivor = start_service("services.scoring", env=scoring_env(stack_env), log_dir=tmp_path)
    try:
        await survivor.wait_ready()
        await all_scored(bootstrap, eligible)
        await asyncio.sleep(3)  # a late duplicate would show up here
        found = await scores(bootstrap, ids)
        assert sorted(len(found[i]) for i in eligible) == [1] * len(eligible)
        assert not any(found[i] for i in ineligible)
        per_application = await admin_db.fetch(
            "SELECT scored_events, count(*) AS n FROM scoring.applications"
            " WHERE application_id = ANY($1::uuid[]) GROUP BY scored_events",
            ids,
        )
        assert {r["scored_events"]: r["n"] for r in per_application} == {
            1: len(eligible),
            0: len(ineligible),
        }
    finally:
        survivor.terminate()
