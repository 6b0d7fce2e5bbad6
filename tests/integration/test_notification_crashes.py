"""A notification process killed with SIGKILL at each step of sending, then restarted: no
e-mail is lost, none is sent twice, except in the one documented window."""

import asyncio
import signal
import warnings
from pathlib import Path

import asyncpg
import pytest

from shared.events.contracts import ApplicationScreened
from tests.support.notification import (
    Athlete,
    mails_to,
    notification_records,
    publish,
    quiet_queue,
    rows_of,
    start_notification,
)
from tests.support.waiting import eventually

pytestmark = pytest.mark.integration

AFTER_SMTP = {"notification_after_smtp_accept", "notification_after_mark_sent"}
LEASE_S = 3.0  # what start_notification configures: a killed sender's claim ends this soon


async def _killed_holding_own_email(
    point: str, stack_env: dict[str, str], db: asyncpg.Connection, logs: Path
) -> Athlete:
    """A new athlete whose e-mail a notification process held when it was SIGKILLed at point.

    The schema and topics are shared by the whole run: the due e-mail the crashing process
    claims first can be a stray that another test left behind. Such a crash says nothing
    about this athlete's e-mail, so it is tried again with a new athlete, a bounded number of
    times, and the stray is reported as a warning so it can be traced.
    """
    strays = []
    for _ in range(3):
        athlete = Athlete.new()
        await quiet_queue(stack_env, db, logs)
        await publish(stack_env, athlete.contact(), athlete.received())
        crashing = start_notification(stack_env, logs, ACCELERATOR_CRASH_AT=point)
        assert crashing.wait_exit() == -signal.SIGKILL, crashing.log_text()[-2000:]
        claimed = any(row["attempts"] > 0 for row in await rows_of(db, athlete))
        # Past SMTP, the e-mail in hand when the process died is the one delivered last.
        delivered = point not in AFTER_SMTP or bool(mails_to(stack_env, athlete.email))
        if claimed and delivered:
            return athlete
        stray = await _claimed_lately(db)
        warnings.warn(f"the crash at {point} hit a stray e-mail: {stray}", stacklevel=2)
        strays.append(stray)
    raise AssertionError(f"every crash at {point} hit a stray e-mail: {strays}")


async def _claimed_lately(db: asyncpg.Connection) -> list[dict[str, object]]:
    """The e-mails claimed or settled in the last minute, by cause: where a stray came from."""
    rows = await db.fetch(
        "SELECT template, state, cause_topic, cause_partition, cause_offset, created_at"
        " FROM notification.notifications"
        " WHERE claimed_until > now() - interval '1 minute'"
        "    OR finished_at > now() - interval '1 minute'"
        " ORDER BY cause_time LIMIT 5"
    )
    return [dict(row) for row in rows]


async def _restart_until_sent(
    stack_env: dict[str, str], db: asyncpg.Connection, logs: Path, athlete: Athlete
) -> str:
    """Run a healthy process until the row is sent and announced; returns its log."""
    survivor = start_notification(stack_env, logs)
    try:
        await eventually(lambda: _settled_as_sent(stack_env, db, athlete))
        await asyncio.sleep(LEASE_S + 1)  # a late second copy would show up by now
    finally:
        survivor.terminate()
    return survivor.log_text()


async def _settled_as_sent(stack_env: dict[str, str], db: asyncpg.Connection, a: Athlete) -> bool:
    rows = await rows_of(db, a)
    announced = await notification_records(stack_env, a.applicant_id)
    return [r["state"] for r in rows] == ["sent"] and len(announced) == 1


async def test_killed_after_claiming_sends_once_after_restart(
    stack_env: dict[str, str], admin_db: asyncpg.Connection, tmp_path: Path
) -> None:
    athlete = await _killed_holding_own_email(
        "notification_after_claim", stack_env, admin_db, tmp_path
    )
    (row,) = await rows_of(admin_db, athlete)
    assert row["state"] == "pending"
    assert row["attempts"] == 1
    assert mails_to(stack_env, athlete.email) == []

    await _restart_until_sent(stack_env, admin_db, tmp_path, athlete)
    assert len(mails_to(stack_env, athlete.email)) == 1


async def test_killed_after_marking_sent_sends_no_second_email(
    stack_env: dict[str, str], admin_db: asyncpg.Connection, tmp_path: Path
) -> None:
    athlete = await _killed_holding_own_email(
        "notification_after_mark_sent", stack_env, admin_db, tmp_path
    )
    (row,) = await rows_of(admin_db, athlete)
    assert row["state"] == "sent"
    assert len(mails_to(stack_env, athlete.email)) == 1

    # The restarted relay publishes the notification.sent event committed with the row.
    await _restart_until_sent(stack_env, admin_db, tmp_path, athlete)
    assert len(mails_to(stack_env, athlete.email)) == 1


async def test_killed_while_consuming_records_each_email_once(
    stack_env: dict[str, str], admin_db: asyncpg.Connection, tmp_path: Path
) -> None:
    athlete = Athlete.new()
    await quiet_queue(stack_env, admin_db, tmp_path)
    screened = ApplicationScreened(application_id=athlete.application_id, eligible=True, reasons=[])
    await publish(stack_env, athlete.contact(), athlete.received(), athlete.event(screened))
    crashing = start_notification(
        stack_env, tmp_path, ACCELERATOR_CRASH_AT="consumer_after_db_commit"
    )
    assert crashing.wait_exit() == -signal.SIGKILL

    survivor = start_notification(stack_env, tmp_path)
    try:
        await eventually(lambda: _count_is(stack_env, athlete, 2))
        await asyncio.sleep(2)
    finally:
        survivor.terminate()
    assert len(mails_to(stack_env, athlete.email)) == 2
    assert sorted(r["template"] for r in await rows_of(admin_db, athlete)) == [
        "received",
        "screened_eligible",
    ]


async def test_killed_between_smtp_accepting_and_the_commit_resends_the_same_message(
    stack_env: dict[str, str], admin_db: asyncpg.Connection, tmp_path: Path
) -> None:
    """The documented window: SMTP has the message, the database does not know yet.

    The row is still pending, so it is sent again once the lease ends, under the same
    Message-ID; it is announced once, and the second attempt is logged as in doubt.
    """
    athlete = await _killed_holding_own_email(
        "notification_after_smtp_accept", stack_env, admin_db, tmp_path
    )
    (row,) = await rows_of(admin_db, athlete)
    assert row["state"] == "pending"
    assert len(mails_to(stack_env, athlete.email)) == 1

    log = await _restart_until_sent(stack_env, admin_db, tmp_path, athlete)
    copies = mails_to(stack_env, athlete.email)
    assert len(copies) == 2
    assert len({m["Message-ID"] for m in copies}) == 1, "the copy is the same message"
    assert "never reported back" in log


async def _count_is(stack_env: dict[str, str], athlete: Athlete, expected: int) -> bool:
    return len(mails_to(stack_env, athlete.email)) >= expected
