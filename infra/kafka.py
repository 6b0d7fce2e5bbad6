"""A single Apache Kafka 4 broker in KRaft combined mode, run from the cached jars."""

import asyncio
import base64
import time
import uuid
from pathlib import Path

from infra.commands import run_checked, tail
from infra.errors import InfraError
from infra.processes import LOOPBACK, running_pid, start_detached, stop_detached, wait_for_port
from shared.kafka_admin import ensure_topics

_LOG4J2_XML = """\
<?xml version="1.0" encoding="UTF-8"?>
<!-- XML because log4j-core 2.26 on its own does not read the properties format. -->
<Configuration status="warn">
  <Appenders>
    <File name="broker" fileName="${sys:kafka.logs.dir}/kafka.log">
      <PatternLayout pattern="[%d] %p %m (%c)%n"/>
    </File>
  </Appenders>
  <Loggers>
    <Logger name="state.change.logger" level="warn"/>
    <Logger name="org.apache.kafka.raft" level="warn"/>
    <Root level="info"><AppenderRef ref="broker"/></Root>
  </Loggers>
</Configuration>
"""


def new_cluster_id() -> str:
    """A random cluster id in Kafka's own form: URL-safe base64 of a UUID, no padding."""
    while True:
        candidate = base64.urlsafe_b64encode(uuid.uuid4().bytes).decode().rstrip("=")
        # The storage tool would read an id starting with "-" as an option and refuse to
        # format (1 start in 64); Kafka's own Uuid.randomUuid() draws again for the same reason.
        if not candidate.startswith("-"):
            return candidate


class KafkaBroker:
    def __init__(self, run_dir: Path, libs_dir: Path, port: int, controller_port: int) -> None:
        self.home = run_dir / "kafka"
        self.logs = run_dir / "logs"
        self.log = self.logs / "kafka.log"
        self.console = self.logs / "kafka.out"
        self.pid_file = run_dir / "pids" / "kafka.pid"
        self.libs_dir = libs_dir
        self.port = port
        self.controller_port = controller_port
        self.config = self.home / "server.properties"
        # Only a broker started with this run folder's config is ours to stop.
        self.marker = str(self.config)

    @property
    def bootstrap(self) -> str:
        return f"{LOOPBACK}:{self.port}"

    def _server_properties(self) -> str:
        controller = f"{LOOPBACK}:{self.controller_port}"
        settings = {
            "process.roles": "broker,controller",
            "node.id": "1",
            "controller.quorum.voters": f"1@{controller}",
            "listeners": f"PLAINTEXT://{self.bootstrap},CONTROLLER://{controller}",
            "advertised.listeners": f"PLAINTEXT://{self.bootstrap}",
            "controller.listener.names": "CONTROLLER",
            "listener.security.protocol.map": "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
            "log.dirs": str(self.home / "data"),
            # One broker: internal topics cannot have more than one replica.
            "offsets.topic.replication.factor": "1",
            "transaction.state.log.replication.factor": "1",
            "transaction.state.log.min.isr": "1",
            "share.coordinator.state.topic.replication.factor": "1",
            "share.coordinator.state.topic.min.isr": "1",
            # Tests start consumers and expect them to join at once.
            "group.initial.rebalance.delay.ms": "0",
            "num.partitions": "3",
            # Topics come from shared.topics with their settings, never from a typo.
            "auto.create.topics.enable": "false",
            # The cleaner looks for work every second instead of every 15 s, so a test that
            # shortens the contacts topic's compaction settings sees an erasure compacted
            # away in seconds. Checking costs nothing when there is nothing to clean.
            "log.cleaner.backoff.ms": "1000",
        }
        return "".join(f"{key}={value}\n" for key, value in settings.items())

    def _java(self, main_class: str, *args: str, heap: tuple[str, ...] = ()) -> list[str]:
        return [
            "java",
            *heap,
            f"-Dlog4j2.configurationFile={self.home / 'log4j2.xml'}",
            f"-Dkafka.logs.dir={self.logs}",
            "-cp",
            f"{self.libs_dir}/*",
            main_class,
            *args,
        ]

    def _prepare(self) -> None:
        self.home.mkdir(parents=True, exist_ok=True)
        self.logs.mkdir(parents=True, exist_ok=True)
        self.config.write_text(self._server_properties())
        (self.home / "log4j2.xml").write_text(_LOG4J2_XML)
        if not (self.home / "data" / "meta.properties").exists():
            format_storage = self._java(
                "kafka.tools.StorageTool", "format", "-t", new_cluster_id(), "-c", str(self.config)
            )
            run_checked(format_storage, what="formatting Kafka storage")

    def is_running(self) -> bool:
        return running_pid(self.pid_file, self.marker) is not None

    def start(self, timeout_s: float = 60.0) -> None:
        """Start if needed and create the public topics; harmless when already up."""
        started_here = not self.is_running()
        if started_here:
            self._prepare()
            command = self._java("kafka.Kafka", str(self.config), heap=("-Xms256m", "-Xmx512m"))
            start_detached(command, output=self.console, pid_file=self.pid_file)
        started = time.monotonic()
        try:
            wait_for_port(
                self.port,
                pid_file=self.pid_file,
                marker=self.marker,
                timeout_s=timeout_s,
                log=self.log,
                what="Kafka",
            )
            remaining = max(5.0, timeout_s - (time.monotonic() - started))
            asyncio.run(ensure_topics(self.bootstrap, timeout_s=remaining))
        except Exception as error:
            # A broker we just started and that is not usable must not linger.
            if started_here:
                self.stop()
            raise InfraError(
                f"Kafka did not come up on {self.bootstrap}: {error}\n"
                f"last lines of {self.log}:\n{tail(self.log)}\n"
                f"console output {self.console}:\n{tail(self.console, 15)}"
            ) from error

    def stop(self) -> bool:
        return stop_detached(self.pid_file, self.marker)
