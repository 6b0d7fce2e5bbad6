"""`accelerator dlq`: refs, what a redrive of each kind of entry means, listing and showing."""

import argparse
import uuid
from datetime import UTC, datetime
from pathlib import Path

import pytest
from rich.console import Console

from cli.dead_letters import DeadLetter, Redrive, parse_ref
from cli.dlq import describe, render_list, select
from cli.errors import CommandFailed
from cli.main import main
from cli.redrive import Action, plan
from shared.events.envelope import CloudEvent

pytestmark = pytest.mark.unit

EVENT = CloudEvent(
    source="/accelerator/intake",
    type="accelerator.application.received.v1",
    subject="app-1",
    data={"application_id": "app-1"},
    correlationid="c-1",
)


def _entry(
    *,
    topic: str = "accelerator.applications",
    value: bytes | None = EVENT.to_bytes(),
    group: str = "scoring",
    notification_id: str | None = None,
    offset: int = 4,
) -> DeadLetter:
    headers = [
        ("traceparent", b"00-abc"),
        ("dlq.origin.topic", topic.encode()),
        ("dlq.origin.partition", b"2"),
        ("dlq.origin.offset", b"17"),
        ("dlq.consumer.group", group.encode()),
        ("dlq.error.class", b"CheckViolationError"),
        ("dlq.error.reason", b"subject refused"),
        ("dlq.failed.at", b"2026-11-20T10:00:00+00:00"),
    ]
    if notification_id:
        headers.append(("dlq.notification.id", notification_id.encode()))
    return DeadLetter(
        partition=1,
        offset=offset,
        timestamp=datetime(2026, 11, 20, 10, tzinfo=UTC),
        key=b"app-1",
        value=value,
        headers=headers,
    )


def test_a_ref_is_partition_colon_offset() -> None:
    assert parse_ref("2:17") == (2, 17)
    for wrong in ("217", "a:1", "1:", "-1:2"):
        with pytest.raises(CommandFailed, match="expected <partition>:<offset>"):
            parse_ref(wrong)


def test_a_consumer_entry_is_republished_and_a_notification_entry_retried() -> None:
    assert plan(_entry()).action is Action.REPUBLISH
    notification = _entry(group="notification", notification_id=str(uuid.uuid4()))
    assert plan(notification).action is Action.RETRY_NOTIFICATION


def test_what_cannot_take_effect_is_refused_with_the_reason() -> None:
    junk = plan(_entry(value=b"not json"))
    assert junk.action is Action.REFUSE
    assert "still not a CloudEvent" in junk.reason
    assert "dead-lettered again" in junk.reason
    compacted = plan(_entry(topic="accelerator.contacts"))
    assert compacted.action is Action.REFUSE
    assert "compacted" in compacted.reason
    assert plan(_entry(value=None)).action is Action.REFUSE


def test_an_entry_redriven_before_is_not_redriven_again() -> None:
    entry = _entry()
    entry.redrive = Redrive(at="2026-11-21T09:00:00+00:00", outcome="republished to x[0]@3")
    decided = plan(entry)
    assert decided.action is Action.ALREADY_REDRIVEN
    assert "republished to x[0]@3" in decided.reason


def test_the_list_shows_origin_group_error_and_state() -> None:
    redriven = _entry(offset=5)
    redriven.redrive = Redrive(at="2026-11-21T09:00:00+00:00", outcome="republished")
    console = Console(width=250, record=True)
    console.print(render_list([_entry(), redriven]))
    text = console.export_text()
    assert "1:4" in text
    assert "accelerator.applications[2]@17" in text
    assert "CheckViolationError: subject refused" in text
    assert "pending" in text
    assert "redriven 2026-11-21T09:00:00" in text


def test_filters_select_by_group_topic_key_time_and_state() -> None:
    entries = [_entry(), _entry(group="grant", offset=5), _entry(topic="t", offset=6)]
    entries[1].redrive = Redrive(at="x", outcome="y")

    def chosen(**given: object) -> list[str]:
        defaults = {"group": None, "topic": None, "key": None, "since": None, "state": "all"}
        args = argparse.Namespace(**{**defaults, **given})
        return [e.ref for e in select(entries, args)]

    assert chosen(group="grant") == ["1:5"]
    assert chosen(topic="t") == ["1:6"]
    assert chosen(state="pending") == ["1:4", "1:6"]
    assert chosen(key="other") == []
    assert chosen(since=datetime(2026, 11, 21, tzinfo=UTC)) == []


def test_show_gives_every_header_and_the_decoded_event() -> None:
    shown = describe(_entry())
    assert "traceparent: 00-abc" in shown
    assert "dlq.error.reason: subject refused" in shown
    assert '"type": "accelerator.application.received.v1"' in shown
    assert "not redriven" in shown
    assert "not a CloudEvent" in describe(_entry(value=b"\x00junk"))


def test_redrive_needs_refs_or_all(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["dlq", "redrive"]) == 2
    assert "pass --all" in capsys.readouterr().err
    assert main(["dlq", "show"]) == 2
    assert main(["dlq", "list", "--state", "lost"]) == 2
