"""Grant announces each configured edition once, however often it restarts."""

from pathlib import Path

import pytest

from shared.events.envelope import CloudEvent
from tests.support.kafka import read_to_end
from tests.support.processes import start_service

pytestmark = pytest.mark.integration


async def test_the_demo_edition_is_announced_once_across_restarts(
    stack_env: dict[str, str], tmp_path: Path
) -> None:
    env = {
        "KAFKA_BOOTSTRAP_SERVERS": stack_env["KAFKA_BOOTSTRAP_SERVERS"],
        "DATABASE_URL": stack_env["GRANT_DATABASE_URL"],
    }
    for _ in range(2):
        grant = start_service("services.grant", env=env, log_dir=tmp_path)
        try:
            await grant.wait_ready()
        finally:
            grant.terminate()

    opened = [
        CloudEvent.from_bytes(r.value)
        for r in await read_to_end(stack_env["KAFKA_BOOTSTRAP_SERVERS"], "accelerator.editions")
    ]
    demo = [e for e in opened if e.subject == "athlete365-4"]
    assert len(demo) == 1
    assert demo[0].type == "accelerator.edition.opened.v1"
    assert demo[0].data["grant_capacity"] == 50
    assert demo[0].data["package_value_cents"] == 1_000_000
