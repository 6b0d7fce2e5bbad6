"""/readyz tells the truth: a service whose database or Kafka cannot be reached is not ready,
says which, and is ready again once it comes back. Real outages, on real processes: the
database behind a TCP link the test cuts, Kafka a broker of the test's own that it stops."""

import asyncio
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest

from infra.kafka import KafkaBroker
from infra.kafka_jars import KAFKA_LIBS
from infra.processes import free_ports
from tests.support.processes import ServiceProcess, start_service
from tests.support.tcp_proxy import TcpProxy

pytestmark = pytest.mark.integration

SERVICE = "scoring"


async def _readiness(service: ServiceProcess) -> tuple[int, dict[str, Any]]:
    async with httpx.AsyncClient(timeout=10) as http:
        response = await http.get(f"{service.url}/readyz")
    body: dict[str, Any] = response.json()
    return response.status_code, body


async def _until_readiness(
    service: ServiceProcess, status: int, timeout_s: float = 60.0
) -> dict[str, Any]:
    """The readiness body once /readyz answers `status`; fails with the last answer if never."""
    deadline = asyncio.get_running_loop().time() + timeout_s
    last: tuple[int, dict[str, Any]] | None = None
    while asyncio.get_running_loop().time() < deadline:
        last = await _readiness(service)
        if last[0] == status:
            return last[1]
        await asyncio.sleep(0.5)
    raise AssertionError(f"/readyz never answered {status} within {timeout_s}s; last: {last}")


@pytest.fixture
async def database_link(stack_env: dict[str, str]) -> AsyncIterator[TcpProxy]:
    target = urlsplit(stack_env[f"{SERVICE.upper()}_DATABASE_URL"])
    assert target.hostname is not None
    assert target.port is not None
    proxy = TcpProxy(target.hostname, target.port)
    await proxy.start()
    try:
        yield proxy
    finally:
        await proxy.cut()


@pytest.fixture
def own_kafka(tmp_path: Path) -> Iterator[KafkaBroker]:
    """A broker only this test uses, so stopping it disturbs no other test."""
    port, controller_port = free_ports(2)
    broker = KafkaBroker(tmp_path / "kafka-run", KAFKA_LIBS, port, controller_port)
    broker.start()
    try:
        yield broker
    finally:
        broker.stop()


async def test_readiness_follows_the_database_going_away_and_coming_back(
    stack_env: dict[str, str], database_link: TcpProxy, tmp_path: Path
) -> None:
    env = {
        "KAFKA_BOOTSTRAP_SERVERS": stack_env["KAFKA_BOOTSTRAP_SERVERS"],
        "DATABASE_URL": database_link.address_in(stack_env[f"{SERVICE.upper()}_DATABASE_URL"]),
    }
    service = start_service(f"services.{SERVICE}", env=env, log_dir=tmp_path)
    try:
        await service.wait_ready()

        await database_link.cut()
        down = await _until_readiness(service, 503)
        assert down["ready"] is False
        assert down["checks"]["database"] is False
        assert down["checks"]["kafka"] is True
        assert "database" in down["failing"]

        await database_link.restore()
        back = await _until_readiness(service, 200)
        assert back["checks"]["database"] is True
    finally:
        # In a thread: the database link lives on this event loop, and shutting down uses it.
        await asyncio.to_thread(service.terminate)


async def test_readiness_follows_kafka_going_away_and_coming_back(
    stack_env: dict[str, str], own_kafka: KafkaBroker, tmp_path: Path
) -> None:
    env = {
        "KAFKA_BOOTSTRAP_SERVERS": own_kafka.bootstrap,
        "DATABASE_URL": stack_env[f"{SERVICE.upper()}_DATABASE_URL"],
    }
    service = start_service(f"services.{SERVICE}", env=env, log_dir=tmp_path)
    try:
        await service.wait_ready()

        await asyncio.to_thread(own_kafka.stop)
        down = await _until_readiness(service, 503)
        assert down["checks"]["kafka"] is False
        assert down["checks"]["database"] is True
        assert "kafka" in down["failing"]

        await asyncio.to_thread(own_kafka.start)
        back = await _until_readiness(service, 200, timeout_s=90.0)
        assert back["checks"]["kafka"] is True
    finally:
        service.terminate()
