"""The steps of one edition, each through the services' public HTTP APIs."""

import asyncio
import random
from collections import Counter
from collections.abc import Iterable
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urljoin

import httpx
from rich.progress import Progress

from demo.athletes import Applicant

CONCURRENCY = 16
_ATTEMPTS = 30


async def request(http: httpx.AsyncClient, method: str, url: str, **kwargs: Any) -> httpx.Response:
    """A call that outlasts a service restart: connection errors and 503s are retried."""
    for attempt in range(_ATTEMPTS):
        try:
            response = await http.request(method, url, **kwargs)
            if response.status_code != 503:
                return response
        except httpx.TransportError:
            if attempt == _ATTEMPTS - 1:
                raise
        await asyncio.sleep(min(2.0, 0.1 * 2**attempt))
    return response


async def _bounded(calls: Iterable[Any], progress: Progress, label: str, total: int) -> list[Any]:
    task = progress.add_task(label, total=total)
    gate = asyncio.Semaphore(CONCURRENCY)

    async def one(call: Any) -> Any:
        async with gate:
            result = await call
        progress.advance(task)
        return result

    return list(await asyncio.gather(*(one(c) for c in calls)))


async def submit(
    http: httpx.AsyncClient,
    intake_url: str,
    edition_id: str,
    people: list[Applicant],
    progress: Progress,
) -> tuple[Counter[int], dict[str, str]]:
    """Every applicant applies over HTTP; returns status counts and accepted ids -> language."""
    url = f"{intake_url}/v1/editions/{edition_id}/applications"

    async def apply(person: Applicant) -> tuple[int, str | None, str]:
        response = await request(http, "POST", url, json=person.body)
        accepted = response.json()["application_id"] if response.status_code == 202 else None
        return response.status_code, accepted, person.body.get("language", "en")

    results = await _bounded((apply(p) for p in people), progress, "applications", len(people))
    statuses = Counter(status for status, _, _ in results)
    return statuses, {app_id: lang for _, app_id, lang in results if app_id}


async def train(
    http: httpx.AsyncClient,
    intake_url: str,
    admin: dict[str, str],
    eligible: Iterable[str],
    modules: list[str],
    progress: Progress,
    seed: int,
) -> int:
    """Athletes complete some of the training track; returns completions recorded."""
    rng = random.Random(seed)
    plan = [(app, m) for app in sorted(eligible) for m in rng.sample(modules, rng.randint(0, 5))]

    async def complete(app_id: str, module: str) -> int:
        response = await request(
            http,
            "POST",
            f"{intake_url}/v1/applications/{app_id}/training/{module}/complete",
            headers=admin,
        )
        response.raise_for_status()
        return 1

    done = await _bounded(
        (complete(a, m) for a, m in plan), progress, "training modules", len(plan)
    )
    return sum(done)


async def answer(http: httpx.AsyncClient, links: list[str]) -> Counter[int]:
    """Athletes follow the links in their offer e-mails and press the page's button: the link
    opens a page (GET changes nothing), and its form's POST answers."""
    statuses: Counter[int] = Counter()
    for link in links:
        page = await request(http, "GET", link)
        page.raise_for_status()
        action = posting_form_action(page.text)
        if action is None:
            # The page says the offer was answered already (a retried click) or expired.
            statuses[409 if page.status_code == 200 else page.status_code] += 1
            continue
        answered = await request(http, "POST", urljoin(str(page.url), action))
        statuses[answered.status_code] += 1
    return statuses


class _PostingForms(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.actions: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        fields = dict(attrs)
        if tag == "form" and (fields.get("method") or "").lower() == "post":
            self.actions.append(fields.get("action") or "")


def posting_form_action(html: str) -> str | None:
    """Where the page's first POST form submits (the button a person would press), if any."""
    forms = _PostingForms()
    forms.feed(html)
    return forms.actions[0] if forms.actions else None
