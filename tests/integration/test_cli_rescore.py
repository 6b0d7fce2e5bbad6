"""`accelerator rescore`: after a rubric change scoring recomputes the edition, and only the
applications whose score changed get a new application.scored."""

import uuid
from pathlib import Path

import pytest

from tests.integration.test_cli_edition import edition_dir
from tests.integration.test_scoring_pipeline import publish, received, scores, screened
from tests.support.cli import accelerator, point_cli_at, service_env
from tests.support.processes import start_service
from tests.support.waiting import eventually

pytestmark = pytest.mark.integration

ADMIN_TOKEN = "cli-rescore-tests-admin-token"


async def test_rescore_publishes_only_the_scores_a_rubric_change_moved(
    stack_env: dict[str, str],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    bootstrap = stack_env["KAFKA_BOOTSTRAP_SERVERS"]
    edition_id = f"cli-{uuid.uuid4().hex[:8]}"
    editions = edition_dir(tmp_path, edition_id)
    env = service_env(stack_env, "scoring", ADMIN_TOKEN=ADMIN_TOKEN, EDITIONS_DIR=str(editions))
    eligible = [uuid.uuid4() for _ in range(3)]
    ineligible = uuid.uuid4()
    await publish(
        bootstrap,
        [
            *(received(a, n=n, edition=edition_id) for n, a in enumerate(eligible)),
            *(screened(a, eligible=True) for a in eligible),
            received(ineligible, edition=edition_id),
            screened(ineligible, eligible=False),
        ],
    )
    scoring = start_service("services.scoring", env=env, log_dir=tmp_path)
    try:
        await scoring.wait_ready()
        point_cli_at(monkeypatch, tmp_path, SCORING_URL=scoring.url, ADMIN_TOKEN=ADMIN_TOKEN)
        await eventually(lambda: _scored_times(bootstrap, eligible, 1))
        code, out, _ = await accelerator(capsys, "rescore", "--edition", edition_id)
        assert code == 0
        assert "3 eligible applications recomputed; 0 scores changed" in out
    finally:
        scoring.terminate()

    # The same rubric version with other weights: nothing at start-up notices, rescore does.
    edition_file = editions / f"{edition_id}.toml"
    edition_file.write_text(
        edition_file.read_text()
        .replace("pitch_completeness = 10", "pitch_completeness = 5")
        .replace("market_reach = 15", "market_reach = 20")
    )
    scoring = start_service("services.scoring", env=env, log_dir=tmp_path)
    try:
        await scoring.wait_ready()
        point_cli_at(monkeypatch, tmp_path, SCORING_URL=scoring.url, ADMIN_TOKEN=ADMIN_TOKEN)
        code, out, _ = await accelerator(
            capsys, "rescore", "--edition", edition_id, "--page-size", "2"
        )
        assert code == 0
        assert "3 eligible applications recomputed; 3 scores changed" in out
        await eventually(lambda: _scored_times(bootstrap, eligible, 2))
        code, out, _ = await accelerator(capsys, "rescore", "--edition", edition_id)
        assert "3 eligible applications recomputed; 0 scores changed" in out

        code, _, err = await accelerator(capsys, "rescore", "--edition", "no-such-edition")
        assert code == 2
        assert "no rubric for edition 'no-such-edition'" in err
    finally:
        scoring.terminate()
    assert (await scores(bootstrap, [ineligible])) == {}


async def _scored_times(bootstrap: str, ids: list[uuid.UUID], times: int) -> bool:
    found = await scores(bootstrap, ids)
    return all(len(found.get(i, [])) == times for i in ids)
