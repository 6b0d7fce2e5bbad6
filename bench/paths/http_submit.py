"""Single HTTP submissions: POST /v1/editions/{id}/applications to an intake process of the
suite's own (the stack's intake keeps a per-client limit that a load from one address would
hit), on the stack's database and broker, into an edition of its own."""

import json
import tempfile
import uuid
from dataclasses import dataclass
from pathlib import Path

from bench.applicants import applications
from bench.http_load import post_all
from bench.processes import Window
from bench.stack import Stack, bench_edition
from tests.support.intake import running_intake


@dataclass(frozen=True)
class HttpRun:
    seconds: float
    latencies_ms: list[float]
    mean_size: float
    window: Window


def bodies(count: int) -> list[bytes]:
    return [json.dumps(a).encode() for a in applications(uuid.uuid4().hex[:8].upper(), count)]


async def run(stack: Stack, count: int, concurrency: int, pids: dict[str, int]) -> HttpRun:
    editions_dir = Path(tempfile.mkdtemp(prefix="bench-editions-"))
    edition_id = bench_edition(editions_dir)
    log_dir = Path(tempfile.mkdtemp(prefix="bench-intake-"))
    async with running_intake(stack.env, log_dir, EDITIONS_DIR=str(editions_dir)) as intake:
        path = f"/v1/editions/{edition_id}/applications"
        await post_all(intake.url, path, bodies(min(200, count)), concurrency)  # warm-up
        posts = bodies(count)
        window = Window({**pids, "intake (suite's)": intake.popen.pid}).start()
        seconds, latencies = await post_all(intake.url, path, posts, concurrency)
        window.stop()
    return HttpRun(seconds, latencies, sum(map(len, posts)) / len(posts), window)
