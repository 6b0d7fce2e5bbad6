"""`accelerator edition`, `rescore` and `replay`: arguments, messages and exit codes."""

from datetime import UTC, datetime
from pathlib import Path

import pytest
from aiokafka import TopicPartition
from rich.console import Console

from cli.edition import closing_message, closing_table, opening_message
from cli.main import main
from cli.replay import Move, render, summary
from cli.rescore import RescoreTotals

pytestmark = pytest.mark.unit

OPENING = {
    "edition_id": "athlete365-5",
    "opened_now": True,
    "opened_at": "2026-11-23T10:00:00+00:00",
    "opens_at": "2027-01-01T00:00:00+00:00",
    "closes_at": "2027-06-30T00:00:00+00:00",
}


@pytest.fixture(autouse=True)
def _no_stack(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    for key in ("GRANT_URL", "SCORING_URL", "ADMIN_TOKEN", "KAFKA_BOOTSTRAP_SERVERS"):
        monkeypatch.delenv(key, raising=False)


def test_help_documents_the_exit_codes(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--help"]) == 0
    out = capsys.readouterr().out
    assert "exit codes:" in out
    assert "3  refused" in out


def test_opening_says_what_happened_and_when_intake_takes_applications() -> None:
    before = datetime(2026, 12, 1, tzinfo=UTC)
    assert opening_message(OPENING, now=before) == (
        "opened athlete365-5: edition.opened is announced;"
        " intake takes applications from 2027-01-01 00:00 UTC"
    )
    during = opening_message({**OPENING, "opened_now": False}, now=datetime(2027, 2, 1, tzinfo=UTC))
    assert during.startswith("athlete365-5 was already open (since 2026-11-23T10:00:00)")
    assert during.endswith("until 2027-06-30 00:00 UTC")
    after = opening_message(OPENING, now=datetime(2027, 7, 1, tzinfo=UTC))
    assert after.endswith("window ended on 2027-06-30 00:00 UTC")


def test_closing_again_is_reported_as_nothing_changed() -> None:
    body = {
        "edition_id": "athlete365-4",
        "closed_at": "2027-09-01T00:00:00+00:00",
        "ranked": 900,
        "unranked": 3,
        "offered_at_close": 50,
        "waitlisted_at_close": 850,
    }
    assert closing_message(body, was_closed=True).startswith(
        "athlete365-4 was already closed on 2027-09-01T00:00:00: nothing changed"
    )
    assert closing_message(body, was_closed=False).startswith(
        "athlete365-4 closed at 2027-09-01T00:00:00"
    )
    console = Console(width=120, record=True)
    console.print(closing_table(body))
    assert "waitlisted at closing" in console.export_text()


def test_edition_needs_an_action_it_knows_and_the_grant_url(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["edition", "reopen", "athlete365-4"]) == 2
    assert main(["edition", "open", "athlete365-4"]) == 2
    assert "GRANT_URL is not set" in capsys.readouterr().err


def test_rescore_checks_the_page_size_and_summarises() -> None:
    assert main(["rescore", "--edition", "x", "--page-size", "0", "--url", "http://s"]) == 2
    assert main(["rescore"]) == 2
    totals = RescoreTotals(eligible=10, considered=10, rescored=4)
    assert totals.summary("athlete365-4") == (
        "athlete365-4: 10 eligible applications recomputed; 4 scores changed and were"
        " published (application.scored), 6 unchanged"
    )


def test_replay_needs_a_known_service_and_a_time_with_a_zone(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["replay", "dashboard", "--from-beginning"]) == 2
    assert main(["replay", "scoring"]) == 2
    assert main(["replay", "scoring", "--from", "2026-11-01T00:00"]) == 2
    assert "no time zone" in capsys.readouterr().err
    assert main(["replay", "scoring", "--from-beginning", "--from", "2026-11-01T00:00Z"]) == 2


def test_replay_only_ever_moves_a_group_back() -> None:
    tp = TopicPartition("accelerator.applications", 0)
    back = Move(tp, committed=100, target=40, end=120)
    assert back.moves
    assert back.to_reread == 80
    forward = Move(tp, committed=100, target=110, end=120)
    assert not forward.moves
    assert forward.to_reread == 0
    assert not Move(tp, committed=None, target=0, end=5).moves
    assert summary([back, forward], service="scoring", dry_run=True) == (
        "dry run: scoring would re-read 80 messages; nothing was changed"
    )
    assert summary([back], service="scoring", dry_run=False).endswith(
        "re-read 80 messages when it starts"
    )
    console = Console(width=120, record=True)
    console.print(render([back, forward]))
    assert "unchanged" in console.export_text()
