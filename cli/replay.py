"""`accelerator replay <service> --from <time> | --from-beginning`: make one service's
consumer group read its topics again from a point in the past.

What it is for: a service's database was restored from a backup (or lost its data), so it
must apply again what it consumed since. Replay moves the group's committed offsets back;
when the service starts again it re-reads from there. That is safe because of the inbox:
every event the restored database already recorded is skipped, the rest are applied once.
It is not a way to redo work (use `rescore`) or to retry failures (use `dlq redrive`).

Kafka accepts new offsets only for a group with no live members, so replay refuses while
any replica of the service is running: stop them all, replay, start them again. It only
moves offsets back: a partition whose committed offset is already before the point is left
where it is, so nothing is ever skipped. --dry-run shows the plan without changing it.

Exit code 0: done (or nothing to move); 2: Kafka unreachable, unknown topic, or missing
configuration; 3: refused (the group has live members)."""

import argparse
import asyncio
from dataclasses import dataclass
from datetime import datetime

from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.errors import KafkaError
from aiokafka.structs import OffsetAndMetadata
from rich.console import Console
from rich.table import Table

from cli.errors import EXIT_CODES_HELP, OK, REFUSED, CommandFailed
from cli.kafka_ops import committed_offsets, group_members, kafka_admin, kafka_reader, partitions_of
from cli.stack import kafka_bootstrap
from shared.topics import SERVICES


def register(subcommands: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    parser = subcommands.add_parser(
        "replay",
        help="make a stopped service re-read its topics from a point in time",
        description=__doc__,
        epilog=EXIT_CODES_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("service", choices=SERVICES, help="its consumer group has its name")
    start = parser.add_mutually_exclusive_group(required=True)
    start.add_argument(
        "--from",
        dest="from_time",
        type=_aware_time,
        help="ISO time with a zone, e.g. 2026-11-01T00:00:00Z",
    )
    start.add_argument("--from-beginning", action="store_true", help="from each topic's start")
    parser.add_argument(
        "--topic",
        action="append",
        help="only this topic (repeatable; default: every topic the group has read)",
    )
    parser.add_argument("--dry-run", action="store_true", help="show the plan, change nothing")
    parser.add_argument("--bootstrap", help="Kafka bootstrap servers (default: from the stack)")
    parser.set_defaults(run=run)


def _aware_time(text: str) -> datetime:
    moment = datetime.fromisoformat(text)
    if moment.tzinfo is None:
        raise argparse.ArgumentTypeError(f"{text!r} has no time zone; add Z or +00:00")
    return moment


@dataclass(frozen=True)
class Move:
    partition: TopicPartition
    committed: int | None
    target: int
    end: int

    @property
    def moves(self) -> bool:
        """Only backwards: a position already before the target stays, nothing is skipped."""
        return self.committed is not None and self.target < self.committed

    @property
    def to_reread(self) -> int:
        return self.end - self.target if self.moves else 0


def run(args: argparse.Namespace) -> int:
    moves = asyncio.run(_replay(args, kafka_bootstrap(args.bootstrap)))
    out = Console(soft_wrap=True)
    out.print(summary(moves, service=args.service, dry_run=args.dry_run), markup=False)
    out.print(render(moves))
    return OK


async def _replay(args: argparse.Namespace, bootstrap: str) -> list[Move]:
    group = args.service
    async with kafka_admin(bootstrap) as admin:
        members = await group_members(admin, group)
        if members.members:
            raise CommandFailed(
                f"consumer group {group!r} has {len(members.members)} live member(s)"
                f" ({', '.join(members.members)}): stop every {group} process first;"
                " Kafka takes new offsets only from an empty group",
                code=REFUSED,
            )
        committed = await committed_offsets(admin, group)
        topics = args.topic or sorted({tp.topic for tp in committed})
        if not topics:
            raise CommandFailed(f"consumer group {group!r} has read nothing yet: nothing to replay")
        partitions = await partitions_of(admin, topics)
    async with kafka_reader(bootstrap, group_id=group) as reader:
        ends = await reader.end_offsets(partitions)
        targets = await _targets(reader, partitions, args.from_time, ends)
        moves = [Move(tp, committed.get(tp), targets[tp], ends[tp]) for tp in partitions]
        moving = {m.partition: OffsetAndMetadata(m.target, "") for m in moves if m.moves}
        if moving and not args.dry_run:
            reader.assign(list(moving))
            try:
                await reader.commit(moving)
            except KafkaError as exc:  # a member joined since the check above
                raise CommandFailed(
                    f"Kafka refused the new offsets of {group!r}: {exc!r}", code=REFUSED
                ) from exc
    return moves


async def _targets(
    reader: AIOKafkaConsumer,
    partitions: list[TopicPartition],
    from_time: datetime | None,
    ends: dict[TopicPartition, int],
) -> dict[TopicPartition, int]:
    """Per partition, the first offset at or after the time (the end when none is)."""
    if from_time is None:
        starts: dict[TopicPartition, int] = await reader.beginning_offsets(partitions)
        return starts
    found = await reader.offsets_for_times(
        {tp: int(from_time.timestamp() * 1000) for tp in partitions}
    )
    return {tp: found[tp].offset if found.get(tp) is not None else ends[tp] for tp in partitions}


def summary(moves: list[Move], *, service: str, dry_run: bool) -> str:
    rereads = sum(m.to_reread for m in moves)
    if dry_run:
        return f"dry run: {service} would re-read {rereads} messages; nothing was changed"
    return f"replay of {service}: it will re-read {rereads} messages when it starts"


def render(moves: list[Move]) -> Table:
    table = Table()
    for name in ("topic", "partition", "committed", "new offset", "to re-read"):
        table.add_column(name, justify="left" if name == "topic" else "right")
    for m in moves:
        committed = "-" if m.committed is None else str(m.committed)
        new = str(m.target) if m.moves else "unchanged"
        table.add_row(
            m.partition.topic, str(m.partition.partition), committed, new, str(m.to_reread)
        )
    return table
