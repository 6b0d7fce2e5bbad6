"""Kafka and PostgreSQL in containers for hosts with a Docker engine; mail stays local.

Gives the same variables as the local stack. testcontainers' own KafkaContainer drives
the Confluent image's start scripts, so the official apache/kafka image is configured
here through its KAFKA_* variables instead, on a fixed host port it can advertise.
"""

import asyncio
import contextlib
from collections.abc import Iterator
from pathlib import Path

from testcontainers.community.postgres import PostgresContainer
from testcontainers.core.container import DockerContainer
from testcontainers.core.wait_strategies import LogMessageWaitStrategy

from infra.processes import free_ports
from infra.provision import ADMIN_USER, PgServer, provision
from infra.smtp import SmtpSink
from infra.stack_env import HTTP_URL_KEYS, StackSecrets, stack_env
from shared.kafka_admin import ensure_topics

KAFKA_IMAGE = "apache/kafka:4.4.0"
POSTGRES_IMAGE = "postgres:15"


def _kafka_container(host: str, host_port: int) -> DockerContainer:
    settings = {
        "KAFKA_NODE_ID": "1",
        "KAFKA_PROCESS_ROLES": "broker,controller",
        "KAFKA_CONTROLLER_QUORUM_VOTERS": "1@localhost:9093",
        "KAFKA_LISTENERS": "PLAINTEXT://0.0.0.0:9092,CONTROLLER://0.0.0.0:9093",
        # Clients outside the container must be sent back to the host port, not to 9092.
        "KAFKA_ADVERTISED_LISTENERS": f"PLAINTEXT://{host}:{host_port}",
        "KAFKA_CONTROLLER_LISTENER_NAMES": "CONTROLLER",
        "KAFKA_LISTENER_SECURITY_PROTOCOL_MAP": "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
        "KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR": "1",
        "KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR": "1",
        "KAFKA_TRANSACTION_STATE_LOG_MIN_ISR": "1",
        "KAFKA_SHARE_COORDINATOR_STATE_TOPIC_REPLICATION_FACTOR": "1",
        "KAFKA_SHARE_COORDINATOR_STATE_TOPIC_MIN_ISR": "1",
        "KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS": "0",
        "KAFKA_NUM_PARTITIONS": "3",
        "KAFKA_AUTO_CREATE_TOPICS_ENABLE": "false",
        # As infra/kafka.py: erasure tests see compaction within seconds.
        "KAFKA_LOG_CLEANER_BACKOFF_MS": "1000",
    }
    container = DockerContainer(KAFKA_IMAGE).with_envs(**settings)
    return container.with_bind_ports(9092, host_port).waiting_for(
        LogMessageWaitStrategy("Kafka Server started")
    )


@contextlib.contextmanager
def container_stack(run_dir: Path) -> Iterator[dict[str, str]]:
    """Start the containers and a local SMTP sink; yields the stack.env variables."""
    credentials = StackSecrets.reuse_or_create({})
    kafka_port, smtp_port, *http_ports = free_ports(2 + len(HTTP_URL_KEYS))
    smtp = SmtpSink(run_dir.resolve(), smtp_port)
    postgres = PostgresContainer(
        POSTGRES_IMAGE, username=ADMIN_USER, password=credentials.admin_password, dbname="postgres"
    )
    with contextlib.ExitStack() as cleanup:
        cleanup.enter_context(postgres)
        kafka_host = postgres.get_docker_client().host()
        kafka = cleanup.enter_context(_kafka_container(kafka_host, kafka_port))
        bootstrap = f"{kafka.get_container_host_ip()}:{kafka_port}"
        server = PgServer(
            host=postgres.get_container_host_ip(),
            port=int(postgres.get_exposed_port(5432)),
            admin_user=ADMIN_USER,
            admin_password=credentials.admin_password,
        )
        asyncio.run(provision(server, credentials.role_passwords))
        asyncio.run(ensure_topics(bootstrap))
        cleanup.callback(smtp.stop)
        smtp.start()
        yield stack_env(
            kafka_bootstrap=bootstrap,
            server=server,
            credentials=credentials,
            smtp_port=smtp_port,
            mail_dir=smtp.mail_dir,
            http_ports=dict(zip(HTTP_URL_KEYS, http_ports, strict=True)),
        )
