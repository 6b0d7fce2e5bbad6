"""Which infrastructure a test run uses, decided by a pure, unit-tested function
(docs/architecture.md#test-infrastructure-choice).

Order: explicit URLs in the environment, else containers when they can really start (a
Docker engine answers and has, or can pull, every image testcontainers would run), else the
local processes of `infra.stack`. An engine alone is not enough: on a host with no registry
in reach, testcontainers would fail where the local processes work.

Explicit means all of EXPLICIT_VARIABLES: Kafka, the admin database URL (for migrations and
checks) and one URL per service role, because the isolation between services is part of
what the tests prove. Setting only some of them is a mistake, not a hint, and is refused
with the names of the missing ones. Mail always goes to a local SMTP sink.
"""

import enum
import os
import shutil
import subprocess
from collections.abc import Callable, Mapping, Sequence

from shared.topics import SERVICES

DOCKER_TIMEOUT_S = 5.0
PULL_TIMEOUT_S = 300.0
# What infra/containers.py starts; testcontainers adds its reaper (ryuk) unless disabled.
CONTAINER_IMAGES = ("apache/kafka:4.4.0", "postgres:15")

EXPLICIT_VARIABLES = (
    "KAFKA_BOOTSTRAP_SERVERS",
    "DATABASE_URL",
    *(f"{service.upper()}_DATABASE_URL" for service in SERVICES),
)


class InfraChoice(enum.Enum):
    EXPLICIT = "explicit"
    CONTAINERS = "containers"
    LOCAL_PROCESSES = "local-processes"


class IncompleteExplicitInfrastructure(ValueError):
    def __init__(self, missing: list[str]) -> None:
        self.missing = missing
        super().__init__(
            "some infrastructure URLs are set in the environment but not all; also set "
            + ", ".join(missing)
            + " (or unset them all to let the tests start their own)"
        )


def choose_infrastructure(
    env: Mapping[str, str], containers_can_start: Callable[[], bool]
) -> InfraChoice:
    """containers_can_start is asked only when the environment names no infrastructure."""
    present = [name for name in EXPLICIT_VARIABLES if env.get(name, "").strip()]
    if present:
        missing = [name for name in EXPLICIT_VARIABLES if name not in present]
        if missing:
            raise IncompleteExplicitInfrastructure(missing)
        return InfraChoice.EXPLICIT
    return InfraChoice.CONTAINERS if containers_can_start() else InfraChoice.LOCAL_PROCESSES


def docker_engine_answers(timeout_s: float = DOCKER_TIMEOUT_S) -> bool:
    """True only if an engine replies: a docker client with no engine behind it is common."""
    if shutil.which("docker") is None:
        return False
    try:
        result = subprocess.run(
            ["docker", "info", "--format", "{{.ServerVersion}}"],
            capture_output=True,
            text=True,
            timeout=timeout_s,
            check=False,
        )
    except (subprocess.TimeoutExpired, OSError):
        return False
    return result.returncode == 0 and bool(result.stdout.strip())


Runner = Callable[[Sequence[str], float], bool]
"""Runs a docker command with a timeout; True when it succeeded."""


def _docker_succeeds(command: Sequence[str], timeout_s: float) -> bool:
    try:
        done = subprocess.run(list(command), capture_output=True, timeout=timeout_s, check=False)
    except (subprocess.TimeoutExpired, OSError):
        return False
    return done.returncode == 0


def images_testcontainers_runs(env: Mapping[str, str] = os.environ) -> tuple[str, ...]:
    if env.get("TESTCONTAINERS_RYUK_DISABLED", "").strip().lower() in ("1", "true", "yes"):
        return CONTAINER_IMAGES
    return (*CONTAINER_IMAGES, env.get("RYUK_CONTAINER_IMAGE", "testcontainers/ryuk:0.8.1"))


def images_available(images: Sequence[str], run: Runner = _docker_succeeds) -> bool:
    """Each image is on the engine already, or the engine can pull it now."""
    return all(
        run(["docker", "image", "inspect", image], DOCKER_TIMEOUT_S)
        or run(["docker", "pull", "-q", image], PULL_TIMEOUT_S)
        for image in images
    )


def containers_can_start(
    engine_answers: Callable[[], bool] = docker_engine_answers,
    images: Sequence[str] | None = None,
    run: Runner = _docker_succeeds,
) -> bool:
    if not engine_answers():
        return False
    return images_available(images_testcontainers_runs() if images is None else images, run)
