"""One edition from first application to the last e-mail, driven like its users would."""

import asyncio
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from uuid import UUID

import httpx
from rich.console import Console
from rich.progress import Progress

from demo import phases
from demo.athletes import applicants
from demo.mailbox import OfferMail, offer_mails
from demo.observer import Observer, Picture
from demo.panel import PanelOutcome, offers_changed_by_reviews, run_panel
from shared.editions import Edition, load_editions
from shared.offer_links import sign

DEMO_EDITION = "athlete365-4"
# The mix of answers to the first round of offers; later offers are all accepted.
ACCEPT_SHARE, DECLINE_SHARE = 0.7, 0.15


@dataclass
class Outcome:
    statuses: Counter[int] = field(default_factory=Counter)
    picture: Picture = field(default_factory=lambda: Picture(DEMO_EDITION))
    first_round_offers: int = 0
    standings: dict[str, Any] = field(default_factory=dict)
    answers: Counter[str] = field(default_factory=Counter)
    panel: PanelOutcome | None = None


async def run_edition(
    env: dict[str, str],
    *,
    athletes: int,
    seed: int,
    console: Console,
    edition: Edition | None = None,
    tag: str = "",
    panel: bool = False,
) -> Outcome:
    """panel: also run the edition's review panel (when its file has `[review]`)."""
    edition = edition or load_editions()[DEMO_EDITION]
    edition_url = f"{env['GRANT_URL']}/v1/editions/{edition.id}"
    admin = {"Authorization": f"Bearer {env['ADMIN_TOKEN']}"}
    intake = env["INTAKE_URL"]
    outcome = Outcome(picture=Picture(edition.id))
    async with (
        Observer(env["KAFKA_BOOTSTRAP_SERVERS"], edition.id, env["OFFER_SIGNING_KEY"]) as observer,
        httpx.AsyncClient(timeout=60) as http,
    ):
        outcome.picture = observer.picture
        with Progress(console=console) as progress:
            outcome.statuses, accepted = await phases.submit(
                http, intake, edition.id, applicants(athletes, seed, tag), progress
            )
            await observer.until(
                lambda p: p.count("application.screened") >= len(accepted), what="screening"
            )
            await phases.train(
                http,
                intake,
                admin,
                observer.picture.eligible,
                edition.training.modules,
                progress,
                seed,
            )
        eligible = len(observer.picture.eligible)
        console.print(f"[bold]{eligible}[/] eligible athletes enrolled; waiting for their scores…")
        await _until_grant_has_scores(http, edition_url, admin, eligible)
        if panel and edition.review is not None:
            # Before closing: the reviewers' scores enter the totals grant ranks by.
            outcome.panel = await run_panel(
                http, env, edition.id, observer, console, seed=seed, tag=tag
            )

        console.print("closing the edition…")
        closed = await phases.request(http, "POST", f"{edition_url}/close", headers=admin)
        closed.raise_for_status()
        capacity = min(edition.grant_capacity, eligible)
        await observer.until(lambda p: p.count("grant.offered") >= capacity, what="first offers")
        outcome.first_round_offers = observer.picture.count("grant.offered")
        if outcome.panel is not None:
            outcome.panel.offers_changed = offers_changed_by_reviews(
                observer.picture, edition, outcome.first_round_offers
            )

        mail_dir = Path(env["MAIL_DIR"])
        answered: set[str] = set()
        first = await _offer_mails(observer, mail_dir, outcome.first_round_offers)
        n_accept, n_decline = int(len(first) * ACCEPT_SHARE), int(len(first) * DECLINE_SHARE)
        console.print(
            f"{len(first)} offers e-mailed: {n_accept} accept, {n_decline} decline, "
            f"{len(first) - n_accept - n_decline} never answer"
        )
        await _answer(http, outcome, first[:n_accept], "accept", answered)
        await _answer(http, outcome, first[n_accept : n_accept + n_decline], "decline", answered)
        answered |= {m.accept_url for m in first}  # the silent ones stay silent
        # Each decline passes its package on at once; those athletes accept in time.
        promoted = await _offer_mails(observer, mail_dir, outcome.first_round_offers + n_decline)
        await _answer(http, outcome, _unanswered(promoted, answered), "accept", answered)

        as_of = datetime.now(UTC) + edition.offer_window + timedelta(days=1)
        console.print(f"moving time to {as_of:%Y-%m-%d}: unanswered offers expire…")
        expired = await phases.request(
            http,
            "POST",
            f"{edition_url}/expire-overdue",
            headers=admin,
            json={"as_of": as_of.isoformat()},
        )
        expired.raise_for_status()
        outcome.standings = await _promote_until_settled(
            http, edition_url, admin, observer, outcome, answered, mail_dir
        )
        await observer.until(
            _every_event_mailed, what="every e-mail", timeout_s=300, explain=_mail_progress
        )
    return outcome


async def _until_grant_has_scores(
    http: httpx.AsyncClient, edition_url: str, admin: dict[str, str], eligible: int
) -> None:
    for _ in range(1_200):
        standings = await _standings(http, edition_url, admin)
        if standings["applications"].get("scored", 0) >= eligible:
            return
        await asyncio.sleep(0.5)
    raise TimeoutError("grant never saw a score for every eligible application")


async def _standings(
    http: httpx.AsyncClient, edition_url: str, admin: dict[str, str]
) -> dict[str, Any]:
    response = await phases.request(http, "GET", f"{edition_url}/standings", headers=admin)
    response.raise_for_status()
    standings: dict[str, Any] = response.json()
    return standings


async def _offer_mails(observer: Observer, mail_dir: Path, expected: int) -> list[OfferMail]:
    """This edition's offer e-mails, once at least `expected` of them have been sent."""
    await observer.until(
        lambda p: p.mail_templates["offered"] >= expected, what=f"{expected} offer e-mails"
    )
    return _this_editions_offer_mails(observer, mail_dir)


def _this_editions_offer_mails(observer: Observer, mail_dir: Path) -> list[OfferMail]:
    # The inbox may hold other editions' offers; this edition's links carry its offers' tokens.
    key = observer.offer_signing_key
    offers = list(observer.picture.offers.values())
    tokens = {
        sign(UUID(o["offer_id"]), datetime.fromisoformat(o["expires_at"]), key=key) for o in offers
    }
    mails = [m for m in offer_mails(mail_dir).values() if m.token in tokens]
    return sorted(mails, key=lambda m: m.accept_url)


def _unanswered(mails: list[OfferMail], answered: set[str]) -> list[OfferMail]:
    return [m for m in mails if m.accept_url not in answered]


async def _answer(
    http: httpx.AsyncClient, outcome: Outcome, mails: list[OfferMail], how: str, answered: set[str]
) -> None:
    links = [m.accept_url if how == "accept" else m.decline_url for m in mails]
    statuses = await phases.answer(http, links)
    outcome.answers[how] += statuses[200]
    answered |= {m.accept_url for m in mails}


async def _promote_until_settled(
    http: httpx.AsyncClient,
    edition_url: str,
    admin: dict[str, str],
    observer: Observer,
    outcome: Outcome,
    answered: set[str],
    mail_dir: Path,
) -> dict[str, Any]:
    """Each promoted athlete accepts, until every package is taken or nobody is left."""
    for _ in range(1_200):
        standings = await _standings(http, edition_url, admin)
        if standings["settled"]:
            return standings
        fresh = _unanswered(_this_editions_offer_mails(observer, mail_dir), answered)
        await _answer(http, outcome, fresh, "accept", answered)
        await asyncio.sleep(0.5)
    raise TimeoutError("the edition did not settle")


ATHLETE_FACING = (
    "application.received",
    "application.screened",
    "training.enrolled",
    "grant.offered",
    "grant.accepted",
    "grant.declined",
    "grant.expired",
    "application.waitlisted",
    "application.not_selected",
)


def _every_event_mailed(picture: Picture) -> bool:
    """Every athlete-facing event has its e-mail sent, or reported as failed."""
    expected = sum(picture.count(t) for t in ATHLETE_FACING)
    done = sum(picture.mail_templates.values()) + sum(picture.mail_failures.values())
    return done >= expected


def _mail_progress(picture: Picture) -> str:
    events = {t: picture.count(t) for t in ATHLETE_FACING if picture.count(t)}
    return (
        f"athlete-facing events {events}; e-mails sent {dict(picture.mail_templates)}; "
        f"failed {dict(picture.mail_failures)}"
    )
