"""A small edition driven through the deployment's published ports only: intake, grant and
the dashboard over HTTP, offers read from the mail server's API."""

import asyncio
import random
import re
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

import httpx

from bench.applicants import csv_chunk
from demo.athletes import Applicant
from demo.phases import request
from tests.deploy.mail_api import MailServer

T = TypeVar("T")
_METRIC = re.compile(r'^accelerator_events_consumed_total\{[^}]*event_type="([^"]+)"[^}]*\} (\S+)$')


@dataclass
class Urls:
    intake: str
    grant: str
    dashboard: str
    mail: str
    admin_token: str

    @property
    def admin(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.admin_token}"}


@dataclass
class Journal:
    """What the run did, for the checks at the end."""

    application_ids: list[str] = field(default_factory=list)
    http_statuses: Counter[int] = field(default_factory=Counter)
    import_rejected: int = 0
    completions: int = 0
    closing: dict[str, Any] = field(default_factory=dict)
    accepted_tokens: set[str] = field(default_factory=set)
    silent_tokens: set[str] = field(default_factory=set)
    expired: list[Any] = field(default_factory=list)


async def until(probe: Callable[[], Awaitable[T | None]], what: str, timeout_s: float = 300) -> T:
    """The probe's first answer that is not None, polled; fails naming what never came."""
    deadline = asyncio.get_running_loop().time() + timeout_s
    last: T | None = None
    while asyncio.get_running_loop().time() < deadline:
        last = await probe()
        if last is not None:
            return last
        await asyncio.sleep(1)
    raise TimeoutError(f"{what}: not within {timeout_s:.0f} s")


class Edition:
    def __init__(self, http: httpx.AsyncClient, urls: Urls, edition_id: str) -> None:
        self.http = http
        self.urls = urls
        self.id = edition_id
        self.mail = MailServer(http, urls.mail)
        self.journal = Journal()

    async def dashboard(self) -> dict[str, Any]:
        answer = await request(
            self.http, "GET", f"{self.urls.dashboard}/v1/dashboard", params={"edition": self.id}
        )
        answer.raise_for_status()
        picture: dict[str, Any] = answer.json()
        return picture

    async def consumed_by_dashboard(self) -> Counter[str]:
        """Records the dashboard read, by event type, redeliveries included."""
        answer = await request(self.http, "GET", f"{self.urls.dashboard}/metrics")
        counts: Counter[str] = Counter()
        for line in answer.text.splitlines():
            if match := _METRIC.match(line):
                counts[match[1]] += int(float(match[2]))
        return counts

    async def standings(self) -> dict[str, Any]:
        answer = await request(
            self.http,
            "GET",
            f"{self.urls.grant}/v1/editions/{self.id}/standings",
            headers=self.urls.admin,
        )
        answer.raise_for_status()
        standings: dict[str, Any] = answer.json()
        return standings

    async def wait_until_open(self) -> None:
        async def opened() -> bool | None:
            picture = await self.dashboard()
            edition = picture.get("edition") or {}
            return True if edition.get("state") == "open" else None

        await until(opened, f"edition {self.id} announced as open")

    async def apply_over_http(self, people: list[Applicant]) -> None:
        url = f"{self.urls.intake}/v1/editions/{self.id}/applications"
        for person in people:
            answer = await request(self.http, "POST", url, json=person.body)
            while answer.status_code == 429:  # a person would wait as told, and send again
                await asyncio.sleep(float(answer.headers.get("Retry-After", "1")))
                answer = await request(self.http, "POST", url, json=person.body)
            self.journal.http_statuses[answer.status_code] += 1
            if answer.status_code == 202:
                self.journal.application_ids.append(answer.json()["application_id"])
            elif answer.status_code not in (409, 422):
                raise AssertionError(f"intake answered {answer.status_code}: {answer.text}")

    async def import_csv(self, people: list[Applicant]) -> None:
        rows = [p.body for p in people if _fits_a_csv_row(p.body)]
        answer = await request(
            self.http,
            "POST",
            f"{self.urls.intake}/v1/editions/{self.id}/applications:import",
            headers={**self.urls.admin, "Content-Type": "text/csv"},
            content=csv_chunk(rows),
        )
        assert answer.status_code == 200, answer.text
        report = answer.json()
        self.journal.application_ids += [row["application_id"] for row in report["applications"]]
        self.journal.import_rejected += report["rejected"]

    async def wait_for_screening_and_enrolment(self) -> dict[str, Any]:
        async def screened() -> dict[str, Any] | None:
            funnel = (await self.dashboard())["edition"]["funnel"]
            seen = await self.consumed_by_dashboard()
            done = (
                funnel["received"] == len(self.journal.application_ids)
                and seen["accelerator.application.screened.v1"] >= len(self.journal.application_ids)
                and funnel["enrolled"] == funnel["eligible"]
            )
            return funnel if done else None

        return await until(screened, "every application screened and every eligible enrolled")

    async def complete_training(self, modules: list[str], seed: int) -> None:
        """Athletes complete some modules; intake refuses the ineligible, never enrolled."""
        rng = random.Random(seed)
        for application_id in self.journal.application_ids:
            for module in rng.sample(modules, rng.randint(0, 3)):
                answer = await request(
                    self.http,
                    "POST",
                    f"{self.urls.intake}/v1/applications/{application_id}/training/{module}"
                    "/complete",
                    headers=self.urls.admin,
                )
                if answer.status_code == 409:
                    break
                assert answer.status_code in (200, 201), answer.text
                self.journal.completions += answer.status_code == 201

    async def wait_until_scored(self, eligible: int) -> None:
        async def scored() -> bool | None:
            counts = (await self.standings())["applications"]
            funnel = (await self.dashboard())["edition"]["funnel"]
            return True if counts.get("scored", 0) >= eligible == funnel["scored"] else None

        await until(scored, f"grant and the dashboard seeing {eligible} scored applications")

    async def close(self) -> None:
        answer = await request(
            self.http,
            "POST",
            f"{self.urls.grant}/v1/editions/{self.id}/close",
            headers=self.urls.admin,
        )
        assert answer.status_code == 200, answer.text
        self.journal.closing = answer.json()

    async def offers_mailed(self, at_least: int) -> dict[str, str]:
        async def enough() -> dict[str, str] | None:
            tokens = await self.mail.offer_tokens()
            return tokens if len(tokens) >= at_least else None

        return await until(enough, f"{at_least} offer e-mails")

    async def accept(self, tokens: list[str]) -> None:
        for token in tokens:
            answer = await request(self.http, "POST", f"{self.urls.grant}/v1/offers/{token}/accept")
            assert answer.status_code == 200, answer.text
            self.journal.accepted_tokens.add(token)

    async def expire_overdue(self, offer_days: int) -> None:
        as_of = datetime.now(UTC) + timedelta(days=offer_days + 1)
        answer = await request(
            self.http,
            "POST",
            f"{self.urls.grant}/v1/editions/{self.id}/expire-overdue",
            headers=self.urls.admin,
            json={"as_of": as_of.isoformat()},
        )
        assert answer.status_code == 200, answer.text
        self.journal.expired = answer.json()["expired"]

    async def accept_promotions_until_settled(self) -> dict[str, Any]:
        """Each athlete promoted from the waitlist accepts, until every package is taken."""

        async def settled() -> dict[str, Any] | None:
            standings = await self.standings()
            if standings["settled"]:
                return standings
            answered = self.journal.accepted_tokens | self.journal.silent_tokens
            await self.accept([t for t in await self.mail.offer_tokens() if t not in answered])
            return None

        return await until(settled, "the edition settled", timeout_s=600)


def _fits_a_csv_row(body: dict[str, Any]) -> bool:
    """A spoiled body with a field the CSV has no column for still makes a row."""
    return {"business", "consent", "athlete_id"} <= set(body)
