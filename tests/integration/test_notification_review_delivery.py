"""A panel reviewer's invitation on a real notification process, with real Kafka, Postgres
and SMTP: the contact scoring publishes on the contacts topic and the invitation on the
reviews topic become exactly one e-mail, in the reviewer's language, whose link scoring
accepts for the reviewer's seat; the same invitation delivered again sends nothing more."""

import re
from datetime import UTC, datetime
from pathlib import Path

import asyncpg
import pytest

from shared import review_links
from shared.events.envelope import CloudEvent
from tests.support.notification import (
    REVIEW_LINK_KEY,
    SCORING_URL,
    Reviewer,
    group_caught_up,
    mails_to,
    notification_records,
    publish,
    quiet_queue,
    start_notification,
)
from tests.support.waiting import eventually

pytestmark = pytest.mark.integration


async def test_an_invitation_becomes_one_email_in_german_with_a_link_for_the_seat(
    stack_env: dict[str, str], admin_db: asyncpg.Connection, tmp_path: Path
) -> None:
    reviewer = Reviewer.new("de", "Jürgen Groß")
    deadline = datetime(2030, 5, 17, 9, 30, tzinfo=UTC)
    invited = reviewer.invited(assignments=5, expires_at=deadline)
    await quiet_queue(stack_env, admin_db, tmp_path)
    await publish(stack_env, reviewer.contact(), invited)

    service = start_notification(stack_env, tmp_path)
    try:
        await service.wait_ready()
        await eventually(lambda: _sent_events(stack_env, reviewer, 1))
        # The very same record again, as a redelivery or a re-sent outbox row would be.
        await publish(stack_env, invited)
        await eventually(lambda: group_caught_up(stack_env["KAFKA_BOOTSTRAP_SERVERS"]))
        await eventually(lambda: _rows_settled(admin_db, reviewer))
    finally:
        service.terminate()

    [mail] = mails_to(stack_env, reviewer.email)
    assert mail["Content-Language"] == "de"
    assert "Jürgen Groß" in mail["To"]
    assert str(mail["Subject"]) == (
        "Bewerbungen warten auf Ihre Bewertung für das Programm Athlete365 Business Accelerator 4"
    )
    assert mail.get_content_type() == "multipart/alternative"
    plain, html = mail.get_body(("plain",)), mail.get_body(("html",))
    assert plain is not None
    assert html is not None
    body = plain.get_content()
    assert body.startswith("Guten Tag Jürgen Groß,")
    words = " ".join(body.split())
    assert "5 Bewerbungen warten auf Ihre Bewertung" in words
    assert "17. Mai 2030, 09:30 UTC" in words
    assert "Das Öffnen ändert nichts" in words
    [link] = re.findall(rf"{re.escape(SCORING_URL)}/review/\S+", body)
    assert link.endswith("?lang=de")
    token = link.removeprefix(f"{SCORING_URL}/review/").removesuffix("?lang=de")
    claim = review_links.verify(token, key=REVIEW_LINK_KEY)
    assert (claim.record_id, claim.expires_at) == (reviewer.seat_id, deadline)
    assert f'href="{link}"' in html.get_content()

    [record] = await notification_records(stack_env, reviewer.contact_key)
    event = CloudEvent.from_bytes(record.value)
    assert event.data["cause_event_id"] == str(invited.id)
    assert event.data["template"] == "reviewer_invited"
    assert reviewer.email not in record.value.decode()
    assert "Groß" not in record.value.decode()
    assert reviewer.email not in service.log_text()
    assert "Jürgen" not in service.log_text()
    assert token not in service.log_text()


async def _sent_events(stack_env: dict[str, str], reviewer: Reviewer, expected: int) -> bool:
    records = await notification_records(stack_env, reviewer.contact_key)
    return len([r for r in records if b"notification.sent" in r.value]) == expected


async def _rows_settled(db: asyncpg.Connection, reviewer: Reviewer) -> bool:
    """Nothing of the reviewer's is pending: no e-mail is still to go."""
    rows = await db.fetch(
        "SELECT state FROM notification.notifications WHERE contact_key = $1",
        reviewer.contact_key,
    )
    assert len(rows) == 1, f"{len(rows)} e-mails queued for one invitation"
    return bool(rows[0]["state"] == "sent")
