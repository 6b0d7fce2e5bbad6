"""What the CLI tests share: running `accelerator` against the test stack and reading its
output. (No tests here.)"""

import asyncio
import json
from collections.abc import Mapping
from typing import Any

import pytest

from cli.main import main

STACK_KEYS = (
    "INTAKE_URL",
    "SCORING_URL",
    "GRANT_URL",
    "NOTIFICATION_URL",
    "DASHBOARD_URL",
    "ADMIN_TOKEN",
    "KAFKA_BOOTSTRAP_SERVERS",
)


def point_cli_at(monkeypatch: pytest.MonkeyPatch, tmp_dir: Any, **values: str) -> None:
    """The CLI reads these from the environment; no .run/stack.env of a developer interferes."""
    monkeypatch.chdir(tmp_dir)
    monkeypatch.setenv("COLUMNS", "250")  # tables as wide as their content, for the asserts
    for key in STACK_KEYS:
        monkeypatch.delenv(key, raising=False)
    for key, value in values.items():
        monkeypatch.setenv(key, value)


async def accelerator(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    """Run the command as `accelerator ...` would (in a thread: it runs its own event loop);
    returns the exit code, stdout and stderr."""
    capsys.readouterr()
    code = await asyncio.to_thread(main, list(argv))
    out, err = capsys.readouterr()
    return code, out, err


async def accelerator_json(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, Any]:
    code, out, err = await accelerator(capsys, *argv, "--json")
    assert out, err
    return code, json.loads(out)


def service_env(stack_env: Mapping[str, str], service: str, **extra: str) -> dict[str, str]:
    return {
        "KAFKA_BOOTSTRAP_SERVERS": stack_env["KAFKA_BOOTSTRAP_SERVERS"],
        "DATABASE_URL": stack_env[f"{service.upper()}_DATABASE_URL"],
        "RELAY_POLL_INTERVAL_S": "0.2",
        "RETRY_MAX_BACKOFF_S": "0.5",
        **extra,
    }
