"""`accelerator dlq`: a dead letter is redriven once its cause is fixed and processed exactly
once; a failed e-mail is redriven through the notification service and sent."""

import asyncio
import uuid
from pathlib import Path

import asyncpg
import pytest

from shared.events.envelope import CloudEvent
from tests.integration.test_notification_smtp_failures import ScriptedSmtp, smtp_server
from tests.support.cli import (
    accelerator,
    accelerator_json,
    point_cli_at,
)
from tests.support.kafka import create_topic, produce
from tests.support.notification import (
    Athlete,
    dead_letters_for,
    mails_to,
    publish,
    quiet_queue,
    rows_of,
    start_notification,
)
from tests.support.processes import free_port, start_service
from tests.support.waiting import eventually

pytestmark = pytest.mark.integration

ADMIN_TOKEN = "cli-dlq-tests-admin-token"


def _event(subject: str) -> CloudEvent:
    return CloudEvent(
        source="/accelerator/test",
        type="accelerator.test.happened.v1",
        subject=subject,
        data={"n": 1},
        correlationid=str(uuid.uuid4()),
    )


async def _times_applied(db: asyncpg.Connection, event_id: uuid.UUID) -> int:
    count: int = await db.fetchval(
        "SELECT count(*) FROM ledger.applied WHERE event_id = $1", event_id
    )
    return count


async def test_a_dead_letter_redriven_after_its_cause_is_fixed_is_processed_once(
    ledger_env: dict[str, str],
    admin_db: asyncpg.Connection,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    bootstrap = ledger_env["KAFKA_BOOTSTRAP_SERVERS"]
    topic = await create_topic(bootstrap)
    ledger = start_service(
        "tests.support.ledger_service", env={**ledger_env, "LEDGER_TOPIC": topic}, log_dir=tmp_path
    )
    point_cli_at(monkeypatch, tmp_path, KAFKA_BOOTSTRAP_SERVERS=bootstrap)
    subject = f"poison-{uuid.uuid4().hex[:8]}"
    constraint = f"refuse_{uuid.uuid4().hex[:8]}"
    poison, fine = _event(subject), _event("fine-1")
    try:
        await ledger.wait_ready()  # its tables exist from now on
        # The cause: the ledger's table refuses this subject, a permanent failure.
        await admin_db.execute(
            f"ALTER TABLE ledger.applied ADD CONSTRAINT {constraint} CHECK (subject <> '{subject}')"
        )
        await produce(
            bootstrap,
            topic,
            [(subject, poison.to_bytes()), ("fine-1", fine.to_bytes()), ("junk", b"not json")],
        )

        async def both_dead_lettered() -> bool:
            _, entries = await accelerator_json(capsys, "dlq", "list", "--topic", topic)
            return len(entries) == 2

        await eventually(both_dead_lettered)
        assert await _times_applied(admin_db, fine.id) == 1
        _, entries = await accelerator_json(capsys, "dlq", "list", "--topic", topic)
        by_key = {e["key"]: e for e in entries}
        assert by_key[subject]["group"] == "ledger"
        assert "CheckViolation" in by_key[subject]["error"]
        assert by_key[subject]["redriven"] is None
        poison_ref, junk_ref = by_key[subject]["ref"], by_key["junk"]["ref"]

        code, shown, _ = await accelerator(capsys, "dlq", "show", poison_ref)
        assert code == 0
        assert f"dlq.origin.topic: {topic}" in shown
        assert str(poison.id) in shown, "the original event, decoded"

        await admin_db.execute(f"ALTER TABLE ledger.applied DROP CONSTRAINT {constraint}")
        code, out, _ = await accelerator(capsys, "dlq", "redrive", poison_ref, junk_ref)
        assert code == 1, "the junk cannot be redriven, and the command says so"
        assert "still not a CloudEvent" in out
        await eventually(lambda: _applied_once(admin_db, poison.id))

        code, out, _ = await accelerator(capsys, "dlq", "redrive", poison_ref)
        assert code == 0
        assert "skipped" in out
        code, out, _ = await accelerator(capsys, "dlq", "redrive", "--all", "--topic", topic)
        assert code == 1, "only the junk is left, and it is refused again"
        await asyncio.sleep(2)  # a second processing would show up here
        assert await _times_applied(admin_db, poison.id) == 1

        _, entries = await accelerator_json(
            capsys, "dlq", "list", "--topic", topic, "--state", "redriven"
        )
        assert [e["ref"] for e in entries] == [poison_ref]
        assert entries[0]["redriven"]["outcome"].startswith(f"republished to {topic}")
    finally:
        ledger.terminate()
        await admin_db.execute(f"ALTER TABLE ledger.applied DROP CONSTRAINT IF EXISTS {constraint}")


async def _applied_once(db: asyncpg.Connection, event_id: uuid.UUID) -> bool:
    return await _times_applied(db, event_id) == 1


async def test_a_refused_email_redriven_is_sent_once(
    stack_env: dict[str, str],
    admin_db: asyncpg.Connection,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    athlete = Athlete.new("de")
    await quiet_queue(stack_env, admin_db, tmp_path)
    port = free_port()
    with smtp_server(ScriptedSmtp(always="554 5.7.1 Message refused"), port):
        await publish(stack_env, athlete.contact(), athlete.received())
        refusing = start_notification(stack_env, tmp_path, SMTP_PORT=str(port))
        try:
            await eventually(lambda: _dead_letter_count(stack_env, athlete, 1))
        finally:
            refusing.terminate()

    service = start_notification(stack_env, tmp_path, ADMIN_TOKEN=ADMIN_TOKEN)
    try:
        await service.wait_ready()
        point_cli_at(
            monkeypatch,
            tmp_path,
            KAFKA_BOOTSTRAP_SERVERS=stack_env["KAFKA_BOOTSTRAP_SERVERS"],
            NOTIFICATION_URL=service.url,
            ADMIN_TOKEN=ADMIN_TOKEN,
        )
        _, entries = await accelerator_json(
            capsys, "dlq", "list", "--group", "notification", "--key", str(athlete.application_id)
        )
        assert len(entries) == 1
        ref = entries[0]["ref"]
        assert entries[0]["notification_id"]

        code, out, _ = await accelerator(capsys, "dlq", "redrive", ref)
        assert code == 0, out
        assert "queued for sending again" in out
        await eventually(lambda: _sent(admin_db, athlete))
        code, out, _ = await accelerator(capsys, "dlq", "redrive", ref)
        assert code == 0
        assert "skipped" in out
    finally:
        service.terminate()
    assert len(mails_to(stack_env, athlete.email)) == 1


async def _dead_letter_count(stack_env: dict[str, str], athlete: Athlete, count: int) -> bool:
    return len(await dead_letters_for(stack_env, athlete.application_id)) == count


async def _sent(db: asyncpg.Connection, athlete: Athlete) -> bool:
    return [r["state"] for r in await rows_of(db, athlete)] == ["sent"]
