"""A thousand and more applications over HTTP, mixed valid, invalid, duplicate and ineligible:
exactly the valid ones are stored, exactly the eligible ones enrolled and scored, each announced
once and in order, and every rejection carries the right status and field."""

import asyncio
import uuid
from collections import defaultdict
from collections.abc import AsyncIterator
from typing import Any

import asyncpg
import httpx
import pytest

from shared.events.envelope import CloudEvent
from tests.support.intake import running_intake
from tests.support.kafka import read_to_end
from tests.support.processes import ServiceProcess, running_service

pytestmark = pytest.mark.integration

# Each spoiled form and the field its 422 must name.
SPOILED: list[tuple[dict[str, Any], str]] = [
    ({"country": "XYZ"}, "country"),
    ({"consent": {"data_processing": False}}, "consent.data_processing"),
    ({"career_end_year": None}, "career_end_year"),
    ({"nickname": "Ace"}, "nickname"),
    ({"language": 42}, "language"),
]


@pytest.fixture(scope="module")
async def intake(
    stack_env: dict[str, str], tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[ServiceProcess]:
    async with running_intake(
        stack_env,
        tmp_path_factory.mktemp("intake"),
    ) as process:
        yield process


@pytest.fixture(scope="module")
async def scoring(
    stack_env: dict[str, str], tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[ServiceProcess]:
    async with running_service("scoring", stack_env, tmp_path_factory.mktemp("scoring")) as process:
        yield process


def form(run: str, n: int, **changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "athlete_id": f"V{run}-{n:05d}",
        "full_name": f"Volume Athlete {n}",
        "email": f"volume.{run}.{n}@example.org",
        "language": ("en", "fr", "de")[n % 3],
        "country": ("KEN", "BRA", "JPN", "NZL")[n % 4],
        "sport": "Swimming",
        "athlete_status": "former_paralympian",
        "career_end_year": 2019,
        "business": {
            "name": f"Lane {n}",
            "sector": "apparel",
            "stage": "revenue",
            "pitch": "Swimwear sourced sustainably and sold to clubs worldwide.",
            "sourcing_needs": ["textiles"],
            "target_markets": ["USA", "GBR"],
        },
        "consent": {"data_processing": True, "marketing": False},
    }
    return body | changes


async def post_all(url: str, bodies: list[dict[str, Any]]) -> list[httpx.Response]:
    limits = httpx.Limits(max_connections=20)
    async with httpx.AsyncClient(base_url=url, timeout=60, limits=limits) as client:
        return list(
            await asyncio.gather(
                *(client.post("/v1/editions/athlete365-4/applications", json=b) for b in bodies)
            )
        )


async def keyed_types(bootstrap: str, topic: str, keys: set[str]) -> dict[str, list[str]]:
    """Event types per key, in log order, for the given keys only."""
    found: dict[str, list[str]] = defaultdict(list)
    for record in await read_to_end(bootstrap, topic):
        key = record.key.decode()
        if key in keys:
            found[key].append(CloudEvent.from_bytes(record.value).type)
    return found


async def test_a_mixed_thousand_is_stored_enrolled_scored_and_announced_exactly_once(
    intake: ServiceProcess,
    scoring: ServiceProcess,
    stack_env: dict[str, str],
    admin_db: asyncpg.Connection,
) -> None:
    run = uuid.uuid4().hex[:8].upper()
    valid = [form(run, n) for n in range(900)]
    ineligible = [form(run, n, career_end_year=2001) for n in range(900, 980)]
    invalid = [form(run, n, **SPOILED[n % 5][0]) for n in range(980, 1030)]
    by_id = [form(run, n, athlete_id=valid[n % 900]["athlete_id"]) for n in range(1030, 1050)]
    by_mail = [form(run, n, email=valid[n % 900]["email"].upper()) for n in range(1050, 1070)]

    first = await post_all(intake.url, valid + ineligible + invalid)
    again = await post_all(intake.url, by_id + by_mail)

    assert [r.status_code for r in first[:980]] == [202] * 980
    for n, response in zip(range(980, 1030), first[980:], strict=True):
        assert response.status_code == 422
        assert [p["field"] for p in response.json()["detail"]] == [SPOILED[n % 5][1]]
    assert [r.status_code for r in again] == [409] * 40
    assert all("already exists in edition athlete365-4" in r.json()["detail"] for r in again)

    athletes = [b["athlete_id"] for b in valid + ineligible]
    stored = await admin_db.fetch(
        "SELECT athlete_id, full_name, eligible FROM intake.applications WHERE athlete_id LIKE $1",
        f"V{run}-%",
    )
    assert sorted(r["athlete_id"] for r in stored) == sorted(athletes)
    assert {r["full_name"] for r in stored} == {b["full_name"] for b in valid + ineligible}
    assert sum(r["eligible"] for r in stored) == 900

    accepted = {r.json()["application_id"]: n for n, r in enumerate(first[:980])}
    kafka = stack_env["KAFKA_BOOTSTRAP_SERVERS"]
    for _ in range(120):
        training = await keyed_types(kafka, "accelerator.training", set(accepted))
        if len(training) >= 900:
            break
        await asyncio.sleep(0.5)
    applications = await keyed_types(kafka, "accelerator.applications", set(accepted))
    contacts = await keyed_types(kafka, "accelerator.contacts", set(athletes))

    received_then_screened = [
        "accelerator.application.received.v1",
        "accelerator.application.screened.v1",
    ]
    assert all(applications[a] == received_then_screened for a in accepted)
    enrolled = {a for a, types in training.items() if types == ["accelerator.training.enrolled.v1"]}
    assert enrolled == {a for a, n in accepted.items() if n < 900}
    assert set(training) == enrolled
    assert all(contacts[a] == ["accelerator.contact.updated.v1"] for a in athletes)

    # Scoring, a separate service, scores exactly the eligible ones, once each.
    eligible = {a for a, n in accepted.items() if n < 900}
    for _ in range(120):
        scores = await keyed_types(kafka, "accelerator.scores", set(accepted))
        if len(scores) >= len(eligible):
            break
        await asyncio.sleep(0.5)
    await asyncio.sleep(1)  # a second score would show up here
    scores = await keyed_types(kafka, "accelerator.scores", set(accepted))
    assert set(scores) == eligible
    assert all(types == ["accelerator.application.scored.v1"] for types in scores.values())
