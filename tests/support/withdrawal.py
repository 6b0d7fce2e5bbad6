"""What the withdrawal and erasure tests share: intake under test on a private edition,
its withdraw and erasure endpoints, and the events it publishes read back. (No tests here.)"""

import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from uuid import UUID

import httpx

from shared import topics
from shared.events.codec import make_event
from shared.events.contracts import GrantAccepted
from shared.events.envelope import CloudEvent
from tests.integration.test_intake_api import application
from tests.support.kafka import produce, read_to_end
from tests.support.processes import ServiceProcess, start_service
from tests.support.waiting import eventually

ADMIN_TOKEN = "withdrawal-tests-admin-token"


async def start_intake(stack_env: dict[str, str], editions: Path, logs: Path) -> ServiceProcess:
    intake = start_service(
        "services.intake",
        env={
            "KAFKA_BOOTSTRAP_SERVERS": stack_env["KAFKA_BOOTSTRAP_SERVERS"],
            "DATABASE_URL": stack_env["INTAKE_DATABASE_URL"],
            "RELAY_POLL_INTERVAL_S": "0.2",
            "RETRY_MAX_BACKOFF_S": "0.5",
            "ADMIN_TOKEN": ADMIN_TOKEN,
            "EDITIONS_DIR": str(editions),
        },
        log_dir=logs,
    )
    await intake.wait_ready()
    return intake


class Applied:
    """One application submitted through intake, with what its applicant holds."""

    def __init__(self, body: dict[str, Any], accepted: dict[str, Any], edition_id: str) -> None:
        self.body = body
        self.application_id = UUID(accepted["application_id"])
        self.token = accepted["status_token"]
        self.edition_id = edition_id

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}

    @property
    def path(self) -> str:
        return f"/v1/applications/{self.application_id}"


async def apply(url: str, edition_id: str, **changes: Any) -> Applied:
    body = application(language="en", **changes)
    async with httpx.AsyncClient(base_url=url, timeout=30) as client:
        response = await client.post(f"/v1/editions/{edition_id}/applications", json=body)
    assert response.status_code == 202, response.text
    return Applied(body, response.json(), edition_id)


async def call(url: str, applied: Applied, what: str, token: str | None = None) -> httpx.Response:
    """POST withdraw or erasure for the application, with its status token or `token`."""
    headers = {"Authorization": f"Bearer {token}"} if token else applied.headers
    async with httpx.AsyncClient(base_url=url, timeout=30) as client:
        return await client.post(f"{applied.path}/{what}", headers=headers)


async def status_of(url: str, applied: Applied) -> dict[str, Any]:
    async with httpx.AsyncClient(base_url=url, timeout=30) as client:
        response = await client.get(applied.path, headers=applied.headers)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def records_keyed(bootstrap: str, topic: str, key: str) -> list[Any]:
    return [r for r in await read_to_end(bootstrap, topic) if r.key == key.encode()]


async def withdrawn_events(bootstrap: str, applied: Applied) -> list[CloudEvent]:
    records = await records_keyed(bootstrap, topics.APPLICATIONS, str(applied.application_id))
    events = [CloudEvent.from_bytes(r.value) for r in records]
    return [e for e in events if e.type == "accelerator.application.withdrawn.v1"]


async def accept_package(stack_env: dict[str, str], intake_url: str, applied: Applied) -> datetime:
    """Grant's word that the applicant accepted; returns once intake shows it."""
    accepted = make_event(
        GrantAccepted(
            application_id=applied.application_id,
            edition_id=applied.edition_id,
            offer_id=uuid.uuid4(),
        ),
        service="grant",
        subject=str(applied.application_id),
        correlation_id=str(uuid.uuid4()),
        edition_id=applied.edition_id,
    )
    await produce(
        stack_env["KAFKA_BOOTSTRAP_SERVERS"],
        topics.GRANTS,
        [(accepted.subject, accepted.to_bytes())],
    )

    async def known() -> bool:
        steps = (await status_of(intake_url, applied))["timeline"]
        return "accepted" in [s["step"] for s in steps]

    await eventually(known, what="intake recorded the acceptance")
    return accepted.time.astimezone(UTC)
