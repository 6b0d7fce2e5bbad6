"""`accelerator replay`: refused while the service runs; once it is stopped, its group is
moved back and re-reads, and the inbox recognises what it had already applied."""

import uuid
from pathlib import Path

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from cli.kafka_ops import group_lag, kafka_admin, kafka_reader
from shared import topics
from shared.events.envelope import CloudEvent
from tests.support.cli import accelerator, point_cli_at, service_env
from tests.support.kafka import produce
from tests.support.processes import ServiceProcess, start_service
from tests.support.waiting import eventually

pytestmark = pytest.mark.integration


async def _lag_on_editions(bootstrap: str) -> int:
    async with kafka_admin(bootstrap) as admin, kafka_reader(bootstrap) as reader:
        lags = await group_lag(admin, reader, "intake")
    return sum(lag.lag for lag in lags if lag.partition.topic == topics.EDITIONS)


async def _duplicates_skipped(intake: ServiceProcess) -> float:
    async with httpx.AsyncClient() as http:
        text = (await http.get(f"{intake.url}/metrics")).text
    return sum(
        sample.value
        for family in text_string_to_metric_families(text)
        if family.name == "accelerator_events_duplicate"
        for sample in family.samples
        if sample.name == "accelerator_events_duplicate_total"
    )


async def test_replay_refuses_a_live_group_and_moves_a_stopped_one_back(
    stack_env: dict[str, str],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    bootstrap = stack_env["KAFKA_BOOTSTRAP_SERVERS"]
    point_cli_at(monkeypatch, tmp_path, KAFKA_BOOTSTRAP_SERVERS=bootstrap)
    # Something intake reads (and ignores), so its group has a position on the topic.
    ignored = CloudEvent(
        source="/accelerator/test",
        type="accelerator.test.ignored.v1",
        subject=f"cli-replay-{uuid.uuid4().hex[:8]}",
        data={},
        correlationid=str(uuid.uuid4()),
    )
    await produce(bootstrap, topics.EDITIONS, [(ignored.subject, ignored.to_bytes())])
    env = service_env(stack_env, "intake")
    intake = start_service("services.intake", env=env, log_dir=tmp_path)
    try:
        await intake.wait_ready()
        await eventually(lambda: _caught_up(bootstrap))
        code, _, err = await accelerator(capsys, "replay", "intake", "--from-beginning")
        assert code == 3
        assert "live member" in err
        assert "stop every intake process first" in err
    finally:
        intake.terminate()

    code, out, _ = await accelerator(capsys, "replay", "intake", "--from-beginning", "--dry-run")
    assert code == 0
    assert "would re-read" in out
    assert await _lag_on_editions(bootstrap) == 0, "a dry run changes nothing"

    code, out, _ = await accelerator(capsys, "replay", "intake", "--from", "2999-01-01T00:00Z")
    assert code == 0
    assert "will re-read 0 messages" in out, "replay never moves a group forward"

    code, out, _ = await accelerator(capsys, "replay", "intake", "--from-beginning")
    assert code == 0
    assert "will re-read" in out
    assert await _lag_on_editions(bootstrap) >= 1

    restarted = start_service("services.intake", env=env, log_dir=tmp_path)
    try:
        await restarted.wait_ready()
        await eventually(lambda: _caught_up(bootstrap))
        assert await _duplicates_skipped(restarted) >= 1, "re-read events were already applied"
    finally:
        restarted.terminate()


async def _caught_up(bootstrap: str) -> bool:
    return await _lag_on_editions(bootstrap) == 0
