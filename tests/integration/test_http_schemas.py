"""Each service's OpenAPI document says what its API enforces: schemathesis generates
requests from it, valid and invalid, against the running service. A valid request never
meets a server error, and a request the schema rules out is refused (4xx), never accepted."""

import asyncio
import subprocess
import sys
import tomllib
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest

from shared import topics
from shared.editions import DEFAULT_EDITIONS_DIR
from shared.events.codec import make_event
from shared.events.contracts import ApplicationReceived, ApplicationScreened
from tests.support.grant import (
    ADMIN,
    ADMIN_TOKEN,
    Applicant,
    grant_env,
    post,
    publish_applicants,
    start_grant,
    wait_consumed,
    write_edition,
)
from tests.support.intake import running_intake
from tests.support.kafka import produce
from tests.support.notification import start_notification
from tests.support.processes import start_service

pytestmark = [pytest.mark.integration, pytest.mark.timeout(400)]

SCHEMATHESIS = Path(sys.executable).with_name("schemathesis")
CHECKS = "not_a_server_error,negative_data_rejection"


async def _schemathesis(
    url: str, config: Path, parameters: dict[str, str], *, checks: str = CHECKS
) -> None:
    run = await asyncio.to_thread(_run_schemathesis, url, config, parameters, checks)
    assert run.returncode == 0, f"schemathesis found problems:\n{run.stdout[-6000:]}{run.stderr}"


def _run_schemathesis(
    url: str, config: Path, parameters: dict[str, str], checks: str
) -> subprocess.CompletedProcess[str]:
    """Stateless phases, bounded in examples and time, with a fixed seed to be reproducible."""
    lines = [f'headers = {{ Authorization = "Bearer {ADMIN_TOKEN}" }}', "[parameters]"]
    lines += [f'{name} = "{value}"' for name, value in parameters.items()]
    config.write_text("\n".join(lines) + "\n")
    command = [
        str(SCHEMATHESIS),
        "--config-file",
        str(config),
        "run",
        f"{url}/openapi.json",
        "--checks",
        checks,
        "--phases",
        "examples,coverage,fuzzing",
        "--max-examples",
        "25",
        "--max-time",
        "25",
        "--seed",
        "20261201",
        "--no-color",
    ]
    # Run where the config is: schemathesis keeps a cache of the failures it found in its
    # working directory and replays them, so a run in the tree would depend on the last one.
    return subprocess.run(
        command, capture_output=True, text=True, timeout=300, check=False, cwd=config.parent
    )


async def test_grants_schema_says_what_its_api_enforces(
    stack_env: dict[str, str], tmp_path: Path
) -> None:
    editions = tmp_path / "editions"
    edition_id = write_edition(editions, capacity=1, country_cap=None)
    await publish_applicants(
        stack_env["KAFKA_BOOTSTRAP_SERVERS"], edition_id, [Applicant("FRA", 80)]
    )
    grant = await start_grant(grant_env(stack_env, editions), tmp_path)
    try:
        await wait_consumed(grant.url, edition_id, scored=1)
        assert (await post(grant.url, f"/v1/editions/{edition_id}/close", headers=ADMIN)).is_success
        await _schemathesis(grant.url, tmp_path / "grant.toml", {"edition_id": edition_id})
    finally:
        grant.terminate()


async def test_scorings_schema_says_what_its_api_enforces(
    stack_env: dict[str, str], tmp_path: Path
) -> None:
    editions = tmp_path / "editions"
    edition_id = write_edition(editions)
    application_id = uuid.uuid4()
    received = ApplicationReceived(
        application_id=application_id,
        edition_id=edition_id,
        applicant_id="A365-schemas",
        country="FRA",
        sport="Judo",
        athlete_status="former_olympian",
        career_end_year=2021,
        submitted_at=datetime(2027, 1, 1, tzinfo=UTC),
    )
    screened = ApplicationScreened(application_id=application_id, eligible=True, reasons=[])
    await produce(
        stack_env["KAFKA_BOOTSTRAP_SERVERS"],
        topics.APPLICATIONS,
        [
            (
                str(application_id),
                make_event(
                    payload,
                    service="intake",
                    subject=str(application_id),
                    correlation_id="schemas",
                    edition_id=edition_id,
                ).to_bytes(),
            )
            for payload in (received, screened)
        ],
    )
    env = {
        "KAFKA_BOOTSTRAP_SERVERS": stack_env["KAFKA_BOOTSTRAP_SERVERS"],
        "DATABASE_URL": stack_env["SCORING_DATABASE_URL"],
        "EDITIONS_DIR": str(editions),
        "ADMIN_TOKEN": ADMIN_TOKEN,
    }
    scoring = start_service("services.scoring", env=env, log_dir=tmp_path)
    try:
        await scoring.wait_ready()
        parameters = {
            "application_id": str(application_id),
            "edition_id": edition_id,
            "reviewer_id": "reviewer-1",
        }
        await _schemathesis(scoring.url, tmp_path / "scoring.toml", parameters)
    finally:
        scoring.terminate()


async def test_notifications_schema_says_what_its_api_enforces(
    stack_env: dict[str, str], tmp_path: Path
) -> None:
    notification = start_notification(stack_env, tmp_path, ADMIN_TOKEN=ADMIN_TOKEN)
    try:
        await notification.wait_ready()
        await _schemathesis(
            notification.url, tmp_path / "notification.toml", {"notification_id": str(uuid.uuid4())}
        )
    finally:
        notification.terminate()


def _open_intake_edition(directory: Path) -> tuple[str, str]:
    """A copy of the demo edition with a fresh id, open from yesterday for a month; its id and
    its first training module."""
    edition_id = f"intake-schemas-{uuid.uuid4().hex[:10]}"
    now = datetime.now(UTC).replace(microsecond=0)
    text = (DEFAULT_EDITIONS_DIR / "athlete365-4.toml").read_text()
    replacements = {
        'id = "athlete365-4"': f'id = "{edition_id}"',
        "opens_at = 2026-09-01T00:00:00Z": f"opens_at = {(now - timedelta(days=1)).isoformat()}",
        "closes_at = 2027-08-31T23:59:59Z": f"closes_at = {(now + timedelta(days=30)).isoformat()}",
    }
    for old, new in replacements.items():
        assert old in text, old
        text = text.replace(old, new)
    directory.mkdir(parents=True, exist_ok=True)
    (directory / f"{edition_id}.toml").write_text(text)
    return edition_id, tomllib.loads(text)["training"]["modules"][0]


async def test_intakes_schema_says_what_its_api_enforces(
    stack_env: dict[str, str], tmp_path: Path
) -> None:
    editions = tmp_path / "editions"
    edition_id, module = _open_intake_edition(editions)
    # running_intake lifts the per-client limit: schemathesis submits far faster than a person.
    async with running_intake(
        stack_env,
        tmp_path,
        ADMIN_TOKEN=ADMIN_TOKEN,
        EDITIONS_DIR=str(editions),
    ) as intake:
        # An enrolled application for the routes about one application.
        async with httpx.AsyncClient(base_url=intake.url, timeout=30) as client:
            accepted = await client.post(
                f"/v1/editions/{edition_id}/applications",
                json={
                    "athlete_id": f"A365-{uuid.uuid4().hex[:10]}",
                    "full_name": "Schema Athlete",
                    "email": f"schemas.{uuid.uuid4().hex[:10]}@example.org",
                    "country": "FRA",
                    "sport": "Judo",
                    "athlete_status": "current_olympian",
                    "business": {
                        "name": "Tatami Works",
                        "sector": "equipment",
                        "stage": "idea",
                        "pitch": "Mats for clubs.",
                    },
                    "consent": {"data_processing": True},
                },
            )
        assert accepted.status_code == 202, accepted.text
        parameters = {
            "edition_id": edition_id,
            "application_id": accepted.json()["application_id"],
            "module": module,
        }
        # Every answer intake gives is documented too, so its statuses are checked as well.
        await _schemathesis(
            intake.url,
            tmp_path / "intake.toml",
            parameters,
            checks=f"{CHECKS},status_code_conformance",
        )
