"""Intake refuses what it must: a client above its rate (429), and applications outside an
edition's window or after grant closed it (409)."""

import asyncio
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import pytest

from shared.editions import DEFAULT_EDITIONS_DIR
from shared.events.codec import make_event
from shared.events.contracts import EditionClosed
from tests.integration.test_intake_admin import as_csv, row
from tests.support.kafka import produce
from tests.support.processes import ServiceProcess, start_service

pytestmark = pytest.mark.integration

DEMO = DEFAULT_EDITIONS_DIR / "athlete365-4.toml"
EARLY_CLOSE = f"intake-early-close-{uuid.uuid4().hex[:8]}"


def _edition_file(directory: Path, edition_id: str, opens: str, closes: str) -> None:
    text = DEMO.read_text()
    text = text.replace('id = "athlete365-4"', f'id = "{edition_id}"')
    text = text.replace("opens_at = 2026-09-01T00:00:00Z", f"opens_at = {opens}")
    text = text.replace("closes_at = 2027-08-31T23:59:59Z", f"closes_at = {closes}")
    (directory / f"{edition_id}.toml").write_text(text)


@pytest.fixture(scope="module")
async def strict_intake(
    stack_env: dict[str, str], tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[ServiceProcess]:
    """An intake with a low rate limit and editions whose windows are past, future and open."""
    editions = tmp_path_factory.mktemp("editions")
    _edition_file(editions, "intake-past", "2024-01-01T00:00:00Z", "2025-01-01T00:00:00Z")
    _edition_file(editions, "intake-future", "2090-01-01T00:00:00Z", "2091-01-01T00:00:00Z")
    _edition_file(editions, "intake-open", "2020-01-01T00:00:00Z", "2090-01-01T00:00:00Z")
    _edition_file(editions, EARLY_CLOSE, "2020-01-01T00:00:00Z", "2090-01-01T00:00:00Z")
    env = {
        "KAFKA_BOOTSTRAP_SERVERS": stack_env["KAFKA_BOOTSTRAP_SERVERS"],
        "DATABASE_URL": stack_env["INTAKE_DATABASE_URL"],
        "EDITIONS_DIR": str(editions),
        "SUBMISSION_RATE_PER_MINUTE": "1",
        "SUBMISSION_BURST": "3",
        "ADMIN_TOKEN": "limits-admin-test",
    }
    process = start_service("services.intake", env=env, log_dir=tmp_path_factory.mktemp("logs"))
    try:
        await process.wait_ready()
        yield process
    finally:
        process.terminate()


def application() -> dict[str, Any]:
    tag = uuid.uuid4().hex[:10].upper()
    return {
        "athlete_id": f"A365-{tag}",
        "full_name": "Limit Tester",
        "email": f"limit.{tag}@example.org",
        "country": "JAM",
        "sport": "Athletics",
        "athlete_status": "current_olympian",
        "business": {"name": "Sprint", "sector": "apparel", "stage": "idea", "pitch": "Kit."},
        "consent": {"data_processing": True},
    }


async def submit(url: str, edition_id: str, *, client_ip: str) -> httpx.Response:
    """As a client at client_ip: uvicorn trusts X-Forwarded-For from the loopback proxy."""
    async with httpx.AsyncClient(base_url=url, timeout=30) as client:
        return await client.post(
            f"/v1/editions/{edition_id}/applications",
            json=application(),
            headers={"X-Forwarded-For": client_ip},
        )


async def test_a_client_above_its_rate_gets_429_and_others_do_not(
    strict_intake: ServiceProcess,
) -> None:
    url = strict_intake.url
    burst = [await submit(url, "intake-open", client_ip="10.9.0.1") for _ in range(3)]
    over = await submit(url, "intake-open", client_ip="10.9.0.1")
    other = await submit(url, "intake-open", client_ip="10.9.0.2")
    assert [r.status_code for r in burst] == [202, 202, 202]
    assert over.status_code == 429
    assert int(over.headers["Retry-After"]) >= 1
    assert other.status_code == 202


async def test_outside_the_window_an_application_is_409_saying_when(
    strict_intake: ServiceProcess,
) -> None:
    past = await submit(strict_intake.url, "intake-past", client_ip="10.9.1.1")
    future = await submit(strict_intake.url, "intake-future", client_ip="10.9.1.2")
    assert past.status_code == future.status_code == 409
    assert past.json()["detail"] == (
        "edition intake-past closed for applications on 2025-01-01 00:00 UTC"
    )
    assert "opens for applications on 2090-01-01" in future.json()["detail"]


async def test_an_edition_closed_by_grant_takes_no_more_applications(
    strict_intake: ServiceProcess, stack_env: dict[str, str], admin_db: asyncpg.Connection
) -> None:
    url = strict_intake.url
    assert (await submit(url, EARLY_CLOSE, client_ip="10.9.2.1")).status_code == 202
    closed = make_event(
        EditionClosed(edition_id=EARLY_CLOSE, closed_at=datetime(2026, 11, 1, 12, tzinfo=UTC)),
        service="grant",
        subject=EARLY_CLOSE,
        correlation_id=str(uuid.uuid4()),
        edition_id=EARLY_CLOSE,
    )
    await produce(
        stack_env["KAFKA_BOOTSTRAP_SERVERS"],
        "accelerator.editions",
        [(EARLY_CLOSE, closed.to_bytes())],
    )
    for attempt in range(60):
        response = await submit(url, EARLY_CLOSE, client_ip=f"10.9.3.{attempt}")
        if response.status_code != 202:
            break
        await asyncio.sleep(0.5)
    assert response.status_code == 409
    closed_message = (
        f"edition {EARLY_CLOSE} was closed on 2026-11-01 12:00 UTC and takes no more applications"
    )
    assert response.json()["detail"] == closed_message

    rows = [row() for _ in range(3)]
    async with httpx.AsyncClient(base_url=url, timeout=30) as client:
        imported = await client.post(
            f"/v1/editions/{EARLY_CLOSE}/applications:import",
            content=as_csv(rows).encode(),
            headers={"Authorization": "Bearer limits-admin-test"},
        )
    assert imported.status_code == 409
    assert imported.json()["detail"] == closed_message
    stored = await admin_db.fetchval(
        "SELECT count(*) FROM intake.applications WHERE athlete_id = ANY($1::text[])",
        [r["athlete_id"] for r in rows],
    )
    assert stored == 0


async def test_the_form_shares_the_apis_limits_and_says_so_in_the_readers_language(
    strict_intake: ServiceProcess,
) -> None:
    url, client = strict_intake.url, {"X-Forwarded-For": "10.9.4.1"}
    for _ in range(3):
        assert (await submit(url, "intake-open", client_ip="10.9.4.1")).status_code == 202
    async with httpx.AsyncClient(base_url=url, timeout=30) as http:
        # The form draws on the same bucket as the API for this client.
        over = await http.post(
            "/apply/intake-open", params={"lang": "fr"}, data={"sport": "x"}, headers=client
        )
        past = await http.get("/apply/intake-past", headers={"Accept-Language": "de"})
        oversized = await http.post(
            "/apply/intake-open",
            data={"business.pitch": "x" * 70_000},
            headers={"X-Forwarded-For": "10.9.4.2"},
        )
    assert over.status_code == 429
    assert int(over.headers["Retry-After"]) >= 1
    assert "Trop de candidatures" in over.text
    assert past.status_code == 409
    assert "Die Bewerbungsfrist ist vorbei" in past.text
    assert "1. Januar 2024" in past.text
    assert oversized.status_code == 413
