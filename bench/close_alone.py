"""The close of one large edition with grant alone on the machine: what the close itself
costs, apart from the e-mails and dashboard updates it sets off in a full stack (the suite's
close row measures it among them).

The edition's applications arrive as the events grant consumes (received, screened,
scored) published straight onto the topics, with the suite's spread of countries; a grant
process of its own, on the database and broker of `make infra`, consumes them, and the close
is timed from its request to the last offer and waitlist event on the topic:

    make infra
    .venv/bin/python -m bench.close_alone --applications 100000

Prints the time to the first and the last event, grant's CPU, and its peak RSS before and
after the close (the targets at 100,000 applications: 20 s, 250 MB).
"""

import asyncio
import random
import tempfile
import time
from pathlib import Path

from bench.applicants import countries
from bench.paths import close
from bench.processes import usage
from bench.report import MIB
from bench.stack import Stack, alone_arguments, running_stack
from tests.support.grant import (
    ADMIN_TOKEN,
    Applicant,
    grant_env,
    publish_applicants,
    start_grant,
    wait_consumed,
    write_edition,
)


def _applicants(count: int) -> list[Applicant]:
    scores = random.Random(14)
    return [
        Applicant(country, round(scores.uniform(30.0, 99.0), 2), minutes=n % 10_000)
        for n, country in enumerate(countries(count))
    ]


async def main(count: int, run_dir: Path, timeout_s: float) -> None:
    infra = running_stack(run_dir)
    work = Path(tempfile.mkdtemp(prefix="bench-close-"))
    edition_id = write_edition(work / "editions", capacity=50, country_cap=4)
    grant = await start_grant(grant_env(infra.env, work / "editions"), work)
    try:
        started = time.monotonic()
        await publish_applicants(infra.bootstrap, edition_id, _applicants(count))
        await wait_consumed(grant.url, edition_id, scored=count)
        print(f"grant consumed {count:,} scored applications in {time.monotonic() - started:.1f} s")
        before = usage(grant.popen.pid).peak_rss_bytes
        stack = Stack(run_dir, {**infra.env, "GRANT_URL": grant.url, "ADMIN_TOKEN": ADMIN_TOKEN})
        closing = await close.run(stack, edition_id, {"grant": grant.popen.pid}, timeout_s)
        after = closing.window.peak_rss_bytes["grant"]
    finally:
        grant.terminate()
    first_s = min(closing.latencies_ms) / 1000
    print(
        f"close of {count:,} applications: {closing.events:,} offer and waitlist events,"
        f" the first out after {first_s:.1f} s, the last after {closing.seconds:.1f} s"
        f" ({closing.events / closing.seconds:,.0f} events/s overall);"
        f" grant {closing.window.cpu_s['grant']:.1f} CPU s, peak RSS {before / MIB:.0f} MiB"
        f" before the close and {after / MIB:.0f} MiB after"
    )


if __name__ == "__main__":
    arguments = alone_arguments(
        __doc__.split("\n\n")[0], timeout_s=600.0, timeout_help="seconds for the close"
    )
    asyncio.run(main(arguments.applications, arguments.run_dir, arguments.timeout))
