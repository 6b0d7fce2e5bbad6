"""Athlete-facing events become e-mails in the athlete's language, each exactly once, on a
real notification process with real Kafka, Postgres and SMTP."""

import re
import signal
from collections import Counter
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import asyncpg
import pytest

from demo.mailbox import text_of
from shared.events.contracts import (
    ApplicationNotSelected,
    ApplicationScreened,
    ApplicationWaitlisted,
    GrantAccepted,
    GrantDeclined,
    GrantExpired,
    TrainingEnrolled,
)
from shared.events.envelope import CloudEvent
from tests.support.notification import (
    GRANT_URL,
    Athlete,
    erase_contact,
    group_caught_up,
    mails_to,
    notification_records,
    publish,
    quiet_queue,
    rows_of,
    start_notification,
)
from tests.support.waiting import eventually

pytestmark = pytest.mark.integration


def _every_event(athlete: Athlete) -> list[CloudEvent]:
    offered = athlete.offered(datetime(2030, 5, 17, 9, 30, tzinfo=UTC))
    offer = {
        "application_id": athlete.application_id,
        "edition_id": athlete.edition_id,
        "offer_id": offered.data["offer_id"],
    }
    app = athlete.application_id
    return [
        athlete.received(),
        athlete.event(ApplicationScreened(application_id=app, eligible=True, reasons=[])),
        athlete.event(TrainingEnrolled(application_id=app, edition_id="athlete365-4", modules=[])),
        athlete.event(
            ApplicationScreened(
                application_id=app, eligible=False, reasons=["career_ended_too_long_ago"]
            )
        ),
        athlete.event(
            ApplicationWaitlisted(application_id=app, edition_id="athlete365-4", rank=57)
        ),
        offered,
        athlete.event(GrantAccepted(**offer)),
        athlete.event(GrantDeclined(**offer)),
        athlete.event(GrantExpired(**offer)),
        athlete.event(ApplicationNotSelected(application_id=app, edition_id="athlete365-4")),
    ]


async def test_each_athlete_facing_event_becomes_one_email_in_the_athletes_language(
    stack_env: dict[str, str], admin_db: asyncpg.Connection, tmp_path: Path
) -> None:
    french = Athlete.new("fr", "Amélie Poulain")
    german = Athlete.new("de", "Jürgen Groß")
    await quiet_queue(stack_env, admin_db, tmp_path)
    french_events, german_events = _every_event(french), _every_event(german)[:3]
    await publish(stack_env, french.contact(), german.contact(), *french_events, *german_events)

    service = start_notification(stack_env, tmp_path)
    try:
        await service.wait_ready()
        await eventually(lambda: _count(stack_env, french, len(french_events)))
        await eventually(lambda: _count(stack_env, german, len(german_events)))
        await eventually(lambda: _sent_events(stack_env, french, len(french_events)))
    finally:
        service.terminate()

    mails = mails_to(stack_env, french.email)
    assert len(mails) == len(french_events), "exactly one e-mail per event"
    assert len({m["Message-ID"] for m in mails}) == len(mails)
    assert {m["Content-Language"] for m in mails} == {"fr"}
    assert all("Amélie Poulain" in m["To"] for m in mails)
    subjects = {str(m["Subject"]) for m in mails}
    assert "Vous êtes éligible au programme Athlete365 Business Accelerator 4" in subjects
    assert "Votre package d'accélération est confirmé" in subjects
    offer_mail = next(m for m in mails if "10\u202f000\u00a0$US" in str(m["Subject"]))
    assert offer_mail.get_content_type() == "multipart/alternative"
    plain, html = offer_mail.get_body(("plain",)), offer_mail.get_body(("html",))
    assert plain is not None
    assert html is not None
    body, page = plain.get_content(), html.get_content()
    assert body.startswith("Bonjour Amélie Poulain,")
    assert "17 mai 2030, 09:30 UTC" in " ".join(body.split())
    # Both parts lead to the offer page in French, never to an action a scanner could take.
    links = re.findall(rf"{re.escape(GRANT_URL)}/offers/\S+", body)
    assert links
    assert all(link.endswith("?lang=fr") and "/v1/" not in link for link in links)
    assert all(f'href="{link}"' in page for link in links)
    assert "Accepter le package</a>" in page
    assert any("plus de 12 ans" in " ".join(text_of(m).split()) for m in mails)

    assert {m["Content-Language"] for m in mails_to(stack_env, german.email)} == {"de"}
    rows = await rows_of(admin_db, french)
    assert Counter(r["state"] for r in rows) == {"sent": len(french_events)}
    assert {r["language"] for r in rows} == {"fr"}


async def test_notification_sent_events_name_the_cause_and_carry_no_personal_data(
    stack_env: dict[str, str], admin_db: asyncpg.Connection, tmp_path: Path
) -> None:
    athlete = Athlete.new("en", "Sam Sprinter")
    await quiet_queue(stack_env, admin_db, tmp_path)
    received = athlete.received()
    await publish(stack_env, athlete.contact(), received)
    service = start_notification(stack_env, tmp_path)
    try:
        await eventually(lambda: _sent_events(stack_env, athlete, 1))
    finally:
        service.terminate()

    (record,) = await notification_records(stack_env, athlete.applicant_id)
    raw = record.value.decode()
    assert athlete.email not in raw
    assert "Sam Sprinter" not in raw
    event = CloudEvent.from_bytes(record.value)
    assert event.type == "accelerator.notification.sent.v1"
    assert event.subject == athlete.applicant_id
    assert event.correlationid == received.correlationid
    assert event.data["cause_event_id"] == str(received.id)
    assert event.data["template"] == "received"
    assert event.data["language"] == "en"
    (mail,) = mails_to(stack_env, athlete.email)
    assert (
        mail["Message-ID"].strip()
        == f"<{event.data['notification_id']}@accelerator.athlete365.example>"
    )
    assert athlete.email not in service.log_text()
    assert "Sam Sprinter" not in service.log_text()


async def test_an_event_that_arrives_before_its_contact_is_sent_once_the_contact_arrives(
    stack_env: dict[str, str], admin_db: asyncpg.Connection, tmp_path: Path
) -> None:
    athlete = Athlete.new("de", "Lena Läuferin")
    await quiet_queue(stack_env, admin_db, tmp_path)
    service = start_notification(stack_env, tmp_path)
    try:
        await service.wait_ready()
        await publish(stack_env, athlete.received(), athlete.offered())
        await eventually(lambda: _rows_in(admin_db, athlete, {"pending": 2}))
        await eventually(lambda: _no_mail_for(stack_env, athlete), 2)
        assert mails_to(stack_env, athlete.email) == []

        await publish(stack_env, athlete.contact())
        await eventually(lambda: _count(stack_env, athlete, 2))
        await eventually(lambda: _rows_in(admin_db, athlete, {"sent": 2}))
    finally:
        service.terminate()
    subjects = sorted(str(m["Subject"]) for m in mails_to(stack_env, athlete.email))
    assert subjects == [
        "Ihnen wird ein Accelerator-Paket im Wert von 10.000\u00a0$ angeboten",
        "Wir haben Ihre Bewerbung für das Programm Athlete365 Business Accelerator 4 erhalten",
    ]


async def test_a_tombstone_redelivered_after_a_newer_contact_does_not_erase_it(
    stack_env: dict[str, str], admin_db: asyncpg.Connection, tmp_path: Path
) -> None:
    athlete = Athlete.new("en", "Old Name")
    renamed = replace(athlete, full_name="New Name")
    await quiet_queue(stack_env, admin_db, tmp_path)
    await publish(stack_env, athlete.contact())
    await erase_contact(stack_env, athlete)
    await publish(stack_env, renamed.contact())

    # Killed after the database commit and before the offset commit: the whole batch,
    # tombstone included, is consumed again after the newer contact was saved.
    crashing = start_notification(
        stack_env, tmp_path, ACCELERATOR_CRASH_AT="consumer_after_db_commit"
    )
    assert crashing.wait_exit() == -signal.SIGKILL
    assert await _contact_name(admin_db, athlete) == "New Name"

    service = start_notification(stack_env, tmp_path)
    try:
        await service.wait_ready()
        await eventually(lambda: group_caught_up(stack_env["KAFKA_BOOTSTRAP_SERVERS"]))
    finally:
        service.terminate()
    assert await _contact_name(admin_db, athlete) == "New Name"


async def _count(stack_env: dict[str, str], athlete: Athlete, expected: int) -> bool:
    found = len(mails_to(stack_env, athlete.email))
    assert found <= expected, f"{found} e-mails for {expected} events"
    return found == expected


async def _no_mail_for(stack_env: dict[str, str], athlete: Athlete) -> bool:
    return not mails_to(stack_env, athlete.email)


async def _sent_events(stack_env: dict[str, str], athlete: Athlete, expected: int) -> bool:
    records = await notification_records(stack_env, athlete.applicant_id)
    sent = [r for r in records if b"notification.sent" in r.value]
    return len(sent) == expected


async def _failed_events(stack_env: dict[str, str], athlete: Athlete, expected: int) -> bool:
    records = await notification_records(stack_env, athlete.applicant_id)
    return len([r for r in records if b"notification.failed" in r.value]) == expected


async def _rows_in(db: asyncpg.Connection, athlete: Athlete, states: dict[str, int]) -> bool:
    return Counter(r["state"] for r in await rows_of(db, athlete)) == states


async def _contact_name(db: asyncpg.Connection, athlete: Athlete) -> str | None:
    name: str | None = await db.fetchval(
        "SELECT full_name FROM notification.contacts WHERE applicant_id = $1", athlete.applicant_id
    )
    return name


async def _contact_exists(db: asyncpg.Connection, athlete: Athlete, expected: bool) -> bool:
    found = await db.fetchval(
        "SELECT count(*) FROM notification.contacts WHERE applicant_id = $1", athlete.applicant_id
    )
    return bool(found) == expected
