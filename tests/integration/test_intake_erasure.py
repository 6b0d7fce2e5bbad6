"""Erasure of an applicant's personal data (GDPR Art. 17) through intake, with notification
and scoring running and the contacts topic compacting on a short setting: afterwards the
name, e-mail and pitch are in no table of intake, notification or scoring and in no live
value of accelerator.contacts."""

import uuid
from collections import Counter
from pathlib import Path
from typing import Any

import asyncpg
import pytest

from services.intake.domain.emails import email_key
from services.notification.handlers import CONTACT_ERASED
from shared import topics
from shared.events.contracts import ApplicationWaitlisted, pitch_key
from tests.integration.test_scoring_pipeline import scoring_env
from tests.support.grant import write_edition
from tests.support.kafka import produce_to_partition, read_to_end, set_topic_config
from tests.support.notification import (
    Athlete,
    mails_to,
    publish,
    quiet_queue,
    start_notification,
)
from tests.support.personal_data import where_found
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

# The contacts topic as shared.topics sets it, but rolling and compacting within a second,
# so the bound README documents is seconds here.
SHORT_COMPACTION = {
    **topics.CONTACTS_COMPACTION,
    "segment.ms": "500",
    "max.compaction.lag.ms": "500",
}


def _personal(applied: Applied) -> list[str]:
    body = applied.body
    return [
        body["full_name"],
        body["email"],
        email_key(body["email"]),
        body["business"]["name"],
        body["business"]["pitch"],
    ]


async def _apply_uniquely(url: str, edition_id: str) -> Applied:
    """An application whose business name and pitch are its own, so finding them means it."""
    tag = uuid.uuid4().hex[:12]
    return await apply(
        url,
        edition_id,
        business__name=f"Oars {tag}",
        business__pitch=f"Carbon oars for clubs, by {tag}, shipped worldwide.",
    )


async def test_erasure_leaves_no_name_email_or_pitch_in_intake_notification_scoring_or_the_log(
    stack_env: dict[str, str], admin_db: asyncpg.Connection, tmp_path: Path
) -> None:
    bootstrap = stack_env["KAFKA_BOOTSTRAP_SERVERS"]
    editions = tmp_path / "editions"
    edition_id = write_edition(editions)
    # E-mails of earlier tests are put out of the way, so this one's are sent next.
    await quiet_queue(stack_env, admin_db, tmp_path)
    await set_topic_config(bootstrap, topics.CONTACTS, SHORT_COMPACTION)
    intake = await start_intake(stack_env, editions, tmp_path)
    notification = start_notification(stack_env, tmp_path, EDITIONS_DIR=str(editions))
    scoring = start_service(
        "services.scoring",
        env=scoring_env(stack_env, EDITIONS_DIR=str(editions)),
        log_dir=tmp_path,
    )
    try:
        applied = await _apply_uniquely(intake.url, edition_id)
        athlete_id = applied.body["athlete_id"]
        email = applied.body["email"]
        pitch = applied.body["business"]["pitch"]
        await eventually(lambda: _mailed(stack_env, email), 180, "the received e-mail sent")
        (contact,) = await records_keyed(bootstrap, topics.CONTACTS, athlete_id)
        key = pitch_key(applied.application_id)
        (pitch_record,) = await records_keyed(bootstrap, topics.CONTACTS, key)
        assert pitch.encode() in pitch_record.value
        await eventually(
            lambda: _found_in(admin_db, "scoring", [pitch]), 120, "the pitch kept by scoring"
        )

        assert (await call(intake.url, applied, "erasure", token="guess")).status_code == 404
        erased = await call(intake.url, applied, "erasure")
        again = await call(intake.url, applied, "erasure", token=ADMIN_TOKEN)
        assert erased.status_code == again.status_code == 200, erased.text
        assert erased.json() == again.json()
        assert erased.json()["withdrawn_at"] == erased.json()["erased_at"]

        status = await status_of(intake.url, applied)
        assert status["status"] == "erased"
        assert [s["step"] for s in status["timeline"]][-2:] == ["withdrawn", "erased"]
        assert await where_found(admin_db, "intake", _personal(applied)) == []

        needles = [applied.body["full_name"], email, email_key(email)]
        await eventually(lambda: _nowhere(admin_db, "notification", needles), 60)
        await eventually(lambda: _nowhere(admin_db, "scoring", [*needles, pitch]), 60)
        # An e-mail about the athlete consumed after the erasure is cancelled, not held.
        late = Athlete(athlete_id, applied.application_id, email, "", "en", edition_id)
        await publish(
            stack_env,
            late.event(
                ApplicationWaitlisted(
                    application_id=applied.application_id, edition_id=edition_id, rank=9
                )
            ),
        )
        await eventually(lambda: _late_one_cancelled(admin_db, applied), 60)
        assert await where_found(admin_db, "notification", needles) == []

        partitions = {contact.partition, pitch_record.partition}
        await eventually(
            lambda: _compacted_away(bootstrap, partitions, [*needles, pitch]), 90, "compaction"
        )
        on_topic = await records_keyed(bootstrap, topics.CONTACTS, athlete_id)
        assert [r.value for r in on_topic] == [None], "only the tombstone is left of the contact"
        of_pitch = await records_keyed(bootstrap, topics.CONTACTS, key)
        assert [r.value for r in of_pitch] == [None], "only the tombstone is left of the pitch"
        assert await where_found(admin_db, "scoring", [pitch]) == []
        await eventually(lambda: _withdrawn_times(bootstrap, applied, 1))
    finally:
        scoring.terminate()
        notification.terminate()
        intake.terminate()
        await set_topic_config(bootstrap, topics.CONTACTS, topics.CONTACTS_COMPACTION)
    assert not [m for m in mails_to(stack_env, email) if "waiting list" in str(m["Subject"])]


async def _mailed(stack_env: dict[str, str], address: str) -> bool:
    return bool(mails_to(stack_env, address))


async def _nowhere(db: asyncpg.Connection, schema: str, needles: list[str]) -> bool:
    return await where_found(db, schema, needles) == []


async def _found_in(db: asyncpg.Connection, schema: str, needles: list[str]) -> bool:
    return await where_found(db, schema, needles) != []


async def _late_one_cancelled(db: asyncpg.Connection, applied: Applied) -> bool:
    rows = await db.fetch(
        "SELECT template, state, last_error FROM notification.notifications"
        " WHERE application_id = $1",
        applied.application_id,
    )
    late = [(r["state"], r["last_error"]) for r in rows if r["template"] == "waitlisted"]
    if not late or late == [("pending", None)]:
        return False
    assert late == [("failed", CONTACT_ERASED)]
    assert Counter(r["state"] for r in rows)["pending"] == 0, "nothing waits for the erased"
    return True


async def _compacted_away(bootstrap: str, partitions: set[int], needles: list[str]) -> bool:
    """Nothing in the contacts log holds the needles. Kafka rolls the segment being written
    (which it never compacts) only on a write, so each look writes one for nobody first."""
    for partition in sorted(partitions):
        await produce_to_partition(
            bootstrap, topics.CONTACTS, partition, f"nobody-{uuid.uuid4().hex}", None
        )
    records: list[Any] = await read_to_end(bootstrap, topics.CONTACTS)
    return not any(
        r.value is not None and any(n.encode() in r.value for n in needles) for r in records
    )


async def _withdrawn_times(bootstrap: str, applied: Applied, times: int) -> bool:
    found = len(await withdrawn_events(bootstrap, applied))
    assert found <= times
    return found == times


async def test_erasing_after_acceptance_erases_the_data_and_leaves_the_package(
    stack_env: dict[str, str], admin_db: asyncpg.Connection, tmp_path: Path
) -> None:
    bootstrap = stack_env["KAFKA_BOOTSTRAP_SERVERS"]
    editions = tmp_path / "editions"
    edition_id = write_edition(editions)
    intake = await start_intake(stack_env, editions, tmp_path)
    try:
        applied = await _apply_uniquely(intake.url, edition_id)
        await accept_package(stack_env, intake.url, applied)

        erased = await call(intake.url, applied, "erasure")
        assert erased.status_code == 200, erased.text
        assert erased.json()["withdrawn_at"] is None
        steps = [s["step"] for s in (await status_of(intake.url, applied))["timeline"]]
        assert steps[-2:] == ["accepted", "erased"]
        assert "withdrawn" not in steps
        assert (await call(intake.url, applied, "withdraw")).status_code == 409
        assert await where_found(admin_db, "intake", _personal(applied)) == []

        # The tombstone is out; the relay publishes in order, so a withdrawal would be too.
        await eventually(lambda: _tombstoned(bootstrap, applied))
        assert await withdrawn_events(bootstrap, applied) == []
    finally:
        intake.terminate()


async def _tombstoned(bootstrap: str, applied: Applied) -> bool:
    records = await records_keyed(bootstrap, topics.CONTACTS, applied.body["athlete_id"])
    tombstones = [r for r in records if r.value is None]
    assert len(tombstones) <= 1, "erasing once tombstones once"
    return len(tombstones) == 1


async def test_erasing_a_withdrawn_application_twice_announces_no_second_withdrawal_or_tombstone(
    stack_env: dict[str, str], admin_db: asyncpg.Connection, tmp_path: Path
) -> None:
    bootstrap = stack_env["KAFKA_BOOTSTRAP_SERVERS"]
    editions = tmp_path / "editions"
    edition_id = write_edition(editions)
    intake = await start_intake(stack_env, editions, tmp_path)
    try:
        applied = await _apply_uniquely(intake.url, edition_id)
        withdrawn = await call(intake.url, applied, "withdraw")
        erased = await call(intake.url, applied, "erasure")
        assert erased.json()["withdrawn_at"] == withdrawn.json()["withdrawn_at"]
        assert (await call(intake.url, applied, "erasure")).json() == erased.json()
        assert (await call(intake.url, applied, "withdraw")).json() == withdrawn.json()
        queued = await admin_db.fetch(
            "SELECT event_type FROM intake.outbox WHERE key = ANY($1::text[]) ORDER BY id",
            [
                applied.body["athlete_id"],
                str(applied.application_id),
                pitch_key(applied.application_id),
            ],
        )
        # One withdrawal and one tombstone of each key, however often asked; the contact and
        # pitch events are gone.
        assert [r["event_type"] for r in queued] == [
            "accelerator.application.received.v1",
            "accelerator.application.screened.v1",
            "accelerator.training.enrolled.v1",
            "accelerator.application.withdrawn.v1",
            "tombstone",
            "tombstone",
        ]
        await eventually(lambda: _tombstoned(bootstrap, applied))
        await eventually(lambda: _withdrawn_times(bootstrap, applied, 1))
    finally:
        intake.terminate()
