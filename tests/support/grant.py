"""What the grant tests share: a private edition per test, real events in, grant processes
under test, and the grant events read back from Kafka. (No tests here.)"""

import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from uuid import UUID

import asyncpg
import httpx

from shared import topics
from shared.editions import DEFAULT_EDITIONS_DIR
from shared.events.codec import make_event
from shared.events.contracts import (
    ApplicationReceived,
    ApplicationScored,
    ApplicationScreened,
    ApplicationWithdrawn,
    EventPayload,
)
from shared.events.envelope import CloudEvent
from shared.offer_links import sign
from tests.support.kafka import produce, read_to_end
from tests.support.processes import ServiceProcess, start_service
from tests.support.waiting import eventually

ADMIN_TOKEN = "grant-tests-admin-token"
SIGNING_KEY = "grant-tests-offer-signing-key"
ADMIN = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
T0 = datetime(2027, 3, 1, tzinfo=UTC)


def write_edition(
    directory: Path, *, capacity: int = 5, country_cap: int | None = 2, days: int = 14
) -> str:
    """A copy of the demo edition with a fresh id, so each test has an edition of its own."""
    edition_id = f"grant-test-{uuid.uuid4().hex[:10]}"
    text = (DEFAULT_EDITIONS_DIR / "athlete365-4.toml").read_text()
    replacements = {
        'id = "athlete365-4"': f'id = "{edition_id}"',
        "grant_capacity = 50": f"grant_capacity = {capacity}",
        "offer_acceptance_days = 14": f"offer_acceptance_days = {days}",
        "max_grants_per_country = 4": f"max_grants_per_country = {country_cap}"
        if country_cap
        else "",
    }
    for old, new in replacements.items():
        assert old in text, old
        text = text.replace(old, new)
    directory.mkdir(parents=True, exist_ok=True)
    (directory / f"{edition_id}.toml").write_text(text)
    return edition_id


def grant_env(stack_env: dict[str, str], editions_dir: Path, **extra: str) -> dict[str, str]:
    return {
        "KAFKA_BOOTSTRAP_SERVERS": stack_env["KAFKA_BOOTSTRAP_SERVERS"],
        "DATABASE_URL": stack_env["GRANT_DATABASE_URL"],
        "EDITIONS_DIR": str(editions_dir),
        "ADMIN_TOKEN": ADMIN_TOKEN,
        "OFFER_SIGNING_KEY": SIGNING_KEY,
        "RELAY_POLL_INTERVAL_S": "0.2",
        "RETRY_MAX_BACKOFF_S": "0.5",
        "OFFER_EXPIRY_INTERVAL_S": "0.5",
        **extra,
    }


async def start_grant(env: dict[str, str], logs: Path, name: str = "grant") -> ServiceProcess:
    grant = start_service("services.grant", env=env, log_dir=logs, name=name)
    await grant.wait_ready()
    return grant


@dataclass(frozen=True)
class Applicant:
    country: str
    total: float | None  # None: never scored
    minutes: int = 0  # submitted this long after T0
    eligible: bool = True
    withdrawn: bool = False
    application_id: UUID = field(default_factory=uuid.uuid4)

    @property
    def submitted_at(self) -> datetime:
        return T0 + timedelta(minutes=self.minutes)


def _event(payload: EventPayload, subject: UUID, edition_id: str, service: str) -> CloudEvent:
    return make_event(
        payload,
        service=service,
        subject=str(subject),
        correlation_id=str(uuid.uuid4()),
        edition_id=edition_id,
    )


async def publish_applicants(
    bootstrap: str, edition_id: str, applicants: Sequence[Applicant], *, scores_first: bool = False
) -> None:
    """Received, screened (and withdrawn) on their topic; scores on theirs."""
    applications: list[tuple[str, bytes]] = []
    scores: list[tuple[str, bytes]] = []
    for a in applicants:
        key = str(a.application_id)
        payloads: list[EventPayload] = [
            ApplicationReceived(
                application_id=a.application_id,
                edition_id=edition_id,
                applicant_id=f"A365-{a.application_id.hex[:8]}",
                country=a.country,
                sport="Judo",
                athlete_status="former_olympian",
                career_end_year=2021,
                submitted_at=a.submitted_at,
            ),
            ApplicationScreened(
                application_id=a.application_id,
                eligible=a.eligible,
                reasons=[] if a.eligible else ["no_consent"],
            ),
        ]
        if a.withdrawn:
            payloads.append(ApplicationWithdrawn(application_id=a.application_id))
        applications += [
            (key, _event(p, a.application_id, edition_id, "intake").to_bytes()) for p in payloads
        ]
        if a.total is not None:
            scored = ApplicationScored(
                application_id=a.application_id, total=a.total, breakdown={}, rubric_version=1
            )
            scores.append((key, _event(scored, a.application_id, edition_id, "scoring").to_bytes()))
    if scores_first:
        await produce(bootstrap, topics.SCORES, scores)
    await produce(bootstrap, topics.APPLICATIONS, applications)
    if not scores_first:
        await produce(bootstrap, topics.SCORES, scores)


async def publish_withdrawals(
    bootstrap: str, edition_id: str, applicants: Sequence[Applicant]
) -> None:
    await produce(
        bootstrap,
        topics.APPLICATIONS,
        [
            (
                str(a.application_id),
                _event(
                    ApplicationWithdrawn(application_id=a.application_id),
                    a.application_id,
                    edition_id,
                    "intake",
                ).to_bytes(),
            )
            for a in applicants
        ],
    )


async def standings(url: str, edition_id: str) -> dict[str, Any]:
    async with httpx.AsyncClient(timeout=30) as client:
        response = await client.get(f"{url}/v1/editions/{edition_id}/standings", headers=ADMIN)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def wait_consumed(url: str, edition_id: str, *, scored: int, withdrawn: int = 0) -> None:
    """Grant has stored every score (and withdrawal) of the edition: safe to close."""

    async def caught_up() -> bool:
        counts = (await standings(url, edition_id))["applications"]
        return bool(counts["scored"] >= scored and counts["withdrawn"] >= withdrawn)

    await eventually(caught_up, what="grant consumed the edition's events")


async def post(url: str, path: str, **kwargs: Any) -> httpx.Response:
    async with httpx.AsyncClient(timeout=30) as client:
        return await client.post(f"{url}{path}", **kwargs)


async def grant_events(bootstrap: str, edition_id: str) -> list[CloudEvent]:
    """The edition's grant and edition events on Kafka, each event once."""
    seen: dict[UUID, CloudEvent] = {}
    for topic in (topics.EDITIONS, topics.GRANTS):
        for record in await read_to_end(bootstrap, topic):
            event = CloudEvent.from_bytes(record.value)
            if event.editionid == edition_id:
                seen.setdefault(event.id, event)
    return list(seen.values())


def of_type(events: Sequence[CloudEvent], kind: str) -> list[CloudEvent]:
    """Events of one kind, in rank order where they carry one (Kafka orders per key only)."""
    chosen = [e for e in events if e.type == f"accelerator.{kind}.v1"]
    return sorted(chosen, key=lambda e: (e.data.get("rank", 0), e.time))


async def wait_events(
    bootstrap: str, edition_id: str, done: Callable[[list[CloudEvent]], bool], timeout_s: float = 60
) -> list[CloudEvent]:
    result: list[CloudEvent] = []

    async def check() -> bool:
        nonlocal result
        result = await grant_events(bootstrap, edition_id)
        return done(result)

    await eventually(check, timeout_s, what="expected grant events on Kafka")
    return result


async def close_and_wait(
    url: str, bootstrap: str, edition_id: str, *, waitlisted: int
) -> list[CloudEvent]:
    """Close the edition; its events once the whole selection is on Kafka."""
    assert (await post(url, f"/v1/editions/{edition_id}/close", headers=ADMIN)).is_success
    return await wait_events(
        bootstrap, edition_id, lambda es: len(of_type(es, "application.waitlisted")) == waitlisted
    )


def token_of(offered: CloudEvent, key: str = SIGNING_KEY) -> str:
    """The offer link token, derived as notification does from the offered event."""
    return sign(
        UUID(offered.data["offer_id"]), datetime.fromisoformat(offered.data["expires_at"]), key=key
    )


async def answer(url: str, token: str, action: str) -> httpx.Response:
    return await post(url, f"/v1/offers/{token}/{action}")


async def offers_in_db(db: asyncpg.Connection, edition_id: str) -> list[asyncpg.Record]:
    return await db.fetch(
        'SELECT * FROM "grant".offers WHERE edition_id = $1 ORDER BY rank', edition_id
    )
