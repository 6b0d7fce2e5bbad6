"""The whole local stack as plain processes under one run folder, with no container engine."""

import shutil
from dataclasses import dataclass
from pathlib import Path

from infra.kafka import KafkaBroker
from infra.kafka_jars import KAFKA_LIBS, ensure_kafka_jars
from infra.postgres import PostgresCluster
from infra.prereqs import ensure_prerequisites
from infra.services import SERVICE_URL_KEYS, service_processes, start_services
from infra.smtp import SmtpSink
from infra.stack_env import Ports, StackSecrets, read_env_file, stack_env, write_env_file


@dataclass(frozen=True)
class ComponentStatus:
    name: str
    address: str
    up: bool


class LocalStack:
    def __init__(self, run_dir: Path, libs_dir: Path = KAFKA_LIBS) -> None:
        self.run_dir = run_dir.resolve()
        self.env_file = self.run_dir / "stack.env"
        self.libs_dir = libs_dir
        recorded = read_env_file(self.env_file)
        # Ports and secrets come from the previous run when there was one, so a restart
        # keeps every URL valid and the database keeps accepting its passwords.
        self.ports = Ports.reuse_or_allocate(recorded)
        self.secrets = StackSecrets.reuse_or_create(recorded)
        self.postgres = PostgresCluster(
            self.run_dir, self.ports.postgres, self.secrets.admin_password
        )
        self.kafka = KafkaBroker(
            self.run_dir, libs_dir, self.ports.kafka, self.ports.kafka_controller
        )
        self.smtp = SmtpSink(self.run_dir, self.ports.smtp)

    def env(self) -> dict[str, str]:
        return {
            **stack_env(
                kafka_bootstrap=self.kafka.bootstrap,
                server=self.postgres.server,
                credentials=self.secrets,
                smtp_port=self.ports.smtp,
                mail_dir=self.smtp.mail_dir,
                http_ports=self.ports.http,
            ),
            "KAFKA_CONTROLLER_PORT": str(self.ports.kafka_controller),
        }

    def up(self, *, prepare: bool = True, services: bool = False) -> dict[str, str]:
        """Start whatever is not running yet; returns what stack.env holds.

        prepare first checks (or installs) the tools and fetches the Kafka jars if needed;
        services also starts the service processes (tests start their own instead).
        """
        if prepare:
            ensure_prerequisites()
            ensure_kafka_jars(self.libs_dir)
        env = self.env()
        # Recorded before anything starts: a cluster initialised with these passwords must
        # find them again even if a later step of this start fails.
        write_env_file(self.env_file, env)
        self.postgres.start(self.secrets.role_passwords)
        self.kafka.start()
        self.smtp.start()
        if services:
            start_services(self.run_dir, env)
        return env

    def down(self, *, purge: bool = False) -> list[str]:
        """Stop everything this run folder started; returns the names of what was running."""
        stopped = [process.name for process in service_processes(self.run_dir) if process.stop()]
        stopped += [
            name
            for name, stop in (
                ("smtp", self.smtp.stop),
                ("kafka", self.kafka.stop),
                ("postgres", self.postgres.stop),
            )
            if stop()
        ]
        if purge:
            self.postgres.remove_relocated_home()
            shutil.rmtree(self.run_dir, ignore_errors=True)
        return stopped

    def status(self) -> list[ComponentStatus]:
        env = read_env_file(self.env_file)
        return [
            ComponentStatus("postgres", self.postgres.address, self.postgres.is_running()),
            ComponentStatus("kafka", self.kafka.bootstrap, self.kafka.is_running()),
            ComponentStatus("smtp", self.smtp.address, self.smtp.is_running()),
            *(
                ComponentStatus(p.name, env.get(SERVICE_URL_KEYS[p.name], "?"), p.is_running())
                for p in service_processes(self.run_dir)
            ),
        ]
