"""The dashboard's rebuild with nothing else running: the suite's rebuild row, for any
number of events, in a minute or two rather than after a whole edition.

It publishes one edition's events onto the topics of `make infra` as the services would
(opened; per application received, screened, enrolled, scored, an e-mail sent and a waitlist
place), then times a fresh dashboard process from its start until `/readyz` answers:

    make infra
    .venv/bin/python -m bench.rebuild_alone --applications 200000

A dashboard reads every event on the topics, so a stack that already holds events adds them
to the count; `--applications 0` times a rebuild from what is there.
"""

import asyncio
import tempfile
import time
import uuid
from pathlib import Path

from bench.processes import usage
from bench.report import MIB
from bench.stack import alone_arguments, running_stack
from tests.support.dashboard import EditionEvents, Published, publish
from tests.support.processes import start_service


def _edition(applications: int) -> list[Published]:
    edition = EditionEvents()
    events = edition.opened()
    for n in range(applications):
        application_id = uuid.uuid4()
        events += edition.applied(application_id)
        events += edition.scored(application_id, 30.0 + n % 70)
        events += edition.mail_sent(f"A365-{n:07d}")
        events += edition.waitlisted(application_id, rank=n + 1)
    return events


async def main(applications: int, run_dir: Path, timeout_s: float) -> None:
    bootstrap = running_stack(run_dir).bootstrap
    if applications:
        events = _edition(applications)
        started = time.monotonic()
        await publish(bootstrap, events)
        print(f"published {len(events):,} events in {time.monotonic() - started:.1f} s")
    logs = Path(tempfile.mkdtemp(prefix="bench-rebuild-"))
    started = time.monotonic()
    dashboard = start_service(
        "services.dashboard", env={"KAFKA_BOOTSTRAP_SERVERS": bootstrap}, log_dir=logs
    )
    try:
        await dashboard.wait_ready(timeout_s=timeout_s)
        seconds = time.monotonic() - started
        peak = usage(dashboard.popen.pid).peak_rss_bytes
    finally:
        dashboard.terminate()
    print(f"a fresh dashboard was ready in {seconds:.1f} s, peak RSS {peak / MIB:.0f} MiB")


if __name__ == "__main__":
    arguments = alone_arguments(
        __doc__.split("\n\n")[0], timeout_s=900.0, timeout_help="seconds to be ready"
    )
    asyncio.run(main(arguments.applications, arguments.run_dir, arguments.timeout))
