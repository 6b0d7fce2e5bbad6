"""SMTP that is down, says 4xx or says 5xx: retried with backoff, or failed for good with a
notification.failed event and a dead letter, never with the address."""

import contextlib
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import pytest
from aiosmtpd.controller import Controller

from shared import topics
from tests.support.notification import (
    Athlete,
    dead_letters_for,
    mails_to,
    notification_records,
    publish,
    quiet_queue,
    rows_of,
    start_notification,
)
from tests.support.processes import free_port
from tests.support.waiting import eventually

pytestmark = pytest.mark.integration

ADMIN_TOKEN = "notification-tests-admin-token"
ADMIN = {"Authorization": f"Bearer {ADMIN_TOKEN}"}


class ScriptedSmtp:
    """Answers RCPT with the scripted replies (or `always`), then accepts and keeps mail."""

    def __init__(self, replies: list[str] | None = None, always: str | None = None) -> None:
        self.replies = list(replies or [])
        self.always = always
        self.accepted: list[bytes] = []

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, options: Any
    ) -> str:
        if self.always:
            return self.always.replace("{address}", address)
        if self.replies:
            return self.replies.pop(0)
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.accepted.append(envelope.content)
        return "250 Message accepted for delivery"


@contextlib.contextmanager
def smtp_server(handler: ScriptedSmtp, port: int) -> Iterator[ScriptedSmtp]:
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield handler
    finally:
        controller.stop()


async def _row(db: asyncpg.Connection, athlete: Athlete) -> asyncpg.Record:
    (row,) = await rows_of(db, athlete)
    return row


async def test_an_unreachable_server_is_retried_until_it_answers(
    stack_env: dict[str, str], admin_db: asyncpg.Connection, tmp_path: Path
) -> None:
    athlete = Athlete.new()
    await quiet_queue(stack_env, admin_db, tmp_path)
    port = free_port()  # nothing listens here yet: connection refused
    await publish(stack_env, athlete.contact(), athlete.received())
    service = start_notification(stack_env, tmp_path, SMTP_PORT=str(port), SEND_MAX_ATTEMPTS="100")
    try:
        await eventually(lambda: _attempts_at_least(admin_db, athlete, 2))
        row = await _row(admin_db, athlete)
        assert row["state"] == "pending"
        assert "unavailable" in row["last_error"]
        with smtp_server(ScriptedSmtp(), port) as server:
            await eventually(lambda: _state_is(admin_db, athlete, "sent"))
        assert len(server.accepted) == 1
    finally:
        service.terminate()


async def test_a_4xx_reply_is_retried_with_backoff_and_then_delivered(
    stack_env: dict[str, str], admin_db: asyncpg.Connection, tmp_path: Path
) -> None:
    athlete = Athlete.new()
    await quiet_queue(stack_env, admin_db, tmp_path)
    port = free_port()
    busy = "451 4.3.0 Mailbox busy, try again later"
    with smtp_server(ScriptedSmtp(replies=[busy, busy]), port) as server:
        await publish(stack_env, athlete.contact(), athlete.received())
        service = start_notification(stack_env, tmp_path, SMTP_PORT=str(port))
        try:
            await eventually(lambda: _state_is(admin_db, athlete, "sent"))
            await eventually(lambda: _announced(stack_env, athlete, b"notification.sent"))
        finally:
            service.terminate()
    assert len(server.accepted) == 1
    row = await _row(admin_db, athlete)
    assert row["attempts"] == 3
    assert row["last_error"] is None


async def test_a_5xx_reply_fails_the_notification_and_dead_letters_its_cause(
    stack_env: dict[str, str], admin_db: asyncpg.Connection, tmp_path: Path
) -> None:
    athlete = Athlete.new()
    await quiet_queue(stack_env, admin_db, tmp_path)
    port = free_port()
    received = athlete.received()
    rejecting = ScriptedSmtp(always="550 5.1.1 <{address}>: Recipient address rejected")
    with smtp_server(rejecting, port):
        await publish(stack_env, athlete.contact(), received)
        service = start_notification(stack_env, tmp_path, SMTP_PORT=str(port))
        try:
            await eventually(lambda: _state_is(admin_db, athlete, "failed"))
            await eventually(lambda: _announced(stack_env, athlete, b"notification.failed"))
            await eventually(lambda: _dead_lettered(stack_env, athlete))
        finally:
            service.terminate()
    row = await _row(admin_db, athlete)
    assert row["attempts"] == 1, "a permanent failure is not retried"

    (announcement,) = await notification_records(stack_env, athlete.applicant_id)
    assert b"550" in announcement.value
    assert athlete.email.encode() not in announcement.value

    (dead,) = await dead_letters_for(stack_env, athlete.application_id)
    headers = dict(dead.headers)
    assert dead.value == received.to_bytes(), "the cause event, byte for byte"
    assert headers["dlq.origin.topic"] == topics.APPLICATIONS.encode()
    assert headers["dlq.error.class"] == b"SMTPRejected"
    assert b"550" in headers["dlq.error.reason"]
    assert all(athlete.email.encode() not in value for value in headers.values())


async def test_a_server_that_keeps_saying_4xx_is_given_up_after_the_last_attempt(
    stack_env: dict[str, str], admin_db: asyncpg.Connection, tmp_path: Path
) -> None:
    athlete = Athlete.new()
    await quiet_queue(stack_env, admin_db, tmp_path)
    port = free_port()
    with smtp_server(ScriptedSmtp(always="421 4.7.0 Try again later"), port):
        await publish(stack_env, athlete.contact(), athlete.received())
        service = start_notification(
            stack_env, tmp_path, SMTP_PORT=str(port), SEND_MAX_ATTEMPTS="3"
        )
        try:
            await eventually(lambda: _state_is(admin_db, athlete, "failed"))
            await eventually(lambda: _dead_lettered(stack_env, athlete))
        finally:
            service.terminate()
    row = await _row(admin_db, athlete)
    assert row["attempts"] == 3
    assert "gave up after 3 attempts" in row["last_error"]
    (dead,) = await dead_letters_for(stack_env, athlete.application_id)
    assert dict(dead.headers)["dlq.error.class"] == b"AttemptsExhausted"


async def test_an_operator_retries_a_failed_email_once_the_problem_is_fixed(
    stack_env: dict[str, str], admin_db: asyncpg.Connection, tmp_path: Path
) -> None:
    athlete = Athlete.new("fr")
    await quiet_queue(stack_env, admin_db, tmp_path)
    port = free_port()
    with smtp_server(ScriptedSmtp(always="554 5.7.1 Message refused"), port):
        await publish(stack_env, athlete.contact(), athlete.received())
        refused = start_notification(stack_env, tmp_path, SMTP_PORT=str(port))
        try:
            await eventually(lambda: _state_is(admin_db, athlete, "failed"))
        finally:
            refused.terminate()
    (dead,) = await dead_letters_for(stack_env, athlete.application_id)
    notification_id = dict(dead.headers)["dlq.notification.id"].decode()

    service = start_notification(stack_env, tmp_path, ADMIN_TOKEN=ADMIN_TOKEN)
    try:
        await service.wait_ready()
        async with httpx.AsyncClient(base_url=service.url, timeout=5) as http:
            path = f"/v1/notifications/{notification_id}/retry"
            assert (await http.post(path)).status_code == 401
            assert (await http.post(path, headers=ADMIN)).json()["state"] == "pending"
            await eventually(lambda: _state_is(admin_db, athlete, "sent"))
            assert (await http.post(path, headers=ADMIN)).status_code == 409
            unknown = f"/v1/notifications/{uuid.uuid4()}/retry"
            assert (await http.post(unknown, headers=ADMIN)).status_code == 404
            summary = (await http.get("/v1/notifications/summary", headers=ADMIN)).json()
    finally:
        service.terminate()
    (mail,) = mails_to(stack_env, athlete.email)
    assert mail["Message-ID"].strip() == f"<{notification_id}@accelerator.athlete365.example>"
    assert summary["sent_by_language"]["fr"] >= 1
    assert athlete.email not in str(summary)


async def test_an_email_whose_recipient_never_becomes_known_is_given_up_after_the_wait(
    stack_env: dict[str, str], admin_db: asyncpg.Connection, tmp_path: Path
) -> None:
    athlete = Athlete.new()
    await quiet_queue(stack_env, admin_db, tmp_path)
    await publish(stack_env, athlete.received())  # no contact ever comes
    waiting = start_notification(stack_env, tmp_path)
    try:
        await eventually(lambda: _state_is(admin_db, athlete, "pending"))
    finally:
        waiting.terminate()

    impatient = start_notification(stack_env, tmp_path, CONTACT_WAIT_S="0.5")
    try:
        await eventually(lambda: _state_is(admin_db, athlete, "failed"))
        await eventually(lambda: _announced(stack_env, athlete, b"notification.failed"))
        await eventually(lambda: _dead_lettered(stack_env, athlete))
    finally:
        impatient.terminate()
    (dead,) = await dead_letters_for(stack_env, athlete.application_id)
    assert dict(dead.headers)["dlq.error.class"] == b"NoRecipient"


async def _attempts_at_least(db: asyncpg.Connection, athlete: Athlete, n: int) -> bool:
    rows = await rows_of(db, athlete)
    return bool(rows) and rows[0]["attempts"] >= n


async def _state_is(db: asyncpg.Connection, athlete: Athlete, state: str) -> bool:
    rows = await rows_of(db, athlete)
    return bool(rows) and rows[0]["state"] == state


async def _announced(stack_env: dict[str, str], athlete: Athlete, kind: bytes) -> bool:
    records = await notification_records(stack_env, athlete.applicant_id)
    return any(kind in r.value for r in records)


async def _dead_lettered(stack_env: dict[str, str], athlete: Athlete) -> bool:
    return bool(await dead_letters_for(stack_env, athlete.application_id))
