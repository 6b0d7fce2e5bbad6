"""Every service starts as a real process, migrates its own schema and answers its probes."""

import signal
from pathlib import Path

import asyncpg
import httpx
import pytest

from tests.support.processes import ServiceProcess, start_service

pytestmark = pytest.mark.integration

SERVICES = ("intake", "scoring", "grant", "notification")


async def test_each_service_is_live_ready_and_exports_metrics(
    stack_env: dict[str, str], admin_db: asyncpg.Connection, tmp_path: Path
) -> None:
    processes: list[ServiceProcess] = []
    try:
        for service in SERVICES:
            processes.append(
                start_service(
                    f"services.{service}",
                    env={
                        "KAFKA_BOOTSTRAP_SERVERS": stack_env["KAFKA_BOOTSTRAP_SERVERS"],
                        "DATABASE_URL": stack_env[f"{service.upper()}_DATABASE_URL"],
                    },
                    log_dir=tmp_path,
                )
            )
        http = httpx.AsyncClient(timeout=5)
        for service, process in zip(SERVICES, processes, strict=True):
            await process.wait_ready()
            health = (await http.get(f"{process.url}/healthz")).json()
            assert health == {"status": "ok", "service": service}
            ready = (await http.get(f"{process.url}/readyz")).json()
            assert ready["ready"] is True
            assert ready["checks"] == {
                "database": True,
                "kafka": True,
                "outbox_relay": True,
                "consumers": True,
            }
            metrics = (await http.get(f"{process.url}/metrics")).text
            assert "accelerator_outbox_backlog" in metrics

            tables = {
                r["table_name"]
                for r in await admin_db.fetch(
                    "SELECT table_name FROM information_schema.tables WHERE table_schema = $1",
                    service,
                )
            }
            assert {"outbox", "inbox", "schema_migrations"} <= tables
        await http.aclose()
        for process in processes:
            assert process.terminate() in (0, -signal.SIGTERM), process.log_text()[-2000:]
            assert '"service stopped"' in process.log_text()
    finally:
        for process in processes:
            process.kill()
