"""The whole pipeline of a running stack at a steady load: applications imported into intake
at a fixed rate, then screened, enrolled and scored (intake -> scoring) and e-mailed
(-> notification), timed from the events' own `time` stamps.

It adds applications to the demo edition, so run it on a fresh stack:
`make purge && make up && python -m bench.end_to_end [--applications 2000 --rate 100]`.
`make bench` (bench/suite.py) sets each path beside a raw baseline.
"""

import argparse
import asyncio
import statistics
import time
import uuid
from pathlib import Path

import httpx

from bench.applicants import application_body, csv_chunk
from bench.observe import PIPELINE_TOPICS, Seen, consumer_at_end, follow
from infra.stack_env import read_env_file

ROOT = Path(__file__).resolve().parent.parent
EDITION = "athlete365-4"


async def _import_steadily(
    url: str, admin_token: str, count: int, rate: int, seen: Seen
) -> tuple[float, float]:
    """Imports `count` applications, `rate` per second in quarter-second chunks."""
    run = uuid.uuid4().hex[:8].upper()
    per_chunk = max(1, rate // 4)
    path = f"/v1/editions/{EDITION}/applications:import"
    headers = {"Authorization": f"Bearer {admin_token}", "Content-Type": "text/csv"}
    async with httpx.AsyncClient(base_url=url, headers=headers, timeout=60) as client:
        started = time.monotonic()
        for n, start in enumerate(range(0, count, per_chunk)):
            await asyncio.sleep(max(0.0, started + n * 0.25 - time.monotonic()))
            stop = min(count, start + per_chunk)
            chunk = csv_chunk([application_body(run, i) for i in range(start, stop)])
            answer = await client.post(path, content=chunk)
            if answer.status_code != 200 or answer.json()["rejected"]:
                raise RuntimeError(f"intake answered {answer.status_code}: {answer.text[:300]}")
            seen.applications.update(a["application_id"] for a in answer.json()["applications"])
        return started, time.monotonic()


def _percentiles(seconds: list[float]) -> str:
    cuts = statistics.quantiles([s * 1000 for s in seconds], n=100)
    return f"p50 {cuts[49]:,.0f} ms, p99 {cuts[98]:,.0f} ms"


async def main(count: int, rate: int, timeout_s: float) -> None:
    env = read_env_file(ROOT / ".run" / "stack.env")
    consumer = await consumer_at_end(env["KAFKA_BOOTSTRAP_SERVERS"], PIPELINE_TOPICS)
    seen = Seen()
    try:
        importing = asyncio.create_task(
            _import_steadily(env["INTAKE_URL"], env["ADMIN_TOKEN"], count, rate, seen)
        )
        async with asyncio.timeout(timeout_s):
            await follow(consumer, seen, lambda: importing.done() and seen.done())
        started, imported = importing.result()
    finally:
        await consumer.stop()
    first = min(seen.received_at[a] for a in seen.applications)
    scored = seen.scored()
    last_scored = max(seen.scored_at[a] for a in seen.applications)
    emails = seen.emails()
    last_email = max(at for at, _ in emails)
    print(
        f"imported: {count} applications at {count / (imported - started):,.0f}/s"
        f" (asked for {rate}/s)\n"
        f"scored:   all {count} within {last_scored - first:.1f} s of the first receipt"
        f" = {count / (last_scored - first):,.0f}/s; received -> scored"
        f" {_percentiles(list(scored.values()))}\n"
        f"e-mailed: {len(emails)} within {last_email - first:.1f} s"
        f" = {len(emails) / (last_email - first):,.0f}/s; event -> e-mail sent"
        f" {_percentiles([after for _, after in emails])}"
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--applications", type=int, default=2_000)
    parser.add_argument("--rate", type=int, default=100, help="applications imported per second")
    parser.add_argument("--timeout", type=float, default=900.0, help="seconds to wait at most")
    args = parser.parse_args()
    asyncio.run(main(args.applications, args.rate, args.timeout))
