"""Which infrastructure a test run uses, decided by a pure, unit-tested function
(docs/architecture.md#test-infrastructure-choice).

Order: explicit URLs in the environment, else containers when a Docker engine answers,
else the local processes of `infra.stack`.

Explicit means all of EXPLICIT_VARIABLES: Kafka, the admin database URL (for migrations and
checks) and one URL per service role, because the isolation between services is part of
what the tests prove. Setting only some of them is a mistake, not a hint, and is refused
with the names of the missing ones. Mail always goes to a local SMTP sink.
"""

import enum
import shutil
import subprocess
from collections.abc import Callable, Mapping

from shared.topics import SERVICES

DOCKER_TIMEOUT_S = 5.0

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
    env: Mapping[str, str], docker_answers: Callable[[], bool]
) -> InfraChoice:
    """docker_answers is asked only when the environment names no infrastructure."""
    present = [name for name in EXPLICIT_VARIABLES if env.get(name, "").strip()]
    if present:
        missing = [name for name in EXPLICIT_VARIABLES if name not in present]
        if missing:
            raise IncompleteExplicitInfrastructure(missing)
        return InfraChoice.EXPLICIT
    return InfraChoice.CONTAINERS if docker_answers() else InfraChoice.LOCAL_PROCESSES


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
