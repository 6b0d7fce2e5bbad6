"""The intake API over real HTTP, with real Postgres and Kafka behind it: submissions are
stored and announced once, on the right topics and keys, and refused with the right status."""

import asyncio
import uuid
from collections.abc import AsyncIterator
from typing import Any

import asyncpg
import httpx
import pytest
from cloudevents.v1.kafka import KafkaMessage, from_structured

from shared import topics
from shared.events.contracts import pitch_key
from tests.support.intake import running_intake
from tests.support.kafka import read_to_end
from tests.support.processes import ServiceProcess

pytestmark = pytest.mark.integration

ADMIN_TOKEN = "intake-test-admin-token"
EDITION = "athlete365-4"
# Every topic but contacts, and the DLQ, which keeps what it is given "as origin".
PUBLIC_TOPICS = topics.EVENT_TOPICS


def application(**changes: Any) -> dict[str, Any]:
    """A valid submission by a new athlete; "business__x" changes a business field."""
    tag = uuid.uuid4().hex[:10].upper()
    body: dict[str, Any] = {
        "athlete_id": f"A365-{tag}",
        "full_name": f"Athlete {tag}",
        "email": f"athlete.{tag}@example.org",
        "language": "de",
        "country": "GER",
        "sport": "Rowing",
        "athlete_status": "former_olympian",
        "career_end_year": 2022,
        "business": {
            "name": "Blade Works",
            "sector": "equipment",
            "stage": "prototype",
            "pitch": "Carbon oars for clubs, sourced and shipped worldwide.",
            "sourcing_needs": ["carbon_fibre"],
            "target_markets": ["NED", "USA"],
        },
        "consent": {"data_processing": True, "marketing": True},
    }
    for key, value in changes.items():
        section, _, name = key.partition("__")
        if name:
            body[section][name] = value
        else:
            body[key] = value
    return body


@pytest.fixture(scope="module")
async def intake(
    stack_env: dict[str, str], tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[ServiceProcess]:
    async with running_intake(
        stack_env,
        tmp_path_factory.mktemp("intake"),
        ADMIN_TOKEN=ADMIN_TOKEN,
    ) as process:
        yield process


async def submit(url: str, body: dict[str, Any], **kwargs: Any) -> httpx.Response:
    async with httpx.AsyncClient(base_url=url, timeout=30) as client:
        return await client.post(f"/v1/editions/{EDITION}/applications", json=body, **kwargs)


async def events_of(
    bootstrap: str, topic: str, subject: str, *, count: int, timeout_s: float = 30.0
) -> list[Any]:
    """The records about `subject` on `topic`, once at least `count` have arrived."""
    deadline = asyncio.get_running_loop().time() + timeout_s
    while True:
        records = [r for r in await read_to_end(bootstrap, topic) if r.key == subject.encode()]
        if len(records) >= count or asyncio.get_running_loop().time() > deadline:
            return records
        await asyncio.sleep(0.3)


def parsed(record: Any) -> Any:
    """What the official CloudEvents SDK reads from the Kafka record."""
    return from_structured(
        KafkaMessage(headers=dict(record.headers), key=record.key, value=record.value)
    )


async def test_an_application_is_stored_and_announced_keyed_by_its_ids(
    intake: ServiceProcess, stack_env: dict[str, str], admin_db: asyncpg.Connection
) -> None:
    body = application()
    response = await submit(intake.url, body)
    assert response.status_code == 202, response.text
    app_id = response.json()["application_id"]
    assert len(response.json()["status_token"]) >= 32
    kafka = stack_env["KAFKA_BOOTSTRAP_SERVERS"]

    on_applications = await events_of(kafka, "accelerator.applications", app_id, count=2)
    on_training = await events_of(kafka, "accelerator.training", app_id, count=1)
    on_contacts = await events_of(kafka, "accelerator.contacts", body["athlete_id"], count=1)
    events = [parsed(r) for r in on_applications + on_training + on_contacts]
    assert [e["type"] for e in events] == [
        "accelerator.application.received.v1",
        "accelerator.application.screened.v1",
        "accelerator.training.enrolled.v1",
        "accelerator.contact.updated.v1",
    ]
    assert all(e["source"] == "/accelerator/intake" and e["editionid"] == EDITION for e in events)
    received, screened, enrolled, contact = (e.get_data() for e in events)
    assert received["applicant_id"] == body["athlete_id"]
    assert received["business"]["target_markets"] == ["NED", "USA"]
    assert received["business"]["pitch_word_count"] == 8
    assert screened == {"application_id": app_id, "eligible": True, "reasons": []}
    assert len(enrolled["modules"]) == 5
    assert contact["email"] == body["email"]
    assert contact["full_name"] == body["full_name"]

    stored = await admin_db.fetchrow(
        "SELECT email, eligible FROM intake.applications WHERE application_id = $1",
        uuid.UUID(app_id),
    )
    assert stored is not None
    assert dict(stored) == {"email": body["email"], "eligible": True}


async def test_no_name_or_email_reaches_a_topic_other_than_contacts(
    intake: ServiceProcess, stack_env: dict[str, str]
) -> None:
    body = application()
    response = await submit(intake.url, body)
    app_id = response.json()["application_id"]
    kafka = stack_env["KAFKA_BOOTSTRAP_SERVERS"]
    await events_of(kafka, "accelerator.training", app_id, count=1)
    for topic in PUBLIC_TOPICS:
        for record in await read_to_end(kafka, topic):
            assert body["email"].encode() not in record.value
            assert body["full_name"].encode() not in record.value


async def test_the_pitch_travels_on_the_contacts_topic_under_its_own_key_only(
    intake: ServiceProcess, stack_env: dict[str, str]
) -> None:
    tag = uuid.uuid4().hex[:12]
    pitch = f"Oars by {tag}.\nShipped to clubs worldwide."
    response = await submit(intake.url, application(business__pitch=pitch))
    assert response.status_code == 202, response.text
    app_id = response.json()["application_id"]
    kafka = stack_env["KAFKA_BOOTSTRAP_SERVERS"]

    (record,) = await events_of(kafka, topics.CONTACTS, pitch_key(uuid.UUID(app_id)), count=1)
    event = parsed(record)
    assert event["type"] == "accelerator.application.pitch.v1"
    assert event["subject"] == f"pitch:{app_id}"
    assert event.get_data() == {"edition_id": EDITION, "application_id": app_id, "pitch": pitch}
    await events_of(kafka, topics.TRAINING, app_id, count=1)
    contacts = await read_to_end(kafka, topics.CONTACTS)
    holding = [r.key for r in contacts if tag.encode() in (r.value or b"")]
    assert holding == [f"pitch:{app_id}".encode()]
    for topic in (*PUBLIC_TOPICS, topics.DLQ):
        for on_topic in await read_to_end(kafka, topic):
            assert tag.encode() not in (on_topic.value or b""), topic


async def test_an_ineligible_application_is_screened_out_and_not_enrolled(
    intake: ServiceProcess, stack_env: dict[str, str]
) -> None:
    response = await submit(intake.url, application(career_end_year=1996))
    assert response.status_code == 202
    app_id = response.json()["application_id"]
    kafka = stack_env["KAFKA_BOOTSTRAP_SERVERS"]
    screened = (await events_of(kafka, "accelerator.applications", app_id, count=2))[-1]
    assert parsed(screened).get_data()["reasons"] == ["career_ended_too_long_ago"]
    assert await events_of(kafka, "accelerator.training", app_id, count=1, timeout_s=2) == []


async def test_a_second_application_by_id_or_mailbox_is_409_and_the_first_stays(
    intake: ServiceProcess, admin_db: asyncpg.Connection
) -> None:
    first = application()
    assert (await submit(intake.url, first)).status_code == 202
    same_id = application(athlete_id=first["athlete_id"].lower())
    local, domain = first["email"].split("@")
    same_mailbox = application(email=f"{local.upper()}+again@{domain.upper()}")

    by_id, by_mail = await submit(intake.url, same_id), await submit(intake.url, same_mailbox)

    assert by_id.status_code == 409
    assert "this athlete id already exists" in by_id.json()["detail"]
    assert by_mail.status_code == 409
    assert "this e-mail address already exists" in by_mail.json()["detail"]
    kept = await admin_db.fetch(
        "SELECT full_name FROM intake.applications WHERE athlete_id = $1", first["athlete_id"]
    )
    assert [r["full_name"] for r in kept] == [first["full_name"]]


async def test_concurrent_duplicates_let_exactly_one_in(intake: ServiceProcess) -> None:
    body = application()
    responses = await asyncio.gather(*(submit(intake.url, body) for _ in range(12)))
    assert sorted(r.status_code for r in responses) == [202] + [409] * 11


async def test_an_invalid_body_is_422_with_each_field_named(intake: ServiceProcess) -> None:
    body = application(country="XYZ", career_end_year="2020", nickname="Ace")
    body["business"]["pitch"] = "x" * 4001
    response = await submit(intake.url, body)
    assert response.status_code == 422
    problems = {p["field"]: p["msg"] for p in response.json()["detail"]}
    assert problems == {
        "country": "'XYZ' is not the IOC code of a National Olympic Committee",
        "career_end_year": "must be a whole number",
        "business.pitch": "must be at most 4000 characters",
        "nickname": "is not a field of the application form",
    }


async def test_a_career_that_ends_in_the_future_is_422(intake: ServiceProcess) -> None:
    response = await submit(intake.url, application(career_end_year=2999))
    assert response.status_code == 422
    assert response.json()["detail"][0]["field"] == "career_end_year"


async def test_a_body_over_the_limit_is_413_declared_or_streamed(intake: ServiceProcess) -> None:
    oversized = b'{"athlete_id": "' + b"x" * 70_000 + b'"}'

    async def trickle() -> AsyncIterator[bytes]:
        for start in range(0, len(oversized), 8192):
            yield oversized[start : start + 8192]

    async with httpx.AsyncClient(base_url=intake.url, timeout=30) as client:
        path = f"/v1/editions/{EDITION}/applications"
        headers = {"content-type": "application/json"}
        declared = await client.post(path, content=oversized, headers=headers)
        streamed = await client.post(path, content=trickle(), headers=headers)
    assert declared.status_code == 413
    assert "content-length" not in streamed.request.headers  # sent chunked
    assert streamed.status_code == 413


async def test_an_unknown_edition_is_404(intake: ServiceProcess) -> None:
    async with httpx.AsyncClient(base_url=intake.url) as client:
        response = await client.post("/v1/editions/no-such-edition/applications", json={})
    assert response.status_code == 404


async def test_the_timeline_is_shown_only_for_the_status_or_admin_token(
    intake: ServiceProcess,
) -> None:
    accepted = (await submit(intake.url, application())).json()
    path = f"/v1/applications/{accepted['application_id']}"
    async with httpx.AsyncClient(base_url=intake.url) as client:
        mine = await client.get(
            path, headers={"Authorization": f"Bearer {accepted['status_token']}"}
        )
        admin = await client.get(path, headers={"Authorization": f"Bearer {ADMIN_TOKEN}"})
        anonymous = await client.get(path)
        wrong = await client.get(path, headers={"Authorization": "Bearer guess"})
        in_url = await client.get(path, params={"token": accepted["status_token"]})
        nonsense = await client.get("/v1/applications/not-a-uuid")
    assert mine.status_code == admin.status_code == 200
    assert [s["step"] for s in mine.json()["timeline"]] == ["received", "screened", "enrolled"]
    assert mine.json()["status"] == "enrolled"
    assert [anonymous.status_code, wrong.status_code, in_url.status_code] == [404, 404, 404]
    assert anonymous.json() == wrong.json() == nonsense.json() == {"detail": "no such application"}


async def test_a_body_that_is_not_utf8_is_422_naming_the_body(intake: ServiceProcess) -> None:
    async with httpx.AsyncClient(base_url=intake.url, timeout=30) as client:
        response = await client.post(
            f"/v1/editions/{EDITION}/applications",
            content=b'{"athlete_id": "\xff\xfe"}',
            headers={"content-type": "application/json"},
        )
    assert response.status_code == 422
    assert response.json() == {
        "detail": [
            {
                "field": "(body)",
                "msg": "is not valid JSON: it must be UTF-8 text",
                "type": "json_invalid",
            }
        ]
    }
