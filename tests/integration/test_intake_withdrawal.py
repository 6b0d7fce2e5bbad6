"""Withdrawing an application through intake, with the services that act on it running for
real: it leaves scoring and the ranking, an offer it held passes on, the athlete is told, and
an accepted package cannot be withdrawn online."""

import uuid
from pathlib import Path

import asyncpg
import httpx
import pytest

from shared import topics
from shared.events.codec import make_event
from shared.events.contracts import ApplicationScored
from shared.events.envelope import CloudEvent
from tests.integration.test_scoring_pipeline import scores, scoring_env
from tests.support.grant import (
    ADMIN,
    grant_env,
    grant_events,
    of_type,
    post,
    start_grant,
    wait_consumed,
    wait_events,
    write_edition,
)
from tests.support.kafka import produce
from tests.support.notification import (
    mails_to,
    quiet_queue,
    start_notification,
)
from tests.support.processes import start_service
from tests.support.waiting import eventually
from tests.support.withdrawal import (
    ADMIN_TOKEN,
    Applied,
    accept_package,
    apply,
    call,
    records_keyed,
    start_intake,
    status_of,
    withdrawn_events,
)

pytestmark = pytest.mark.integration


async def test_withdrawing_twice_answers_the_same_and_announces_it_once(
    stack_env: dict[str, str], tmp_path: Path
) -> None:
    bootstrap = stack_env["KAFKA_BOOTSTRAP_SERVERS"]
    edition_id = write_edition(tmp_path / "editions")
    intake = await start_intake(stack_env, tmp_path / "editions", tmp_path)
    try:
        applied = await apply(intake.url, edition_id)
        stranger = await call(intake.url, applied, "withdraw", token="not-the-token")
        assert stranger.status_code == 404
        assert stranger.json() == {"detail": "no such application"}

        first = await call(intake.url, applied, "withdraw")
        again = await call(intake.url, applied, "withdraw", token=ADMIN_TOKEN)
        assert first.status_code == again.status_code == 200, first.text
        assert first.json() == again.json()
        assert first.json()["application_id"] == str(applied.application_id)

        status = await status_of(intake.url, applied)
        assert status["status"] == "withdrawn"
        assert status["timeline"][-1] == {
            "at": first.json()["withdrawn_at"],
            "step": "withdrawn",
            "details": {},
        }
        await eventually(lambda: _withdrawn_once(bootstrap, applied))
        (event,) = await withdrawn_events(bootstrap, applied)
        assert event.editionid == edition_id
        assert event.data == {"application_id": str(applied.application_id)}
    finally:
        intake.terminate()


async def _withdrawn_once(bootstrap: str, applied: Applied) -> bool:
    found = len(await withdrawn_events(bootstrap, applied))
    assert found <= 1, "withdrawing twice announced it twice"
    return found == 1


async def test_an_accepted_package_cannot_be_withdrawn_and_the_answer_says_why(
    stack_env: dict[str, str], tmp_path: Path
) -> None:
    bootstrap = stack_env["KAFKA_BOOTSTRAP_SERVERS"]
    edition_id = write_edition(tmp_path / "editions")
    intake = await start_intake(stack_env, tmp_path / "editions", tmp_path)
    try:
        applied = await apply(intake.url, edition_id)
        accepted_at = await accept_package(stack_env, intake.url, applied)

        refused = await call(intake.url, applied, "withdraw")
        assert refused.status_code == 409
        detail = refused.json()["detail"]
        assert f"accepted its accelerator package on {accepted_at:%Y-%m-%d %H:%M} UTC" in detail
        assert "contact the programme team" in detail
        assert (await call(intake.url, applied, "withdraw", token=ADMIN_TOKEN)).status_code == 409
        assert (await status_of(intake.url, applied))["status"] == "enrolled"
        # Whatever intake published for the application has arrived; no withdrawal among it.
        await eventually(lambda: _events_on_applications(bootstrap, applied, 2))
        assert await withdrawn_events(bootstrap, applied) == []
    finally:
        intake.terminate()


async def _events_on_applications(bootstrap: str, applied: Applied, count: int) -> bool:
    records = await records_keyed(bootstrap, topics.APPLICATIONS, str(applied.application_id))
    return len(records) >= count


async def test_a_withdrawal_before_closing_leaves_scoring_and_ranking_and_is_confirmed(
    stack_env: dict[str, str], admin_db: asyncpg.Connection, tmp_path: Path
) -> None:
    bootstrap = stack_env["KAFKA_BOOTSTRAP_SERVERS"]
    editions = tmp_path / "editions"
    edition_id = write_edition(editions, capacity=5)
    # E-mails of earlier tests are put out of the way, so this one's are sent next.
    await quiet_queue(stack_env, admin_db, tmp_path)
    intake = await start_intake(stack_env, editions, tmp_path)
    scoring = start_service(
        "services.scoring",
        env=scoring_env(stack_env, EDITIONS_DIR=str(editions)),
        log_dir=tmp_path,
    )
    grant = await start_grant(grant_env(stack_env, editions), tmp_path)
    notification = start_notification(stack_env, tmp_path, EDITIONS_DIR=str(editions))
    try:
        leaving, staying = await apply(intake.url, edition_id), await apply(intake.url, edition_id)
        ids = [leaving.application_id, staying.application_id]
        await eventually(lambda: _scored(bootstrap, {i: 1 for i in ids}), 180)

        assert (await call(intake.url, leaving, "withdraw")).status_code == 200
        await wait_consumed(grant.url, edition_id, scored=2, withdrawn=1)
        # A module completed after the withdrawal moves the score of the one who stays only.
        await _complete_module(intake.url, leaving)
        await _complete_module(intake.url, staying)
        completion_id = await _completion_event_id(bootstrap, leaving)
        await eventually(lambda: _consumed_by_scoring(admin_db, completion_id), 180)
        await eventually(lambda: _scored(bootstrap, {staying.application_id: 2}), 180)
        assert len((await scores(bootstrap, [leaving.application_id]))[leaving.application_id]) == 1

        closing = await post(grant.url, f"/v1/editions/{edition_id}/close", headers=ADMIN)
        assert closing.status_code == 200, closing.text
        events = await wait_events(
            bootstrap, edition_id, lambda es: len(of_type(es, "grant.offered")) == 1
        )
        (offered,) = of_type(events, "grant.offered")
        assert offered.data["application_id"] == str(staying.application_id)
        about_leaving = [
            e for e in events if e.data.get("application_id") == str(leaving.application_id)
        ]
        assert about_leaving == [], "a withdrawn application is not ranked"

        await eventually(lambda: _mailed(stack_env, leaving), 180)
    finally:
        notification.terminate()
        grant.terminate()
        scoring.terminate()
        intake.terminate()
    (mail,) = [
        m for m in mails_to(stack_env, leaving.body["email"]) if "withdrawn" in str(m["Subject"])
    ]
    assert str(mail["Subject"]) == "Your application has been withdrawn"
    assert "no longer considered for an accelerator package" in " ".join(mail.get_content().split())


async def _scored(bootstrap: str, times: dict[uuid.UUID, int]) -> bool:
    found = await scores(bootstrap, times)
    return all(len(found.get(i, [])) >= n for i, n in times.items())


async def _complete_module(url: str, applied: Applied) -> None:
    async with httpx.AsyncClient(base_url=url, timeout=30) as client:
        response = await client.post(
            f"{applied.path}/training/business-foundations/complete",
            headers={"Authorization": f"Bearer {ADMIN_TOKEN}"},
        )
    assert response.status_code == 201, response.text


async def _completion_event_id(bootstrap: str, applied: Applied) -> uuid.UUID:
    completions: list[uuid.UUID] = []

    async def published() -> bool:
        records = await records_keyed(bootstrap, topics.TRAINING, str(applied.application_id))
        completions[:] = [
            CloudEvent.from_bytes(r.value).id
            for r in records
            if b"training.module_completed" in r.value
        ]
        return bool(completions)

    await eventually(published, what="the module completion published")
    return completions[0]


async def _consumed_by_scoring(db: asyncpg.Connection, event_id: uuid.UUID) -> bool:
    found = await db.fetchval("SELECT count(*) FROM scoring.inbox WHERE event_id = $1", event_id)
    return bool(found)


async def _mailed(stack_env: dict[str, str], applied: Applied) -> bool:
    subjects = [str(m["Subject"]) for m in mails_to(stack_env, applied.body["email"])]
    return "Your application has been withdrawn" in subjects


async def test_withdrawing_while_holding_an_offer_passes_the_package_to_the_next_candidate(
    stack_env: dict[str, str], tmp_path: Path
) -> None:
    bootstrap = stack_env["KAFKA_BOOTSTRAP_SERVERS"]
    editions = tmp_path / "editions"
    edition_id = write_edition(editions, capacity=1, country_cap=None)
    intake = await start_intake(stack_env, editions, tmp_path)
    grant = await start_grant(grant_env(stack_env, editions), tmp_path)
    try:
        holder, next_in_line = (
            await apply(intake.url, edition_id),
            await apply(intake.url, edition_id),
        )
        await _publish_scores(bootstrap, edition_id, {holder: 90.0, next_in_line: 80.0})
        await wait_consumed(grant.url, edition_id, scored=2)
        assert (await post(grant.url, f"/v1/editions/{edition_id}/close", headers=ADMIN)).is_success
        events = await wait_events(
            bootstrap, edition_id, lambda es: len(of_type(es, "grant.offered")) == 1
        )
        assert of_type(events, "grant.offered")[0].data["application_id"] == str(
            holder.application_id
        )

        assert (await call(intake.url, holder, "withdraw")).status_code == 200
        events = await wait_events(
            bootstrap, edition_id, lambda es: len(of_type(es, "grant.offered")) == 2
        )
        (declined,) = of_type(events, "grant.declined")
        assert declined.data["application_id"] == str(holder.application_id)
        promoted = of_type(events, "grant.offered")[1]
        assert promoted.data["application_id"] == str(next_in_line.application_id)
        assert promoted.data["rank"] == 2
        assert not of_type(await grant_events(bootstrap, edition_id), "grant.accepted")
    finally:
        grant.terminate()
        intake.terminate()


async def _publish_scores(bootstrap: str, edition_id: str, totals: dict[Applied, float]) -> None:
    """Scores as scoring would publish them, chosen by the test so the ranking is known."""
    messages: list[tuple[str, bytes | None]] = []
    for applied, total in totals.items():
        scored = make_event(
            ApplicationScored(
                application_id=applied.application_id,
                total=total,
                breakdown={},
                rubric_version=1,
            ),
            service="scoring",
            subject=str(applied.application_id),
            correlation_id=str(uuid.uuid4()),
            edition_id=edition_id,
        )
        messages.append((scored.subject, scored.to_bytes()))
    await produce(bootstrap, topics.SCORES, messages)
