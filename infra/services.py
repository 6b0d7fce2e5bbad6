"""The service processes of the local stack, started after the infrastructure is up.

Each gets the same variables compose gives its container: its own role's DATABASE_URL,
the broker, its HTTP port, and the tokens it checks.
"""

import sys
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import httpx

from infra.commands import tail
from infra.errors import InfraError
from infra.processes import running_pid, start_detached, stop_detached
from infra.stack_env import role_url_key

# What each process serves; the name is also its schema and its consumer group, but for
# the dashboard, which has neither: it reads the topics without a group and keeps no data.
SERVICE_URL_KEYS = {
    "intake": "INTAKE_URL",
    "scoring": "SCORING_URL",
    "grant": "GRANT_URL",
    "notification": "NOTIFICATION_URL",
    "dashboard": "DASHBOARD_URL",
}
_WITHOUT_DATABASE = frozenset({"dashboard"})
# On this machine every athlete of the demo applies from one address.
_LOCAL_INTAKE_LIMITS = {"SUBMISSION_RATE_PER_MINUTE": "60000", "SUBMISSION_BURST": "1000"}
_SHARED_KEYS = (
    "KAFKA_BOOTSTRAP_SERVERS",
    "ADMIN_TOKEN",
    "OFFER_SIGNING_KEY",
    "STATUS_LINK_KEY",
    "REVIEW_LINK_KEY",
    "SMTP_HOST",
    "SMTP_PORT",
)


@dataclass(frozen=True)
class ServiceProcess:
    name: str
    run_dir: Path

    @property
    def pid_file(self) -> Path:
        return self.run_dir / "pids" / f"{self.name}.pid"

    @property
    def log(self) -> Path:
        return self.run_dir / "logs" / f"{self.name}.log"

    @property
    def marker(self) -> str:
        return f"services.{self.name}"

    def is_running(self) -> bool:
        return running_pid(self.pid_file, self.marker) is not None

    def environment(self, stack_env: Mapping[str, str]) -> dict[str, str]:
        url = urlsplit(stack_env[SERVICE_URL_KEYS[self.name]])
        database = (
            {}
            if self.name in _WITHOUT_DATABASE
            else {"DATABASE_URL": stack_env[role_url_key(self.name)]}
        )
        return {
            **{key: stack_env[key] for key in _SHARED_KEYS if key in stack_env},
            **database,
            "HTTP_HOST": url.hostname or "127.0.0.1",
            "HTTP_PORT": str(url.port),
            "GRANT_URL": stack_env.get("GRANT_URL", ""),
            "INTAKE_URL": stack_env.get("INTAKE_URL", ""),
            "SCORING_URL": stack_env.get("SCORING_URL", ""),
            **(_LOCAL_INTAKE_LIMITS if self.name == "intake" else {}),
        }

    def start(self, stack_env: Mapping[str, str]) -> None:
        if self.is_running():
            return
        start_detached(
            [sys.executable, "-m", self.marker],
            output=self.log,
            pid_file=self.pid_file,
            env=self.environment(stack_env),
        )

    def wait_ready(self, url: str, timeout_s: float = 60.0) -> None:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if not self.is_running():
                raise InfraError(f"{self.name} exited during start-up:\n{tail(self.log)}")
            try:
                if httpx.get(f"{url}/readyz", timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.3)
        raise InfraError(f"{self.name} not ready after {timeout_s:.0f}s:\n{tail(self.log)}")

    def stop(self) -> bool:
        return stop_detached(self.pid_file, self.marker)


def service_processes(run_dir: Path) -> list[ServiceProcess]:
    return [ServiceProcess(name, run_dir) for name in SERVICE_URL_KEYS]


def start_services(run_dir: Path, stack_env: Mapping[str, str]) -> None:
    processes = service_processes(run_dir)
    for process in processes:
        process.start(stack_env)
    for process in processes:
        process.wait_ready(stack_env[SERVICE_URL_KEYS[process.name]])
