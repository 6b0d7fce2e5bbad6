"""The whole stack as processes: the four services on the session's Kafka, Postgres and SMTP
sink, running a throwaway edition of their own so other tests cannot disturb it."""

import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from shared.editions import DEFAULT_EDITIONS_DIR, Edition, load_editions
from tests.support.processes import ServiceProcess, start_service

ORDER = ("intake", "scoring", "grant", "notification")
# Intake and notification share it, as they share STATUS_LINK_KEY when deployed.
STATUS_LINK_KEY = "e2e-status-link-key"


@dataclass
class Stack:
    env: dict[str, str]
    edition: Edition
    log_dir: Path
    processes: dict[str, ServiceProcess]

    def service_env(self, name: str) -> dict[str, str]:
        keys = ("KAFKA_BOOTSTRAP_SERVERS", "ADMIN_TOKEN", "OFFER_SIGNING_KEY")
        env = {key: self.env[key] for key in keys}
        env |= {
            "DATABASE_URL": self.env[f"{name.upper()}_DATABASE_URL"],
            "EDITIONS_DIR": str(self.edition_dir),
            "RELAY_POLL_INTERVAL_S": "0.2",
        }
        if name in ("intake", "notification"):
            env["STATUS_LINK_KEY"] = STATUS_LINK_KEY
        if name == "intake":
            env |= {"SUBMISSION_RATE_PER_MINUTE": "1000000", "SUBMISSION_BURST": "100000"}
        if name == "notification":
            env |= {
                "SMTP_HOST": self.env["SMTP_HOST"],
                "SMTP_PORT": self.env["SMTP_PORT"],
                "GRANT_URL": self.processes["grant"].url,
                "INTAKE_URL": self.processes["intake"].url,
                # A killed sender's claimed e-mails are retried once its lease runs out.
                "SEND_LEASE_S": "10",
            }
        return env

    @property
    def edition_dir(self) -> Path:
        return self.log_dir / "editions"

    async def start(self, name: str, port: int | None = None) -> None:
        process = start_service(
            f"services.{name}", env=self.service_env(name), log_dir=self.log_dir, port=port
        )
        self.processes[name] = process
        await process.wait_ready()

    async def kill_and_restart(self, name: str) -> None:
        """SIGKILL, then start again on the same port, as a supervisor would."""
        process = self.processes[name]
        process.kill()
        await self.start(name, port=int(process.url.rsplit(":", 1)[1]))

    def urls(self) -> dict[str, str]:
        return {
            **self.env,
            "INTAKE_URL": self.processes["intake"].url,
            "GRANT_URL": self.processes["grant"].url,
        }


def _own_edition(directory: Path) -> Edition:
    """The demo edition's terms (50 packages of US$10,000) under an id of its own."""
    edition_id = f"e2e-{uuid.uuid4().hex[:10]}"
    text = (DEFAULT_EDITIONS_DIR / "athlete365-4.toml").read_text()
    directory.mkdir(parents=True)
    (directory / f"{edition_id}.toml").write_text(
        text.replace('id = "athlete365-4"', f'id = "{edition_id}"')
    )
    return load_editions(directory)[edition_id]


@pytest.fixture
async def stack(stack_env: dict[str, str], tmp_path: Path) -> AsyncIterator[Stack]:
    running = Stack(
        env=stack_env, edition=_own_edition(tmp_path / "editions"), log_dir=tmp_path, processes={}
    )
    try:
        for name in ORDER:
            await running.start(name)
        yield running
    finally:
        for process in running.processes.values():
            process.terminate()
