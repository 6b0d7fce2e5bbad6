"""Dashboard rebuild from the topics: once the suite's other paths have filled them, a
dashboard process of the suite's own, timed from its start until /readyz answers 200 (its
`history_read`: it has read everything the topics held when it started), its CPU and peak
RSS read at that moment; beside it a raw aiokafka consumer process reading the same topics
from the beginning to their end (bench/baselines/kafka_replay.py)."""

import asyncio
import json
import os
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import httpx
from aiokafka import AIOKafkaConsumer, TopicPartition

from bench.processes import Window
from bench.stack import ROOT, Stack
from services.dashboard.adapters.topic_reader import READ_TOPICS
from shared import topics
from tests.support.processes import ServiceProcess, start_service

_READY_POLL_S = 0.1  # the rebuild's time is known to this; each probe costs the dashboard CPU


@dataclass(frozen=True)
class Rebuild:
    seconds: float  # from the process's start to its readiness (or, raw: its last record read)
    window: Window  # its whole CPU time and its peak RSS at that moment


@dataclass(frozen=True)
class Replay(Rebuild):
    records: int
    applications: int  # application.received events among them


async def settled_events(
    bootstrap: str, names: Sequence[str] = READ_TOPICS, still_s: float = 3.0
) -> int:
    """The events on the topics `names` (the sum of their end offsets: they are never
    compacted or aged out) once that sum has not moved for `still_s`: the services first
    finish what the paths before left them, such as the e-mails about the HTTP submissions."""
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, group_id=None)
    await consumer.start()
    try:
        partitions = [TopicPartition(*tp) for tp in topics.partitions_of(names)]
        last, since, reported = -1, time.monotonic(), time.monotonic()
        while True:
            ends: dict[TopicPartition, int] = await consumer.end_offsets(partitions)
            total = sum(ends.values())
            if total != last:
                last, since = total, time.monotonic()
            elif time.monotonic() - since >= still_s:
                return total
            if time.monotonic() - reported > 10:
                reported = time.monotonic()
                print(f"  waiting for the topics to settle: {total} events", flush=True)
            await asyncio.sleep(0.5)
    finally:
        await consumer.stop()


async def _until_ready(process: ServiceProcess) -> None:
    async with httpx.AsyncClient(base_url=process.url, timeout=2) as client:
        while True:
            if process.popen.poll() is not None:
                raise RuntimeError(
                    f"the dashboard exited with {process.popen.returncode}:\n"
                    f"{process.log_text()[-4000:]}"
                )
            try:
                if (await client.get("/readyz")).status_code == 200:
                    return
            except httpx.TransportError:
                pass  # not listening yet
            await asyncio.sleep(_READY_POLL_S)


async def run(stack: Stack, name: str, timeout_s: float) -> Rebuild:
    """A fresh dashboard on the stack's broker, with no other setting than the stack's."""
    started = time.monotonic()
    dashboard = start_service(
        "services.dashboard",
        env={"KAFKA_BOOTSTRAP_SERVERS": stack.bootstrap},
        log_dir=Path(tempfile.mkdtemp(prefix="bench-dashboard-")),
    )
    try:
        async with asyncio.timeout(timeout_s):
            await _until_ready(dashboard)
        seconds = time.monotonic() - started
        return Rebuild(seconds, Window({name: dashboard.popen.pid}).since_start())
    finally:
        dashboard.terminate()


async def raw_replay(stack: Stack, name: str, timeout_s: float) -> Replay:
    """The raw consumer as a process of its own, timed from its start to its answer."""
    started = time.monotonic()
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bench.baselines.kafka_replay",
        *READ_TOPICS,
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        env={**os.environ, "KAFKA_BOOTSTRAP_SERVERS": stack.bootstrap},
        cwd=ROOT,
    )
    assert process.stdin is not None  # both piped above
    assert process.stdout is not None
    try:
        async with asyncio.timeout(timeout_s):
            line = await process.stdout.readline()
        seconds = time.monotonic() - started
        if not line:
            raise RuntimeError(f"the raw replay exited with {await process.wait()}, answering none")
        window = Window({name: process.pid}).since_start()
        process.stdin.close()  # it exits once its /proc entry has been read
        await process.wait()
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
    answer = json.loads(line)
    return Replay(seconds, window, records=answer["records"], applications=answer["applications"])
