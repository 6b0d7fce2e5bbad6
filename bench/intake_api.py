"""How many applications per second intake's HTTP API accepts, and how long until every event
they caused is on Kafka.

Starts its own intake process (no rate limit to speak of) against a running stack, with an
edition of its own (the demo edition's settings under a new id, so a stack whose demo
edition is closed can still be measured), posts valid applications over N concurrent
keep-alive HTTP/1.1 connections, and reports accepted/s, latency percentiles and when the
outbox was drained; then imports as many applications again as CSV, in chunks as
`accelerator import` sends them, and reports imported rows/s.
Run: `make up && python -m bench.intake_api [--applications 2000 --concurrency 20]`.
"""

import argparse
import asyncio
import json
import os
import secrets
import statistics
import tempfile
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import asyncpg
import httpx

from bench.applicants import application_body, csv_chunk
from bench.stack import bench_edition
from infra.stack_env import read_env_file
from tests.support.processes import start_service

ROOT = Path(__file__).resolve().parent.parent


async def _client(url: str, path: str, bodies: Iterator[bytes], latencies: list[float]) -> None:
    """One keep-alive HTTP/1.1 connection posting bodies until none are left.

    Deliberately bare: on a 2-core machine a full HTTP client costs about as much CPU per
    request as the server, and the figure should be the server's.
    """
    host, port = urlsplit(url).hostname or "127.0.0.1", urlsplit(url).port or 80
    reader, writer = await asyncio.open_connection(host, port)
    try:
        for body in bodies:
            request = (
                f"POST {path} HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\n"
                f"Content-Length: {len(body)}\r\n\r\n"
            ).encode()
            sent = time.perf_counter()
            writer.write(request + body)
            status = await reader.readline()
            length = 0
            while (line := await reader.readline()) not in (b"\r\n", b""):
                name, _, value = line.partition(b":")
                if name.strip().lower() == b"content-length":
                    length = int(value)
            answer = await reader.readexactly(length)
            latencies.append((time.perf_counter() - sent) * 1000)
            if b" 202 " not in status:
                raise RuntimeError(f"{status!r}: {answer!r}")
    finally:
        writer.close()


async def _submit_all(
    url: str, edition_id: str, count: int, concurrency: int
) -> tuple[float, list[float]]:
    path = f"/v1/editions/{edition_id}/applications"
    run = uuid.uuid4().hex[:8].upper()
    bodies = iter([json.dumps(application_body(run, n)).encode() for n in range(count)])
    latencies: list[float] = []
    started = time.perf_counter()
    await asyncio.gather(*(_client(url, path, bodies, latencies) for _ in range(concurrency)))
    return time.perf_counter() - started, latencies


async def _import_all(
    url: str, edition_id: str, admin_token: str, count: int, rows_per_chunk: int
) -> float:
    run = uuid.uuid4().hex[:8].upper()
    applications = [application_body(run, n) for n in range(count)]
    chunks = [
        csv_chunk(applications[start : start + rows_per_chunk])
        for start in range(0, count, rows_per_chunk)
    ]
    path = f"/v1/editions/{edition_id}/applications:import"
    headers = {"Authorization": f"Bearer {admin_token}", "Content-Type": "text/csv"}
    async with httpx.AsyncClient(base_url=url, headers=headers, timeout=120) as client:
        started = time.perf_counter()
        for chunk in chunks:
            answer = await client.post(path, content=chunk)
            if answer.status_code != 200 or answer.json()["rejected"]:
                raise RuntimeError(f"{answer.status_code}: {answer.text[:500]}")
        return time.perf_counter() - started


async def _outbox_drained(database_url: str, timeout_s: float = 120.0) -> float:
    conn = await asyncpg.connect(database_url)
    try:
        started = time.perf_counter()
        while time.perf_counter() - started < timeout_s:
            if not await conn.fetchval(
                "SELECT count(*) FROM intake.outbox WHERE published_at IS NULL"
            ):
                return time.perf_counter() - started
            await asyncio.sleep(0.05)
        raise RuntimeError("the outbox was not drained in time")
    finally:
        await conn.close()


async def main(count: int, concurrency: int, rows_per_chunk: int) -> None:
    env = {**read_env_file(ROOT / ".run" / "stack.env"), **os.environ}
    editions_dir = Path(tempfile.mkdtemp(prefix="bench-editions-"))
    edition_id = bench_edition(editions_dir)
    admin_token = secrets.token_urlsafe(16)
    intake = start_service(
        "services.intake",
        env={
            "KAFKA_BOOTSTRAP_SERVERS": env["KAFKA_BOOTSTRAP_SERVERS"],
            "DATABASE_URL": env["INTAKE_DATABASE_URL"],
            "EDITIONS_DIR": str(editions_dir),
            "SUBMISSION_RATE_PER_MINUTE": "100000000",
            "SUBMISSION_BURST": "1000000",
            "ADMIN_TOKEN": admin_token,
        },
        log_dir=Path(tempfile.mkdtemp(prefix="bench-intake-")),
        name="bench-intake",
    )
    try:
        await intake.wait_ready()
        await _submit_all(intake.url, edition_id, min(200, count), concurrency)  # warm-up
        seconds, latencies = await _submit_all(intake.url, edition_id, count, concurrency)
        drained_after = await _outbox_drained(env["DATABASE_URL"])
        import_seconds = await _import_all(
            intake.url, edition_id, admin_token, count, rows_per_chunk
        )
        await _outbox_drained(env["DATABASE_URL"])
    finally:
        intake.terminate()
    cuts = statistics.quantiles(latencies, n=100)
    print(
        f"intake API: {count} applications from {concurrency} clients in {seconds:.2f}s ="
        f" {count / seconds:,.0f} accepted/s; latency p50 {cuts[49]:.1f} ms,"
        f" p99 {cuts[98]:.1f} ms; 4 events each, all on Kafka {drained_after:.2f}s after the last"
        " 202"
    )
    print(
        f"CSV import: {count} rows in chunks of {rows_per_chunk} in {import_seconds:.2f}s ="
        f" {count / import_seconds:,.0f} imported/s"
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--applications", type=int, default=2_000)
    parser.add_argument("--concurrency", type=int, default=20)
    parser.add_argument("--chunk-rows", type=int, default=250, help="CSV rows per request")
    args = parser.parse_args()
    asyncio.run(main(args.applications, args.concurrency, args.chunk_rows))
