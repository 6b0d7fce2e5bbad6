"""`accelerator status`: every service's health and readiness (with what is not ready), its
consumer group's lag (end offsets minus committed offsets, from Kafka), its outbox backlog
(from its /metrics), and the dead letters in accelerator.dlq (all, and those not redriven).

Exit code 0: everything is up and ready; 1: a service is down or not ready, or Kafka is
unreachable; 2: the stack's URLs are not configured."""

import argparse
import asyncio
import json
from dataclasses import asdict, dataclass, field
from typing import Any

import httpx
from prometheus_client.parser import text_string_to_metric_families
from rich.console import Console
from rich.table import Table

from cli.dead_letters import read_dead_letters
from cli.errors import ATTENTION, EXIT_CODES_HELP, OK, CommandFailed
from cli.kafka_ops import group_lag, kafka_admin, kafka_reader
from cli.settings import setting
from cli.stack import kafka_bootstrap, service_url
from shared.topics import SERVICES

OUTBOX_BACKLOG_METRIC = "accelerator_outbox_backlog"


@dataclass
class ServiceStatus:
    service: str
    url: str
    healthy: bool = False
    ready: bool = False
    not_ready: list[str] = field(default_factory=list)  # the failing checks, or why unknown
    outbox_backlog: int | None = None
    consumer_lag: int | None = None
    lag_by_topic: dict[str, int] = field(default_factory=dict)


@dataclass
class StackStatus:
    services: list[ServiceStatus]
    kafka_error: str | None = None
    dead_letters: int | None = None
    dead_letters_not_redriven: int | None = None

    @property
    def ok(self) -> bool:
        return self.kafka_error is None and all(s.healthy and s.ready for s in self.services)


def register(subcommands: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    parser = subcommands.add_parser(
        "status",
        help="health, readiness, consumer lag, outbox backlog and dead letters",
        description=__doc__,
        epilog=EXIT_CODES_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    parser.add_argument("--bootstrap", help="Kafka bootstrap servers (default: from the stack)")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    services = [ServiceStatus(name, service_url(name)) for name in SERVICES]
    # The dashboard is shown when the stack runs one; it has no consumer group or outbox.
    if dashboard_url := setting("DASHBOARD_URL", None):
        services.append(ServiceStatus("dashboard", dashboard_url.rstrip("/")))
    status = StackStatus(services)
    asyncio.run(_gather(status, kafka_bootstrap(args.bootstrap)))
    if args.json:
        print(json.dumps(as_json(status), indent=2))
    else:
        Console().print(render(status))
    return OK if status.ok else ATTENTION


async def _gather(status: StackStatus, bootstrap: str) -> None:
    async with httpx.AsyncClient(timeout=5.0) as http:
        await asyncio.gather(*(_probe(http, s) for s in status.services))
    try:
        await _kafka_side(status, bootstrap)
    except CommandFailed as exc:
        status.kafka_error = str(exc)


async def _probe(http: httpx.AsyncClient, status: ServiceStatus) -> None:
    try:
        status.healthy = (await http.get(f"{status.url}/healthz")).status_code == 200
        ready = await http.get(f"{status.url}/readyz")
        status.ready, status.not_ready = readiness(ready)
        metrics = await http.get(f"{status.url}/metrics")
        if metrics.status_code == 200:
            status.outbox_backlog = outbox_backlog(metrics.text)
    except httpx.HTTPError as exc:
        status.not_ready = [f"unreachable: {type(exc).__name__}"]


def readiness(response: httpx.Response) -> tuple[bool, list[str]]:
    """Ready or not, and the names of the checks that failed."""
    try:
        checks = response.json().get("checks", {})
    except ValueError:
        checks = {}
    failing = sorted(name for name, passed in checks.items() if not passed)
    ready = response.status_code == 200
    if not ready and not failing:
        failing = [f"HTTP {response.status_code}"]
    return ready, failing


def outbox_backlog(exposition: str) -> int | None:
    """Rows not yet published, from Prometheus text; None when the relay has not reported."""
    for family in text_string_to_metric_families(exposition):
        if family.name == OUTBOX_BACKLOG_METRIC and family.samples:
            return int(sum(sample.value for sample in family.samples))
    return None


async def _kafka_side(status: StackStatus, bootstrap: str) -> None:
    async with kafka_admin(bootstrap) as admin, kafka_reader(bootstrap) as reader:
        for service in status.services:
            lags = await group_lag(admin, reader, service.service)
            by_topic: dict[str, int] = {}
            for lag in lags:
                by_topic[lag.partition.topic] = by_topic.get(lag.partition.topic, 0) + lag.lag
            service.lag_by_topic = by_topic
            service.consumer_lag = sum(by_topic.values()) if lags else None
    entries = await read_dead_letters(bootstrap)
    status.dead_letters = len(entries)
    status.dead_letters_not_redriven = sum(1 for e in entries if e.redrive is None)


def _yes_no(value: bool) -> str:
    return "[green]yes[/]" if value else "[red]no[/]"


def _number(value: int | None) -> str:
    return "-" if value is None else str(value)


def render(status: StackStatus) -> Table:
    table = Table(title="Athlete Accelerator")
    for name, justify in (
        ("service", "left"),
        ("healthy", "left"),
        ("ready", "left"),
        ("consumer lag", "right"),
        ("outbox backlog", "right"),
    ):
        table.add_column(name, justify=justify)  # type: ignore[arg-type]
    for s in status.services:
        ready = _yes_no(s.ready) + (f" ({', '.join(s.not_ready)})" if s.not_ready else "")
        lag = "?" if status.kafka_error else _number(s.consumer_lag)
        table.add_row(s.service, _yes_no(s.healthy), ready, lag, _number(s.outbox_backlog))
    if status.kafka_error:
        table.caption = f"[red]{status.kafka_error}[/]"
    else:
        table.caption = (
            f"dead letters in accelerator.dlq: {status.dead_letters}"
            f" ({status.dead_letters_not_redriven} not redriven)"
        )
    return table


def as_json(status: StackStatus) -> dict[str, Any]:
    return {
        "ok": status.ok,
        "services": [asdict(s) for s in status.services],
        "kafka_error": status.kafka_error,
        "dead_letters": {
            "total": status.dead_letters,
            "not_redriven": status.dead_letters_not_redriven,
        },
    }
