"""Scoring on real Kafka and Postgres: real events in, scores out on accelerator.scores."""

import asyncio
import uuid
from collections import defaultdict
from collections.abc import AsyncIterator, Iterable, Sequence
from datetime import UTC, datetime

import asyncpg
import pytest

from services.scoring.bootstrap import rubric_of
from services.scoring.domain.application import ApplicationState
from services.scoring.entrypoints.consumer import inbound
from shared import topics
from shared.consumer import Delivery
from shared.db import migrate
from shared.editions import load_editions
from shared.events.codec import make_event
from shared.events.contracts import (
    PAYLOAD_TYPES,
    ApplicationReceived,
    ApplicationScreened,
    ApplicationWithdrawn,
    BusinessProfile,
    EventPayload,
    TrainingEnrolled,
    TrainingModuleCompleted,
)
from shared.events.envelope import CloudEvent
from tests.support.kafka import produce, read_to_end
from tests.support.processes import ServiceProcess, start_service
from tests.support.waiting import eventually

pytestmark = pytest.mark.integration

EDITION = "athlete365-4"
RUBRIC = rubric_of(load_editions()[EDITION])
MODULES = RUBRIC.training_modules


def event(payload: EventPayload, application_id: uuid.UUID, edition: str = EDITION) -> CloudEvent:
    return make_event(
        payload,
        service="intake",
        subject=str(application_id),
        correlation_id=str(uuid.uuid4()),
        edition_id=edition,
    )


def received(
    application_id: uuid.UUID, *, stage: str = "revenue", n: int = 0, edition: str = EDITION
) -> CloudEvent:
    business = BusinessProfile.model_validate(
        {
            "sector": "sporting_goods",
            "stage": stage,
            "sourcing_needs": ["textiles", "packaging"][: 1 + n % 2],
            "target_markets": ["USA", "DEU", "JPN"][: 1 + n % 3],
            "pitch_word_count": 40 + n % 60,
        }
    )
    payload = ApplicationReceived(
        application_id=application_id,
        edition_id=edition,
        applicant_id=f"A365-{application_id.hex[:8]}",
        country="FRA",
        sport="Judo",
        athlete_status="former_olympian",
        submitted_at=datetime(2026, 10, 1, tzinfo=UTC),
        career_end_year=2010 + n % 16,
        business=business,
    )
    return event(payload, application_id, edition)


def screened(application_id: uuid.UUID, *, eligible: bool) -> CloudEvent:
    reasons = [] if eligible else ["outside_window"]
    return event(
        ApplicationScreened(application_id=application_id, eligible=eligible, reasons=reasons),
        application_id,
    )


def enrolled(application_id: uuid.UUID) -> CloudEvent:
    payload = TrainingEnrolled(
        application_id=application_id, edition_id=EDITION, modules=[*MODULES]
    )
    return event(payload, application_id)


def completed(application_id: uuid.UUID, module: str) -> CloudEvent:
    payload = TrainingModuleCompleted(
        application_id=application_id, module=module, completed_at=datetime.now(UTC)
    )
    return event(payload, application_id)


def withdrawn(application_id: uuid.UUID) -> CloudEvent:
    return event(ApplicationWithdrawn(application_id=application_id), application_id)


async def publish(bootstrap: str, events: Iterable[CloudEvent]) -> None:
    """Each event to its contract's topic, keyed by application id, in the given order."""
    by_topic: dict[str, list[tuple[str, bytes | None]]] = defaultdict(list)
    for e in events:
        by_topic[PAYLOAD_TYPES[e.type].topic].append((e.subject, e.to_bytes()))
    for topic, messages in by_topic.items():
        await produce(bootstrap, topic, messages)


async def scores(bootstrap: str, ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, list[CloudEvent]]:
    """Score events per application, in order; a relay re-send of one event counts once."""
    wanted = {str(i) for i in ids}
    found: dict[uuid.UUID, list[CloudEvent]] = defaultdict(list)
    seen: set[uuid.UUID] = set()
    for record in await read_to_end(bootstrap, topics.SCORES):
        e = CloudEvent.from_bytes(record.value)
        if e.subject in wanted and e.id not in seen:
            seen.add(e.id)
            found[uuid.UUID(e.subject)].append(e)
    return found


async def all_scored(bootstrap: str, ids: Sequence[uuid.UUID], times: int = 1) -> None:
    async def check() -> bool:
        found = await scores(bootstrap, ids)
        return all(len(found[i]) >= times for i in ids)

    await eventually(check, timeout_s=90.0, what="every application scored")


def expected_total(events: Sequence[CloudEvent]) -> float:
    """What the rubric says for these events, computed with the domain directly."""
    items = inbound([Delivery(event=e, record=None) for e in events])
    state = ApplicationState(items[0].application_id)
    for item in items:
        state = state.apply(item.change)
    card = state.score(RUBRIC)
    assert card is not None
    return card.total / 100


def scoring_env(stack_env: dict[str, str], **extra: str) -> dict[str, str]:
    return {
        "KAFKA_BOOTSTRAP_SERVERS": stack_env["KAFKA_BOOTSTRAP_SERVERS"],
        "DATABASE_URL": stack_env["SCORING_DATABASE_URL"],
        "ADMIN_TOKEN": stack_env["ADMIN_TOKEN"],
        "RELAY_POLL_INTERVAL_S": "0.2",
        **extra,
    }


async def migrate_scoring(stack_env: dict[str, str]) -> None:
    """Scoring's schema as its processes leave it, for tests that read it before one runs."""
    conn = await asyncpg.connect(stack_env["SCORING_DATABASE_URL"])
    try:
        await migrate(conn, schema="scoring", package="services.scoring.migrations")
    finally:
        await conn.close()


@pytest.fixture(scope="module")
async def scoring(
    stack_env: dict[str, str], tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[ServiceProcess]:
    process = start_service(
        "services.scoring", env=scoring_env(stack_env), log_dir=tmp_path_factory.mktemp("scoring")
    )
    try:
        await process.wait_ready()
        yield process
    finally:
        process.terminate()


async def test_eligible_applications_are_scored_once_and_ineligible_never(
    stack_env: dict[str, str], scoring: ServiceProcess
) -> None:
    bootstrap = stack_env["KAFKA_BOOTSTRAP_SERVERS"]
    eligible = [uuid.uuid4() for _ in range(20)]
    ineligible = [uuid.uuid4() for _ in range(8)]
    gone = uuid.uuid4()
    stream = {i: [received(i, n=n), screened(i, eligible=True)] for n, i in enumerate(eligible)}
    await publish(
        bootstrap,
        [
            *(e for i in eligible for e in (*stream[i], enrolled(i))),
            *(e for i in ineligible for e in (received(i), screened(i, eligible=False))),
            received(gone),
            withdrawn(gone),
            screened(gone, eligible=True),
        ],
    )

    await all_scored(bootstrap, eligible)
    await asyncio.sleep(2)  # a second, unwarranted score would show up here
    found = await scores(bootstrap, [*eligible, *ineligible, gone])
    assert {i: len(found[i]) for i in eligible} == dict.fromkeys(eligible, 1)
    assert not any(found[i] for i in [*ineligible, gone])
    for i in eligible:
        data = found[i][0].data
        assert data["total"] == expected_total(stream[i])
        assert data["rubric_version"] == RUBRIC.version
        assert set(data["breakdown"]) == set(RUBRIC.weights)
        assert found[i][0].type == "accelerator.application.scored.v1"
        assert found[i][0].editionid == EDITION


async def test_a_completed_module_raises_the_score_and_the_same_input_is_not_scored_again(
    stack_env: dict[str, str], scoring: ServiceProcess
) -> None:
    bootstrap = stack_env["KAFKA_BOOTSTRAP_SERVERS"]
    ids = [uuid.uuid4() for _ in range(5)]
    await publish(bootstrap, [e for i in ids for e in (received(i), screened(i, eligible=True))])
    await all_scored(bootstrap, ids)

    completions = [completed(i, MODULES[0]) for i in ids]
    await publish(bootstrap, completions)
    await all_scored(bootstrap, ids, times=2)
    # The same completion again (a redelivery, and a re-sent copy with a new event id).
    await publish(bootstrap, completions)
    await publish(bootstrap, [completed(i, MODULES[0]) for i in ids])
    await asyncio.sleep(3)

    found = await scores(bootstrap, ids)
    for i in ids:
        first, second = (e.data for e in found[i])
        assert len(found[i]) == 2
        assert second["total"] > first["total"]
        assert first["breakdown"]["training_progress"] == 0
        assert second["breakdown"]["training_progress"] == 3.0  # 1 of 5 modules x 15


async def test_training_consumed_before_the_application_counts_in_its_first_score(
    stack_env: dict[str, str], scoring: ServiceProcess, admin_db: asyncpg.Connection
) -> None:
    bootstrap = stack_env["KAFKA_BOOTSTRAP_SERVERS"]
    application_id = uuid.uuid4()
    await publish(bootstrap, [completed(application_id, m) for m in MODULES[:2]])

    async def training_recorded() -> bool:
        modules = await admin_db.fetchval(
            "SELECT completed_modules FROM scoring.applications WHERE application_id = $1",
            application_id,
        )
        return modules is not None and len(modules) == 2

    await eventually(training_recorded, timeout_s=90.0)
    await publish(bootstrap, [received(application_id), screened(application_id, eligible=True)])
    await all_scored(bootstrap, [application_id])
    await asyncio.sleep(1)
    (only,) = (await scores(bootstrap, [application_id]))[application_id]
    assert only.data["breakdown"]["training_progress"] == 6.0  # 2 of 5 modules x 15


async def test_an_event_type_scoring_does_not_read_is_ignored_not_dead_lettered(
    stack_env: dict[str, str], scoring: ServiceProcess
) -> None:
    bootstrap = stack_env["KAFKA_BOOTSTRAP_SERVERS"]
    application_id = uuid.uuid4()
    annotated = CloudEvent(
        source="/accelerator/intake",
        type="accelerator.application.annotated.v1",
        subject=str(application_id),
        data={"application_id": str(application_id), "note": "from a newer producer"},
        correlationid=str(uuid.uuid4()),
    )
    await produce(bootstrap, topics.APPLICATIONS, [(annotated.subject, annotated.to_bytes())])
    await publish(bootstrap, [received(application_id), screened(application_id, eligible=True)])
    await all_scored(bootstrap, [application_id])
    dead = [
        r for r in await read_to_end(bootstrap, topics.DLQ) if r.key == str(application_id).encode()
    ]
    assert dead == []
