"""Every path of the system beside its physical limit, in one run on one running stack.

Each path is measured as the system does it, then as the least that could do the same work
on the same stack with the same message sizes (a raw baseline):

- CSV import -> scored, against a raw aiokafka pipeline of the same shape (the same hops,
  the same number and size of events per application, each hop consume -> produce);
- event -> e-mail sent, against aiosmtplib sending as many messages of the same size into
  the same SMTP sink over as many sessions as notification's sender uses;
- close -> every offer and waitlist event published, against a raw producer publishing as
  many events of the same size;
- single HTTP submissions, against a FastAPI endpoint doing one asyncpg insert, under the
  same load generator (httpx, N concurrent clients); at most 10,000 of them whatever the size
  (one at a time per client, 100,000 would take half an hour), as the table and JSON say;
- the dashboard's rebuild from the topics once they hold everything above, from a fresh
  dashboard process's start until it is ready (its history read), against a raw aiokafka
  consumer process reading the same topics from the beginning to their end, parsing nothing.
  Its targets: 60 s and 400 MB RSS at most for 100,000 applications.

The e-mails are those of the imported applications, sent while the import is scored, so those
two rows share one CPU window. The HTTP submissions go to an intake process of the suite's own
(the stack's keeps its per-client limit; `make up` has no setting to lift it). The rebuild
waits for the topics to settle first (the services are still e-mailing about the HTTP
submissions); its CPU per 1,000 applications counts every application on the topics.

It adds applications to the demo edition and closes it, which happens once per stack, so run
it on a fresh one: `make purge && make up && make bench SIZE=1k` (or
`python -m bench.suite --size 1k`). It prints the table and writes
bench/results/<date>-<size>.json and .png.
"""

import argparse
import asyncio
import datetime
import os
import platform
import subprocess
from pathlib import Path

from bench.baselines import http_insert, kafka_pipeline, smtp_raw
from bench.baselines.kafka_pipeline import Hop
from bench.paths import close, dashboard_rebuild, http_submit, pipeline
from bench.processes import Window
from bench.report import Measurement, Row, costs, document, table, write_chart, write_json
from bench.stack import DEMO_EDITION, ROOT, running_stack

SIZES = {"1k": 1_000, "10k": 10_000, "100k": 100_000}
HTTP_SUBMISSIONS_AT_MOST = 10_000
REBUILD_TARGET_S, REBUILD_TARGET_RSS_MB = 60.0, 400.0  # for 100,000 applications
RESULTS = ROOT / "bench" / "results"


def _hop(events: float, size: float) -> Hop:
    return Hop(events=max(1, round(events)), size=max(1, round(size)))


async def main(size: str, concurrency: int, rows_per_chunk: int, timeout_s: float) -> Path:
    count = SIZES[size]
    stack = running_stack()
    smtp_host, smtp_port = stack.env.get("SMTP_HOST", "127.0.0.1"), int(stack.env["SMTP_PORT"])
    pids = {**stack.pids(), "bench": os.getpid()}
    me = {"bench": os.getpid()}

    print(f"CSV import of {count} applications, until scored and e-mailed ...", flush=True)
    ours = await pipeline.run(stack, count, rows_per_chunk, pids, timeout_s)
    ours_costs = costs(ours.window, count)
    scored_s, scored_ms = ours.scored()
    hops = [
        _hop(*ours.seen.shape(pipeline.INTAKE_TOPICS)),
        _hop(*ours.seen.shape(pipeline.SCORING_TOPICS)),
    ]
    print(f"raw aiokafka pipeline of the same shape {hops} ...", flush=True)
    window = Window(me).start()
    raw_s, raw_ms = await kafka_pipeline.run(stack.bootstrap, count, hops)
    rows = [
        Row(
            path="CSV import -> scored",
            unit="app",
            ours=Measurement(count, scored_s, scored_ms, ours_costs),
            baseline_name="raw aiokafka pipeline",
            baseline=Measurement(count, raw_s, raw_ms, costs(window.stop(), count)),
        )
    ]

    emails, emailed_s, emailed_ms = ours.emailed()
    mail_size = round(sum(ours.email_sizes) / max(1, len(ours.email_sizes)))
    print(f"raw aiosmtplib: {emails} messages of {mail_size} bytes ...", flush=True)
    window = Window(me).start()
    # As many sessions as the stack's sender holds (SEND_SESSIONS, when `make up` was given it).
    sessions = int(stack.env.get("SEND_SESSIONS", smtp_raw.SENDER_SESSIONS))
    smtp_s, smtp_ms = await smtp_raw.run(smtp_host, smtp_port, emails, mail_size, sessions)
    rows.append(
        Row(
            path="event -> e-mail sent",
            unit="mail",
            ours=Measurement(emails, emailed_s, emailed_ms, ours_costs),
            baseline_name=f"aiosmtplib, {sessions} sessions",
            baseline=Measurement(emails, smtp_s, smtp_ms, costs(window.stop(), count)),
        )
    )

    print(f"closing {DEMO_EDITION} ...", flush=True)
    closing = await close.run(stack, DEMO_EDITION, pids, timeout_s)
    window = Window(me).start()
    raw_s, raw_ms = await kafka_pipeline.run(
        stack.bootstrap, closing.events, [_hop(1, closing.mean_size)]
    )
    rows.append(
        Row(
            path="close -> all published",
            unit="event",
            ours=Measurement(
                closing.events, closing.seconds, closing.latencies_ms, costs(closing.window, count)
            ),
            baseline_name="raw aiokafka producer",
            baseline=Measurement(closing.events, raw_s, raw_ms, costs(window.stop(), count)),
        )
    )

    posts = min(count, HTTP_SUBMISSIONS_AT_MOST)
    print(f"{posts} HTTP submissions from {concurrency} clients ...", flush=True)
    http = await http_submit.run(stack, posts, concurrency, me)
    base_s, base_ms, base_window = await http_insert.measure(
        stack.env["DATABASE_URL"], http_submit.bodies(posts), concurrency, me
    )
    rows.append(
        Row(
            path="HTTP submission",
            unit="app",
            ours=Measurement(posts, http.seconds, http.latencies_ms, costs(http.window, posts)),
            baseline_name="FastAPI + 1 asyncpg insert",
            baseline=Measurement(posts, base_s, base_ms, costs(base_window, posts)),
            note=f"{posts:,} submissions (at most {HTTP_SUBMISSIONS_AT_MOST:,} at any size)",
        )
    )

    print("dashboard rebuild from the topics ...", flush=True)
    async with asyncio.timeout(timeout_s):
        events = await dashboard_rebuild.settled_events(stack.bootstrap)
    print(f"  {events} events on the topics; a fresh dashboard reads them ...", flush=True)
    rebuild = await dashboard_rebuild.run(stack, "dashboard (suite's)", timeout_s)
    print("  a raw aiokafka consumer reads them ...", flush=True)
    replay = await dashboard_rebuild.raw_replay(stack, "raw consumer", timeout_s)
    on_topics = max(1, replay.applications)
    rebuild_rss_mb = rebuild.window.peak_rss_bytes["dashboard (suite's)"] / 1e6
    rows.append(
        Row(
            path="dashboard rebuild",
            unit="event",
            ours=Measurement(
                events, rebuild.seconds, [rebuild.seconds * 1000], costs(rebuild.window, on_topics)
            ),
            baseline_name="raw aiokafka consumer",
            baseline=Measurement(
                replay.records,
                replay.seconds,
                [replay.seconds * 1000],
                costs(replay.window, on_topics),
            ),
            note=(
                f"{events:,} events, {replay.applications:,} applications on the topics:"
                f" ready in {rebuild.seconds:.1f} s, {rebuild_rss_mb:.0f} MB RSS (targets at"
                f" 100,000 applications: {REBUILD_TARGET_S:.0f} s, {REBUILD_TARGET_RSS_MB:.0f} MB)"
            ),
        )
    )

    print()
    print(table(rows))
    stamp = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d")
    meta = {
        "size": size,
        "applications": count,
        "http_concurrency": concurrency,
        "http_submissions": posts,
        "http_submissions_at_most": HTTP_SUBMISSIONS_AT_MOST,
        "csv_rows_per_chunk": rows_per_chunk,
        "measured_at": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "commit": _commit(),
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
        "pipeline_shape": [{"events": h.events, "size": h.size} for h in hops],
        "email_size": mail_size,
        "dashboard_rebuild": {
            "events_on_topics": events,
            "events_read_raw": replay.records,
            "applications_on_topics": replay.applications,
            "seconds_to_ready": rebuild.seconds,
            "cpu_s": rebuild.window.cpu_s["dashboard (suite's)"],
            "peak_rss_mb": rebuild_rss_mb,
            "targets_at_100k_applications": {
                "seconds": REBUILD_TARGET_S,
                "peak_rss_mb": REBUILD_TARGET_RSS_MB,
            },
        },
    }
    out = RESULTS / f"{stamp}-{size}.json"
    write_json(out, document(rows, meta))
    write_chart(out.with_suffix(".png"), rows, f"{count} applications, {stamp}")
    print(f"\nwrote {out} and {out.with_suffix('.png')}")
    return out


def _commit() -> str:
    """The code measured: the checkout's commit, with "+changes" if the tree differs from it."""

    def git(*args: str) -> str:
        return subprocess.run(
            ["git", *args], cwd=ROOT, capture_output=True, text=True, check=False
        ).stdout.strip()

    dirty = git("status", "--porcelain", "--untracked-files=no")
    return git("rev-parse", "--short", "HEAD") + ("+changes" if dirty else "")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--size", choices=sorted(SIZES), default="1k")
    parser.add_argument("--concurrency", type=int, default=20, help="HTTP clients")
    parser.add_argument("--chunk-rows", type=int, default=250, help="CSV rows per request")
    parser.add_argument(
        "--timeout",
        type=float,
        help="seconds per path at most (default: 30 min, or 90 min for 100k, whose 300,000"
        " e-mails alone take most of an hour on two cores)",
    )
    args = parser.parse_args()
    timeout_s = args.timeout or (5400.0 if args.size == "100k" else 1800.0)
    asyncio.run(main(args.size, args.concurrency, args.chunk_rows, timeout_s))
