"""`accelerator status`: readiness reasons, the outbox backlog read from /metrics, the table,
the JSON and the exit code."""

import json
from pathlib import Path

import httpx
import pytest
from prometheus_client import CollectorRegistry, Gauge, generate_latest
from rich.console import Console

from cli.main import main
from cli.status import ServiceStatus, StackStatus, as_json, outbox_backlog, readiness, render

pytestmark = pytest.mark.unit


def test_readiness_names_the_checks_that_failed() -> None:
    body = {"ready": False, "checks": {"database": False, "kafka": True, "consumers": False}}
    assert readiness(httpx.Response(503, json=body)) == (False, ["consumers", "database"])
    assert readiness(httpx.Response(200, json={"ready": True, "checks": {"kafka": True}})) == (
        True,
        [],
    )
    assert readiness(httpx.Response(502, text="bad gateway")) == (False, ["HTTP 502"])


def test_the_outbox_backlog_is_read_from_prometheus_text() -> None:
    registry = CollectorRegistry()
    Gauge("accelerator_outbox_backlog", "rows", ["service"], registry=registry).labels("grant").set(
        7
    )
    assert outbox_backlog(generate_latest(registry).decode()) == 7
    assert outbox_backlog("# nothing reported yet\n") is None


def _stack(*, scoring_ready: bool) -> StackStatus:
    up = ServiceStatus("intake", "http://i", healthy=True, ready=True, consumer_lag=0)
    scoring = ServiceStatus(
        "scoring",
        "http://s",
        healthy=True,
        ready=scoring_ready,
        not_ready=[] if scoring_ready else ["database"],
        outbox_backlog=3,
        consumer_lag=42,
        lag_by_topic={"accelerator.applications": 42},
    )
    return StackStatus([up, scoring], dead_letters=5, dead_letters_not_redriven=2)


def test_the_table_shows_readiness_reasons_lag_backlog_and_dead_letters() -> None:
    console = Console(width=160, record=True)
    console.print(render(_stack(scoring_ready=False)))
    text = console.export_text()
    assert "no (database)" in text
    assert "42" in text
    assert "dead letters in accelerator.dlq: 5 (2 not redriven)" in text


def test_anything_not_ready_or_kafka_unreachable_is_not_ok() -> None:
    assert _stack(scoring_ready=True).ok
    assert not _stack(scoring_ready=False).ok
    unreachable = _stack(scoring_ready=True)
    unreachable.kafka_error = "Kafka at x:1 is unreachable"
    assert not unreachable.ok
    document = as_json(_stack(scoring_ready=False))
    assert document["ok"] is False
    assert document["services"][1]["lag_by_topic"] == {"accelerator.applications": 42}
    assert json.loads(json.dumps(document)) == document


def test_missing_service_urls_are_named_and_exit_2(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    for key in ("INTAKE_URL", "SCORING_URL", "GRANT_URL", "NOTIFICATION_URL"):
        monkeypatch.delenv(key, raising=False)
    assert main(["status"]) == 2
    assert "INTAKE_URL is not set" in capsys.readouterr().err
