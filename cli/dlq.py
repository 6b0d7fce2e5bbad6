"""`accelerator dlq list|show|redrive`: the dead letters in accelerator.dlq.

list     entries with their origin (topic[partition]@offset), consumer group, error, key,
         time and whether they were redriven; filters narrow it down.
show     one entry whole: every header and the original event, decoded.
redrive  puts entries back so the consumer that failed processes them again (consumer
         entries are republished to their origin topic; notification entries are retried by
         the notification service). Entries already redriven are skipped; see cli/redrive.py.

An entry is named by its ref, <partition>:<offset> in accelerator.dlq (shown by `list`).

Exit code 0: done; 1: some entries could not be redriven (each is named with why);
2: Kafka or a service unreachable, a ref that does not exist, or missing configuration."""

import argparse
import asyncio
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn
from rich.table import Table

from cli import redrive
from cli.admin_api import AdminApi
from cli.dead_letters import DeadLetter, DeadLetterWriter, parse_ref, read_dead_letters
from cli.errors import ATTENTION, EXIT_CODES_HELP, OK, CommandFailed
from cli.stack import admin_token, kafka_bootstrap, service_url
from shared.events.envelope import CloudEvent, MalformedEvent


def register(subcommands: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    parser = subcommands.add_parser(
        "dlq",
        help="list, show and redrive dead letters",
        description=__doc__,
        epilog=EXIT_CODES_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")

    listing = actions.add_parser("list", help="dead letters, newest last")
    _filters(listing)
    listing.add_argument("--since", type=datetime.fromisoformat, help="failed at or after")
    listing.add_argument("--key", help="only entries with this Kafka key")
    listing.add_argument(
        "--state", choices=("all", "pending", "redriven"), default="all", help="default: all"
    )
    listing.add_argument("--json", action="store_true", help="print JSON instead of a table")
    listing.set_defaults(run=run_list)

    showing = actions.add_parser("show", help="one dead letter: headers and decoded event")
    showing.add_argument("ref", help="<partition>:<offset>, as `dlq list` shows")
    showing.add_argument("--bootstrap", help="Kafka bootstrap servers (default: from the stack)")
    showing.set_defaults(run=run_show)

    redriving = actions.add_parser("redrive", help="process dead letters again")
    redriving.add_argument("refs", nargs="*", metavar="REF", help="entries to redrive")
    redriving.add_argument("--all", action="store_true", help="every entry not yet redriven")
    _filters(redriving)
    redriving.add_argument("--dry-run", action="store_true", help="say what would be done")
    redriving.add_argument("--url", help="notification's base URL (default: NOTIFICATION_URL)")
    redriving.add_argument("--token", help="admin token (default: ADMIN_TOKEN)")
    redriving.set_defaults(run=run_redrive)


def _filters(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--group", help="only entries of this consumer group (e.g. scoring)")
    parser.add_argument("--topic", help="only entries from this origin topic")
    parser.add_argument("--bootstrap", help="Kafka bootstrap servers (default: from the stack)")


def _read(bootstrap: str) -> list[DeadLetter]:
    columns = (TextColumn("reading accelerator.dlq"), BarColumn(), MofNCompleteColumn())
    with Progress(*columns, console=Console(stderr=True), transient=True) as progress:
        task = progress.add_task("records", total=None)

        def advance(done: int, total: int) -> None:
            progress.update(task, completed=done, total=total)

        return asyncio.run(read_dead_letters(bootstrap, on_progress=advance))


def select(entries: Sequence[DeadLetter], args: argparse.Namespace) -> list[DeadLetter]:
    """The entries the list or redrive filters let through."""
    since: datetime | None = getattr(args, "since", None)
    state: str = getattr(args, "state", "all")
    key: str | None = getattr(args, "key", None)
    return [
        e
        for e in entries
        if (args.group is None or e.group == args.group)
        and (args.topic is None or e.origin_topic == args.topic)
        and (key is None or e.key_text == key)
        and (since is None or datetime.fromisoformat(e.failed_at) >= since)
        and (state == "all" or (state == "redriven") == (e.redrive is not None))
    ]


def run_list(args: argparse.Namespace) -> int:
    entries = select(_read(kafka_bootstrap(args.bootstrap)), args)
    if args.json:
        print(json.dumps([as_json(e) for e in entries], indent=2))
    else:
        Console().print(render_list(entries))
    return OK


def render_list(entries: Sequence[DeadLetter]) -> Table:
    table = Table(title=f"dead letters ({len(entries)})")
    for name in ("ref", "failed at", "group", "origin", "key", "error", "state"):
        table.add_column(name, overflow="fold")
    for e in entries:
        state = f"redriven {e.redrive.at[:19]}" if e.redrive else "pending"
        table.add_row(e.ref, e.failed_at[:19], e.group, e.origin, e.key_text, e.error[:160], state)
    return table


def as_json(entry: DeadLetter) -> dict[str, Any]:
    return {
        "ref": entry.ref,
        "failed_at": entry.failed_at,
        "group": entry.group,
        "origin": entry.origin,
        "key": entry.key_text,
        "error": entry.error,
        "notification_id": entry.notification_id,
        "redriven": {"at": entry.redrive.at, "outcome": entry.redrive.outcome}
        if entry.redrive
        else None,
    }


def _find(entries: Sequence[DeadLetter], refs: Sequence[str]) -> list[DeadLetter]:
    by_ref = {e.ref: e for e in entries}
    wanted = [f"{p}:{o}" for p, o in (parse_ref(r) for r in refs)]
    unknown = [r for r in wanted if r not in by_ref]
    if unknown:
        raise CommandFailed(f"no dead letter {', '.join(unknown)} in accelerator.dlq")
    return [by_ref[r] for r in wanted]


def run_show(args: argparse.Namespace) -> int:
    (entry,) = _find(_read(kafka_bootstrap(args.bootstrap)), [args.ref])
    Console(soft_wrap=True).print(describe(entry), markup=False, highlight=False)
    return OK


def describe(entry: DeadLetter) -> str:
    lines = [f"dead letter {entry.ref} (written {entry.timestamp.isoformat()})"]
    lines.append(f"key: {entry.key_text}")
    lines.append("headers:")
    lines += [f"  {name}: {value.decode(errors='replace')}" for name, value in entry.headers]
    if entry.redrive:
        lines.append(f"redriven at {entry.redrive.at}: {entry.redrive.outcome}")
    else:
        lines.append("not redriven")
    try:
        event = CloudEvent.from_bytes(entry.value)
        lines += ["original event:", json.dumps(event.model_dump(mode="json"), indent=2)]
    except MalformedEvent as exc:
        lines += [f"original bytes ({exc}):", repr(entry.value)[:4000]]
    return "\n".join(lines)


def run_redrive(args: argparse.Namespace) -> int:
    if bool(args.refs) == bool(args.all):
        raise CommandFailed("name the entries to redrive (refs from `dlq list`) or pass --all")
    bootstrap = kafka_bootstrap(args.bootstrap)
    entries = _read(bootstrap)
    chosen = _find(entries, args.refs) if args.refs else select(entries, args)
    plans = [redrive.plan(e) for e in chosen]
    if args.all:
        plans = [p for p in plans if p.action is not redrive.Action.ALREADY_REDRIVEN]
    if not plans:
        Console(soft_wrap=True).print("no dead letters to redrive")
        return OK
    if args.dry_run:
        outcomes = [Outcome(p.entry, f"would {p.action.value}", p.reason) for p in plans]
    else:
        outcomes = asyncio.run(_redrive(plans, bootstrap=bootstrap, args=args))
    Console().print(render_outcomes(outcomes))
    return ATTENTION if any(o.result == REFUSED for o in outcomes) else OK


REFUSED = "refused"


@dataclass(frozen=True)
class Outcome:
    entry: DeadLetter
    result: str
    detail: str


async def _redrive(
    plans: Sequence[redrive.Plan], *, bootstrap: str, args: argparse.Namespace
) -> list[Outcome]:
    notifications: AdminApi | None = None
    if any(p.action is redrive.Action.RETRY_NOTIFICATION for p in plans):
        notifications = AdminApi(
            service="notification",
            url=service_url("notification", args.url),
            token=admin_token(args.token),
        )
    republished: dict[tuple[str | None, ...], str] = {}
    outcomes: list[Outcome] = []
    columns = (TextColumn("redriving"), BarColumn(), MofNCompleteColumn())
    with Progress(*columns, console=Console(stderr=True)) as progress:
        task = progress.add_task("entries", total=len(plans))
        async with DeadLetterWriter(bootstrap) as writer:
            for plan in plans:
                outcomes.append(await _one(plan, writer, notifications, republished))
                progress.advance(task)
    if notifications is not None:
        notifications.close()
    return outcomes


async def _one(
    plan: redrive.Plan,
    writer: DeadLetterWriter,
    notifications: AdminApi | None,
    republished: dict[tuple[str | None, ...], str],
) -> Outcome:
    entry = plan.entry
    match plan.action:
        case redrive.Action.ALREADY_REDRIVEN:
            return Outcome(entry, "skipped", plan.reason)
        case redrive.Action.REFUSE:
            return Outcome(entry, REFUSED, plan.reason)
        case redrive.Action.RETRY_NOTIFICATION:
            assert notifications is not None
            done = _retry_notification(notifications, str(entry.notification_id))
            if done is None:
                return Outcome(
                    entry, REFUSED, f"notification {entry.notification_id} is unknown to it"
                )
            await writer.mark_redriven(entry, outcome=done)
            return Outcome(entry, "redriven", done)
        case redrive.Action.REPUBLISH:
            origin = redrive.origin_of(entry)
            # Several groups may have failed on one record: one republish serves them all.
            if origin in republished:
                done = f"republished with the same record to {republished[origin]}"
            else:
                republished[origin] = await writer.republish(entry)
                done = f"republished to {republished[origin]}"
            await writer.mark_redriven(entry, outcome=done)
            return Outcome(entry, "redriven", done)


def _retry_notification(api: AdminApi, notification_id: str) -> str | None:
    """What the notification service did; None when it does not know the notification."""
    path = f"/v1/notifications/{notification_id}/retry"
    response = api.call("POST", path, accept=(200, 404, 409))
    if response.status_code == 404:
        return None
    if response.status_code == 409:
        return f"notification {notification_id} was no longer failed: nothing to send again"
    return f"notification {notification_id} queued for sending again"


def render_outcomes(outcomes: Sequence[Outcome]) -> Table:
    table = Table(title="redrive")
    for name in ("ref", "group", "origin", "result", "detail"):
        table.add_column(name, overflow="fold")
    for o in outcomes:
        style = "red" if o.result == REFUSED else ""
        table.add_row(o.entry.ref, o.entry.group, o.entry.origin, o.result, o.detail, style=style)
    return table
