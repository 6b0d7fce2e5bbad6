"""A new rubric version in the edition file rescores its applications once, at start-up."""

import uuid
from pathlib import Path

import pytest

from shared.editions import DEFAULT_EDITIONS_DIR
from tests.integration.test_scoring_pipeline import (
    all_scored,
    publish,
    received,
    scores,
    scoring_env,
    screened,
)
from tests.support.processes import start_service

pytestmark = pytest.mark.integration

DEMO = DEFAULT_EDITIONS_DIR / "athlete365-4.toml"
VERSION_1 = """[rubric]
version = 1
[rubric.weights]
business_stage = 25
b2b_sourcing_fit = 20
market_reach = 15
pitch_completeness = 10
career_transition = 15
training_progress = 15
"""
VERSION_2 = """[rubric]
version = 2
[rubric.weights]
business_stage = 60
b2b_sourcing_fit = 0
market_reach = 10
pitch_completeness = 10
career_transition = 10
training_progress = 10
"""


def _write_edition(directory: Path, edition_id: str, rubric: str) -> None:
    # The demo edition with another id, and its rubric (the file's last table) replaced.
    text = DEMO.read_text()
    text = text[: text.index("[rubric]")].replace('id = "athlete365-4"', f'id = "{edition_id}"')
    (directory / f"{edition_id}.toml").write_text(text + rubric)


async def _run_until_scored(
    stack_env: dict[str, str], editions: Path, logs: Path, ids: list[uuid.UUID], times: int
) -> None:
    env = scoring_env(stack_env, EDITIONS_DIR=str(editions))
    process = start_service("services.scoring", env=env, log_dir=logs)
    try:
        await process.wait_ready()
        await all_scored(stack_env["KAFKA_BOOTSTRAP_SERVERS"], ids, times=times)
    finally:
        process.terminate()


async def test_a_new_rubric_version_publishes_one_new_score_per_application(
    stack_env: dict[str, str], tmp_path: Path
) -> None:
    bootstrap = stack_env["KAFKA_BOOTSTRAP_SERVERS"]
    edition = f"rubric-test-{uuid.uuid4().hex[:8]}"
    editions = tmp_path / "editions"
    editions.mkdir()
    _write_edition(editions, edition, VERSION_1)
    ids = [uuid.uuid4() for _ in range(3)]
    await publish(
        bootstrap,
        [e for i in ids for e in (received(i, edition=edition), screened(i, eligible=True))],
    )
    await _run_until_scored(stack_env, editions, tmp_path, ids, times=1)

    _write_edition(editions, edition, VERSION_2)
    await _run_until_scored(stack_env, editions, tmp_path, ids, times=2)
    await _run_until_scored(stack_env, editions, tmp_path, ids, times=2)  # a plain restart

    found = await scores(bootstrap, ids)
    for i in ids:
        first, second = (e.data for e in found[i])
        assert len(found[i]) == 2, "a restart with the same rubric publishes nothing"
        assert (first["rubric_version"], second["rubric_version"]) == (1, 2)
        assert first["breakdown"]["business_stage"] == 18.75  # revenue: 3/4 x 25
        assert second["breakdown"]["business_stage"] == 45.0  # revenue: 3/4 x 60
        assert second["breakdown"]["b2b_sourcing_fit"] == 0
