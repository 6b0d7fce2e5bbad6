"""The review panel across the real service processes: scoring (the panel, its pages), a
notification process sending the invitations to the SMTP sink, and the dashboard, all on the
session's Kafka and Postgres, for an edition of their own; and the links read back from the
invitation e-mails. (No tests here.)"""

import re
import uuid
from collections.abc import AsyncIterator, Iterable
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import asyncpg
import httpx

from shared import topics
from shared.events.codec import make_event
from shared.events.contracts import ApplicationPitch, pitch_key
from shared.events.envelope import CloudEvent
from tests.support.dashboard import running_dashboard
from tests.support.kafka import produce, read_to_end
from tests.support.notification import mails_to, start_notification
from tests.support.processes import ServiceProcess, start_service
from tests.support.review_panel import (
    REVIEW_LINK_KEY,
    application_events,
    publish_applications,
    write_panel_edition,
)
from tests.support.waiting import eventually


@dataclass
class ReviewStack:
    edition_id: str
    applications: list[uuid.UUID]
    scoring: ServiceProcess
    notification: ServiceProcess
    dashboard: ServiceProcess
    admin_token: str

    def admin(self) -> httpx.AsyncClient:
        """Scoring's admin API, as the edition's manager calls it."""
        headers = {"Authorization": f"Bearer {self.admin_token}"}
        return httpx.AsyncClient(base_url=self.scoring.url, headers=headers, timeout=30)


@asynccontextmanager
async def review_stack(
    stack_env: dict[str, str], directory: Path, *, countries: Iterable[str], k: int
) -> AsyncIterator[ReviewStack]:
    """Scoring, notification and the dashboard running an edition whose `[review]` assigns
    every eligible application to k reviewers; one eligible application per country is
    published on accelerator.applications, as intake does, and is scored before this yields."""
    editions = directory / "editions"
    edition_id = write_panel_edition(editions, k=k)
    bootstrap = stack_env["KAFKA_BOOTSTRAP_SERVERS"]
    logs = directory / "logs"
    async with AsyncExitStack() as running:
        scoring = _started(
            running,
            start_service(
                "services.scoring",
                env={
                    "KAFKA_BOOTSTRAP_SERVERS": bootstrap,
                    "DATABASE_URL": stack_env["SCORING_DATABASE_URL"],
                    "ADMIN_TOKEN": stack_env["ADMIN_TOKEN"],
                    "EDITIONS_DIR": str(editions),
                    "REVIEW_LINK_KEY": REVIEW_LINK_KEY,
                    "RELAY_POLL_INTERVAL_S": "0.2",
                },
                log_dir=logs,
            ),
        )
        # The links of the e-mails point at this scoring process, signed with its key.
        notification = _started(
            running,
            start_notification(
                stack_env,
                logs,
                SCORING_URL=scoring.url,
                REVIEW_LINK_KEY=REVIEW_LINK_KEY,
                EDITIONS_DIR=str(editions),
            ),
        )
        dashboard = await running.enter_async_context(
            running_dashboard(stack_env, logs, editions_dir=editions)
        )
        await scoring.wait_ready()
        await notification.wait_ready()
        applications = []
        events = []
        for country in countries:
            application_id = uuid.uuid4()
            applications.append(application_id)
            events += application_events(edition_id, application_id, country=country)
        await publish_applications(bootstrap, events)
        # Each pitch as intake sends it: on the private contacts topic, under its own key.
        await produce(
            bootstrap,
            topics.CONTACTS,
            [
                (
                    pitch_key(application_id),
                    make_event(
                        ApplicationPitch(
                            edition_id=edition_id,
                            application_id=application_id,
                            pitch=pitch_of(application_id),
                        ),
                        service="intake",
                        subject=str(application_id),
                        correlation_id=f"pitch-{application_id}",
                        edition_id=edition_id,
                    ).to_bytes(),
                )
                for application_id in applications
            ],
        )

        async def all_scored() -> bool:
            found = await score_events(bootstrap, applications)
            return all(found[a] for a in applications)

        await eventually(all_scored, timeout_s=90.0, what="every application scored")

        async def all_pitches_in() -> bool:
            admin = await asyncpg.connect(stack_env["DATABASE_URL"])
            try:
                stored = await admin.fetchval(
                    "SELECT count(*) FROM scoring.pitches"
                    " WHERE application_id = ANY($1) AND pitch IS NOT NULL",
                    applications,
                )
            finally:
                await admin.close()
            return bool(stored == len(applications))

        await eventually(all_pitches_in, timeout_s=90.0, what="every pitch in scoring")
        yield ReviewStack(
            edition_id=edition_id,
            applications=applications,
            scoring=scoring,
            notification=notification,
            dashboard=dashboard,
            admin_token=stack_env["ADMIN_TOKEN"],
        )


def pitch_of(application_id: uuid.UUID) -> str:
    return (
        f"Sourcing team kit from two mills for clubs in Japan ({str(application_id)[:8]}).\n"
        "Next: a logistics partner for the first container."
    )


def _started(running: AsyncExitStack, process: ServiceProcess) -> ServiceProcess:
    running.callback(process.terminate)
    return process


async def score_events(
    bootstrap: str, applications: Iterable[uuid.UUID]
) -> dict[uuid.UUID, list[CloudEvent]]:
    """The application.scored events on accelerator.scores of each application, in order,
    each once (a relay's re-send of an event counts once)."""
    found: dict[uuid.UUID, list[CloudEvent]] = {a: [] for a in applications}
    seen: set[uuid.UUID] = set()
    for record in await read_to_end(bootstrap, topics.SCORES):
        event = CloudEvent.from_bytes(record.value)
        subject = uuid.UUID(event.subject)
        if subject in found and event.id not in seen:
            seen.add(event.id)
            found[subject].append(event)
    return found


def review_links(stack_env: dict[str, str], address: str, scoring_url: str) -> dict[str, str]:
    """The personal review link of each e-mail the SMTP sink filed for this address, by the
    e-mail's Message-ID (so a later invitation is told apart even if its link were equal)."""
    pattern = re.compile(rf"{re.escape(scoring_url)}/review/[A-Za-z0-9_.-]+\?lang=[a-z]+")
    links = {}
    for mail in mails_to(stack_env, address):
        [link] = pattern.findall(_text(mail))
        links[str(mail["Message-ID"])] = link
    return links


def _text(mail: EmailMessage) -> str:
    plain = mail.get_body(("plain",))
    assert plain is not None, f"an e-mail to {mail['To']} without a plain text part"
    content: Any = plain.get_content()
    return str(content)
