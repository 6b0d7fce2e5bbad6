"""An intake process as most tests want it: on the stack, its per-client submission limit out
of the way (test_intake_limits.py tests the limit with its own settings)."""

from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from pathlib import Path

from tests.support.processes import ServiceProcess, running_service

UNLIMITED = {"SUBMISSION_RATE_PER_MINUTE": "1000000", "SUBMISSION_BURST": "100000"}


@asynccontextmanager
async def running_intake(
    stack_env: Mapping[str, str], log_dir: Path, **settings: str
) -> AsyncIterator[ServiceProcess]:
    async with running_service("intake", stack_env, log_dir, **UNLIMITED, **settings) as process:
        yield process
