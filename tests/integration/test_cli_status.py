"""`accelerator status` on the real stack: readiness of the services and the dashboard,
consumer lag of a stopped service, and the dead letters its consumers wrote."""

import uuid
from pathlib import Path
from typing import Any

import pytest

from shared import topics
from shared.topics import SERVICES
from tests.support.cli import (
    accelerator,
    accelerator_json,
    point_cli_at,
    service_env,
)
from tests.support.kafka import produce
from tests.support.processes import ServiceProcess, start_service
from tests.support.waiting import eventually

pytestmark = pytest.mark.integration


def _start(stack_env: dict[str, str], service: str, logs: Path, port: int | None = None) -> Any:
    return start_service(
        f"services.{service}", env=service_env(stack_env, service), log_dir=logs, port=port
    )


def _service(status: dict[str, Any], name: str) -> dict[str, Any]:
    found: list[dict[str, Any]] = [s for s in status["services"] if s["service"] == name]
    assert len(found) == 1
    return found[0]


async def test_status_shows_a_stopped_service_its_lag_and_the_dead_letters(
    stack_env: dict[str, str],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    bootstrap = stack_env["KAFKA_BOOTSTRAP_SERVERS"]
    running: dict[str, ServiceProcess] = {}
    try:
        for name in ("intake", "scoring", "grant", "notification"):
            running[name] = _start(stack_env, name, tmp_path)
        running["dashboard"] = start_service(
            "services.dashboard", env={"KAFKA_BOOTSTRAP_SERVERS": bootstrap}, log_dir=tmp_path
        )
        for process in running.values():
            await process.wait_ready()
        point_cli_at(
            monkeypatch,
            tmp_path,
            KAFKA_BOOTSTRAP_SERVERS=bootstrap,
            **{f"{name.upper()}_URL": p.url for name, p in running.items()},
        )
        first, second = f"junk-{uuid.uuid4().hex[:8]}", f"junk-{uuid.uuid4().hex[:8]}"
        await produce(bootstrap, topics.APPLICATIONS, [(first, b"not an event")])

        async def scoring_caught_up() -> bool:
            code, status = await accelerator_json(capsys, "status")
            return code == 0 and _service(status, "scoring")["consumer_lag"] == 0

        await eventually(scoring_caught_up)
        code, status = await accelerator_json(capsys, "status")
        assert code == 0
        assert all(s["healthy"] and s["ready"] for s in status["services"])
        assert all(
            s["outbox_backlog"] is not None for s in status["services"] if s["service"] in SERVICES
        )
        # The dashboard has no outbox and no consumer group: shown, with nothing to report.
        dashboard = _service(status, "dashboard")
        assert dashboard["outbox_backlog"] is None
        assert dashboard["consumer_lag"] is None
        dead_before = status["dead_letters"]["total"]

        scoring_port = int(running["scoring"].url.rsplit(":", 1)[1])
        running.pop("scoring").terminate()
        await produce(bootstrap, topics.APPLICATIONS, [(second, b"not an event either")])
        code, status = await accelerator_json(capsys, "status")
        assert code == 1, "a service is down"
        scoring = _service(status, "scoring")
        assert not scoring["healthy"]
        assert scoring["consumer_lag"] >= 1
        assert scoring["lag_by_topic"][topics.APPLICATIONS] >= 1
        code, table, _ = await accelerator(capsys, "status")
        assert code == 1
        assert "unreachable" in table

        running["scoring"] = _start(stack_env, "scoring", tmp_path, port=scoring_port)
        await running["scoring"].wait_ready()
        await eventually(scoring_caught_up)
        _, status = await accelerator_json(capsys, "status")
        assert status["dead_letters"]["total"] >= dead_before + 1
        _, entries = await accelerator_json(capsys, "dlq", "list", "--key", second)
        assert "scoring" in {e["group"] for e in entries}
    finally:
        for process in running.values():
            process.terminate()
