"""A whole edition through the four services, on real Kafka, Postgres and SMTP: exactly 50
packages accepted within budget, nobody offered twice, promotions in rank order, and one
e-mail per athlete-facing event in the athlete's language — also with grant and notification
SIGKILLed mid-run."""

import asyncio
import email
import email.policy
import io
import uuid
from collections import Counter
from email.message import EmailMessage
from pathlib import Path

import pytest
from rich.console import Console

from demo.athletes import applicants
from demo.observer import Observer, Picture
from demo.run import ATHLETE_FACING, Outcome, run_edition
from services.notification.bootstrap import NotificationSettings
from tests.e2e.conftest import Stack

# The stack runs notification with its default number of SMTP sessions.
SEND_SESSIONS: int = NotificationSettings.model_fields["send_sessions"].default

# A whole edition takes a minute or two here; a slow shared machine gets more room.
pytestmark = [pytest.mark.e2e, pytest.mark.timeout(900)]

ATHLETES = 400
PACKAGE_CENTS = 1_000_000


async def _run(stack: Stack, tag: str) -> Outcome:
    return await run_edition(
        stack.urls(),
        athletes=ATHLETES,
        seed=11,
        console=Console(file=io.StringIO()),
        edition=stack.edition,
        tag=tag,
    )


def _assert_packages_went_right(outcome: Outcome, stack: Stack) -> None:
    picture, standings = outcome.picture, outcome.standings
    assert picture.count("grant.accepted") == 50
    assert standings["accepted_cents"] == 50 * PACKAGE_CENTS == standings["budget_cents"]
    assert standings["committed_cents"] == standings["accepted_cents"]
    assert standings["offers_by_state"].get("open", 0) == 0

    offered_apps = [o["application_id"] for o in picture.offer_order]
    assert len(offered_apps) == len(set(offered_apps)), "an application was offered twice"
    assert all(o["amount_cents"] == PACKAGE_CENTS for o in picture.offer_order)

    # Packages went down the ranking: nobody placed above the last athlete offered was
    # passed over, unless their country had used its cap. (Promotions need not come in rank
    # order: a declined offer frees its country's cap for a better-placed athlete.)
    cap = stack.edition.selection.max_grants_per_country
    assert cap is not None
    accepted = [
        line["application_id"] for line in standings["offers"] if line["state"] == "accepted"
    ]
    per_country = Counter(picture.received[a]["country"] for a in accepted)
    worst_offered = max(o["rank"] for o in picture.offer_order)
    passed_over = [
        app
        for app, rank in picture.waitlisted.items()
        if rank < worst_offered and app not in set(offered_apps)
    ]
    for app in passed_over:
        assert per_country[picture.received[app]["country"]] >= cap, app
    assert picture.count("application.not_selected") == len(picture.eligible) - len(offered_apps)


def _our_mail(mail_dir: Path, tag: str) -> list[EmailMessage]:
    """This run's messages in the Maildir the SMTP sink writes (new/ and cur/)."""
    paths = [*(mail_dir / "new").iterdir(), *(mail_dir / "cur").iterdir()]
    parsed = (_parse(path.read_bytes()) for path in paths)
    return [m for m in parsed if tag in _address(m)]


def _parse(raw: bytes) -> EmailMessage:
    message = email.message_from_bytes(raw, policy=email.policy.default)
    assert isinstance(message, EmailMessage)
    return message


def _address(message: EmailMessage) -> str:
    # SMTPUTF8 headers arrive as raw UTF-8, which the parser keeps as surrogate escapes.
    raw = str(message["To"].addresses[0].addr_spec)
    return raw.encode("utf-8", "surrogateescape").decode("utf-8").lower()


def _expected_mail(picture: Picture) -> int:
    return sum(picture.count(t) for t in ATHLETE_FACING)


def _languages_by_address(tag: str) -> dict[str, str]:
    return {
        a.body["email"].lower(): a.body["language"]
        for a in applicants(ATHLETES, 11, tag)
        if a.kind in ("valid", "ineligible")
    }


def _assert_mail_language(mail: list[EmailMessage], tag: str) -> None:
    languages = _languages_by_address(tag)
    for message in mail:
        assert message["Content-Language"] == languages[_address(message)], message["Subject"]


async def test_a_full_edition_awards_fifty_packages_and_mails_each_event_once(
    stack: Stack,
) -> None:
    tag = f"f{uuid.uuid4().hex[:6]}"
    outcome = await _run(stack, tag)

    _assert_packages_went_right(outcome, stack)
    assert sum(outcome.picture.mail_failures.values()) == 0
    mail = _our_mail(Path(stack.env["MAIL_DIR"]), tag)
    assert len(mail) == _expected_mail(outcome.picture)
    assert len({m["Message-ID"] for m in mail}) == len(mail)
    _assert_mail_language(mail, tag)


async def _chaos(stack: Stack, kills: Counter[str]) -> None:
    """SIGKILL grant and notification twice each, at moments when they are busy."""
    async with Observer(
        stack.env["KAFKA_BOOTSTRAP_SERVERS"], stack.edition.id, stack.env["OFFER_SIGNING_KEY"]
    ) as watch:
        steps = [
            (lambda p: len(p.applications) >= 100, "notification"),
            (lambda p: len(p.scored) >= 100, "grant"),
            (lambda p: p.count("grant.offered") >= 1, "grant"),
            (lambda p: p.mail_templates["offered"] >= 10, "notification"),
        ]
        for condition, service in steps:
            await watch.until(condition, what=f"a moment to kill {service}", timeout_s=600)
            await stack.kill_and_restart(service)
            kills[service] += 1


async def test_the_same_edition_survives_grant_and_notification_being_killed(
    stack: Stack,
) -> None:
    tag = f"k{uuid.uuid4().hex[:6]}"
    kills: Counter[str] = Counter()
    chaos = asyncio.create_task(_chaos(stack, kills))
    outcome = await _run(stack, tag)
    await chaos
    assert kills == {"grant": 2, "notification": 2}

    _assert_packages_went_right(outcome, stack)
    assert sum(outcome.picture.mail_failures.values()) == 0
    mail = _our_mail(Path(stack.env["MAIL_DIR"]), tag)
    distinct = {m["Message-ID"] for m in mail}
    assert len(distinct) == _expected_mail(outcome.picture)
    # A kill between the SMTP server's acceptance and the database commit re-sends the one
    # message each session had in flight, with the same Message-ID (the documented window:
    # one message per session); nothing else repeats.
    assert len(mail) - len(distinct) <= kills["notification"] * SEND_SESSIONS
    _assert_mail_language(mail, tag)
