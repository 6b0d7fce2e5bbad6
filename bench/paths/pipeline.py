"""CSV import -> scored, and event -> e-mail sent: applications imported into the demo
edition as fast as intake takes them (chunks as `accelerator import` sends them), followed on
the topics until every one is scored and every e-mail about them is sent."""

import asyncio
import os
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from bench.applicants import applications, csv_chunk
from bench.observe import PIPELINE_TOPICS, Seen, consumer_at_end, follow
from bench.processes import Window
from bench.stack import DEMO_EDITION, Stack
from shared import topics

INTAKE_TOPICS = (topics.APPLICATIONS, topics.CONTACTS, topics.TRAINING)
SCORING_TOPICS = (topics.SCORES,)


@dataclass(frozen=True)
class PipelineRun:
    seen: Seen
    started: float  # Unix time of the first import request
    window: Window
    email_sizes: list[int]  # bytes of each message the SMTP sink filed meanwhile

    def first_received(self) -> float:
        return min(self.seen.received_at[a] for a in self.seen.applications)

    def scored(self) -> tuple[float, list[float]]:
        """Seconds from the first import request to the last score, and each application's
        milliseconds from receipt to score."""
        last = max(self.seen.scored_at[a] for a in self.seen.applications)
        return last - self.started, [s * 1000 for s in self.seen.scored().values()]

    def emailed(self) -> tuple[int, float, list[float]]:
        """E-mails sent, seconds from the first receipt to the last e-mail, and each e-mail's
        milliseconds from its cause event."""
        emails = self.seen.emails()
        last = max(at for at, _ in emails)
        return len(emails), last - self.first_received(), [after * 1000 for _, after in emails]


async def _import(stack: Stack, batch: list[dict[str, Any]], rows: int, seen: Seen) -> None:
    path = f"/v1/editions/{DEMO_EDITION}/applications:import"
    headers = {"Authorization": f"Bearer {stack.env['ADMIN_TOKEN']}", "Content-Type": "text/csv"}
    async with httpx.AsyncClient(base_url=stack.env["INTAKE_URL"], headers=headers) as client:
        for start in range(0, len(batch), rows):
            answer = await client.post(
                path, content=csv_chunk(batch[start : start + rows]), timeout=120
            )
            if answer.status_code != 200 or answer.json()["rejected"]:
                raise RuntimeError(f"intake answered {answer.status_code}: {answer.text[:300]}")
            seen.applications.update(a["application_id"] for a in answer.json()["applications"])


def _maildir(stack: Stack) -> Path:
    return Path(stack.env.get("MAIL_DIR", str(stack.run_dir / "mail"))) / "new"


async def run(
    stack: Stack, count: int, rows_per_chunk: int, pids: dict[str, int], timeout_s: float
) -> PipelineRun:
    batch = applications(uuid.uuid4().hex[:8].upper(), count)
    mail_before = set(os.listdir(_maildir(stack)))
    consumer = await consumer_at_end(stack.bootstrap, PIPELINE_TOPICS)
    seen = Seen()
    window = Window(pids).start()
    started = time.time()
    try:
        importing = asyncio.create_task(_import(stack, batch, rows_per_chunk, seen))
        async with asyncio.timeout(timeout_s):
            await follow(consumer, seen, lambda: importing.done() and seen.done())
        importing.result()
    finally:
        await consumer.stop()
    window.stop()
    new_mail = set(os.listdir(_maildir(stack))) - mail_before
    sizes = [(_maildir(stack) / name).stat().st_size for name in new_mail]
    return PipelineRun(seen=seen, started=started, window=window, email_sizes=sizes)
