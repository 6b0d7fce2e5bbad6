"""The review panel of the demo edition, driven as its people would: the admin puts five
reviewers on the panel and runs the assignment through scoring's admin API; each reviewer
opens the personal link of their invitation e-mail and scores every application of their
queue on scoring's pages; one of them declares a conflict, and the application goes to
another reviewer, who is invited again."""

import asyncio
import mailbox
import random
import re
from dataclasses import dataclass, field
from datetime import datetime
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import urljoin
from uuid import UUID

import httpx
from rich.console import Console

from demo import phases
from demo.mailbox import text_of
from demo.observer import Observer, Picture
from services.grant.domain.selection import Candidate, Constraints, rank, select_offers
from shared.editions import Edition

# Five reviewers, one per language and a second English one; ids only leave scoring.
PANEL = (
    ("r-01", "Ana Lima", "en", "BRA"),
    ("r-02", "Claire Dubois", "fr", "FRA"),
    ("r-03", "Jonas Becker", "de", "GER"),
    ("r-04", "Lucía Ortega", "es", "ESP"),
    ("r-05", "Sam Okafor", "en", "NGR"),
)
_REVIEW_LINK = re.compile(r"https?://\S+/review/[A-Za-z0-9_-]+\?lang=\w+")
_QUEUE_ITEM = re.compile(r'href="(/review/queue/[0-9a-f-]{36}[^"]*)"')


@dataclass
class PanelOutcome:
    reviewers: list[dict[str, Any]] = field(default_factory=list)
    """Scoring's view of each reviewer: id, assigned, reviewed (names left out)."""
    chosen: int = 0
    assigned: int = 0
    conflicts: int = 0
    offers_changed: int = 0
    """First-round offers that went elsewhere than the rubric alone would have sent them."""


def _address(reviewer_id: str, tag: str) -> str:
    return f"{reviewer_id}{'.' + tag if tag else ''}@panel.accelerator.example"


async def run_panel(
    http: httpx.AsyncClient,
    env: dict[str, str],
    edition_id: str,
    observer: Observer,
    console: Console,
    *,
    seed: int,
    tag: str = "",
) -> PanelOutcome:
    scoring, admin = env["SCORING_URL"], {"Authorization": f"Bearer {env['ADMIN_TOKEN']}"}
    panel_url = f"{scoring}/v1/editions/{edition_id}"
    outcome = PanelOutcome()
    for reviewer_id, name, language, noc in PANEL:
        body = {
            "full_name": name,
            "email": _address(reviewer_id, tag),
            "language": language,
            "noc": noc,
        }
        put = await phases.request(
            http, "PUT", f"{panel_url}/reviewers/{reviewer_id}", headers=admin, json=body
        )
        put.raise_for_status()
    run = await phases.request(http, "POST", f"{panel_url}/review-assignments", headers=admin)
    run.raise_for_status()
    assignment = run.json()
    outcome.chosen, outcome.assigned = assignment["chosen"], assignment["assigned"]
    console.print(
        f"review panel: {len(PANEL)} reviewers, {outcome.chosen} applications, "
        f"{outcome.assigned} reviews assigned; waiting for the invitations…"
    )
    invited: int = assignment["invited"]
    await observer.until(
        lambda p: p.mail_templates["reviewer_invited"] >= invited, what="the invitation e-mails"
    )
    mail_dir = Path(env["MAIL_DIR"])
    # The one with a conflict declares it on the first application of their queue.
    conflicted = PANEL[-1][0]
    done: dict[str, set[str]] = {reviewer_id: set() for reviewer_id, *_ in PANEL}
    for reviewer_id, *_ in PANEL:
        link = _invitation_link(mail_dir, _address(reviewer_id, tag))
        if link is not None:
            outcome.conflicts += await _review_queue(
                link, reviewer_id, done[reviewer_id], seed=seed, conflict=reviewer_id == conflicted
            )
    if outcome.conflicts:
        # The application went to another reviewer, who is invited to it: they review it too.
        await observer.until(
            lambda p: p.mail_templates["reviewer_invited"] >= invited + outcome.conflicts,
            what="the invitation after the conflict",
        )
        for reviewer_id, *_ in PANEL:
            link = _invitation_link(mail_dir, _address(reviewer_id, tag))
            if link is not None:
                await _review_queue(link, reviewer_id, done[reviewer_id], seed=seed)
    listed = await phases.request(http, "GET", f"{panel_url}/reviewers", headers=admin)
    listed.raise_for_status()
    outcome.reviewers = [
        {k: r[k] for k in ("reviewer_id", "assigned", "reviewed")} for r in listed.json()
    ]
    console.print(
        f"{sum(r['reviewed'] for r in outcome.reviewers)} reviews done by {len(PANEL)} reviewers"
        f" on their pages ({outcome.conflicts} conflict declared)"
    )
    await observer.until(
        lambda p: p.count("review.submitted") >= sum(r["reviewed"] for r in outcome.reviewers),
        what="every review on the reviews topic",
    )
    return outcome


def _invitation_link(mail_dir: Path, address: str) -> str | None:
    """The personal link of the reviewer's latest invitation e-mail."""
    links = [
        found.group(0)
        for message in mailbox.Maildir(mail_dir, create=False)
        if address in str(message["To"])
        for found in [_REVIEW_LINK.search(text_of(message))]
        if found
    ]
    return links[-1] if links else None


async def _review_queue(
    link: str, reviewer_id: str, done: set[str], *, seed: int, conflict: bool = False
) -> int:
    """Score what the reviewer's queue holds that they have not reviewed (`done`, which it
    adds to); returns the conflicts declared."""
    conflicts = 0
    # Each reviewer is a browser of their own: the link's session cookie is theirs.
    async with httpx.AsyncClient(timeout=60, follow_redirects=True) as browser:
        queue = await phases.request(browser, "GET", link)
        queue.raise_for_status()
        queued = [href.replace("&amp;", "&") for href in _QUEUE_ITEM.findall(queue.text)]
        pending = [urljoin(str(queue.url), h) for h in queued if _application(h) not in done]
        done.update(_application(h) for h in queued)
        gate = asyncio.Semaphore(phases.CONCURRENCY)

        async def review(url: str, declare: bool) -> None:
            async with gate:
                page = await phases.request(browser, "GET", url)
                page.raise_for_status()
                forms = _forms(page.text)
                if declare:
                    [action] = [a for a, fields in forms if not fields]
                    answer = await phases.request(browser, "POST", urljoin(url, action))
                else:
                    [(action, fields)] = [(a, f) for a, f in forms if f]
                    scores = {f: str(_score(seed, url, reviewer_id)) for f in fields}
                    answer = await phases.request(
                        browser, "POST", urljoin(url, action), data=scores
                    )
                answer.raise_for_status()

        if conflict and pending:
            await review(pending.pop(0), True)
            conflicts = 1
        await asyncio.gather(*(review(url, False) for url in pending))
    return conflicts


def _application(url: str) -> str:
    return url.split("/review/queue/")[1].split("?")[0]


def _score(seed: int, url: str, reviewer_id: str) -> int:
    """0-10: each application has a quality every reviewer sees, give or take a point; now
    and then a reviewer sees it very differently, which is a disagreement to look at."""
    application = _application(url)
    quality = random.Random(f"{seed}:{application}").randint(3, 8)
    own = random.Random(f"{seed}:{application}:{reviewer_id}")
    swing = own.choice((-4, 4)) if own.random() < 0.1 else own.choice((-1, 0, 0, 1))
    return max(0, min(10, quality + swing))


class _Forms(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.forms: list[tuple[str, list[str]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        named = dict(attrs)
        if tag == "form" and (named.get("method") or "").lower() == "post":
            self.forms.append((named.get("action") or "", []))
        elif tag == "input" and self.forms and (named.get("name") or "").startswith("criterion."):
            self.forms[-1][1].append(named["name"] or "")


def _forms(html: str) -> list[tuple[str, list[str]]]:
    """The page's posting forms: (action, the criterion fields it asks for)."""
    parser = _Forms()
    parser.feed(html)
    return parser.forms


def offers_changed_by_reviews(picture: Picture, edition: Edition, first_round: int) -> int:
    """How many of the first round's offers went to someone the rubric alone would not have
    offered one: grant's own ranking and country cap over the same applications, with the
    totals their scores would have had without the panel's reviews."""
    candidates = []
    for application_id in (picture.eligible & picture.scored) - picture.withdrawn:
        received = picture.received.get(application_id)
        if received is None:
            continue
        candidates.append(
            Candidate(
                UUID(application_id),
                received["country"],
                picture.rubric_totals[application_id],
                datetime.fromisoformat(received["submitted_at"]),
            )
        )
    constraints = Constraints(edition.grant_capacity, edition.selection.max_grants_per_country)
    on_rubric = {str(r.application_id) for r in select_offers(rank(candidates), constraints)}
    offered = {offer["application_id"] for offer in picture.offer_order[:first_round]}
    return len(offered - on_rubric)
