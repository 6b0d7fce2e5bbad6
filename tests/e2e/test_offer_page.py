"""The athlete's answer in a real browser (Debian's headless Chromium through Playwright): the
link of a real offer e-mail from the Maildir opens a French page, mail scanners' fetches
consume nothing, Accept answers and the dashboard counts it, a second click is told it was
accepted already, and a decline passes the package to the next athlete, who is e-mailed."""

import re
import uuid
from collections.abc import AsyncIterator
from email.message import EmailMessage
from pathlib import Path

import asyncpg
import httpx
import pytest
from playwright.async_api import Browser, ViewportSize, expect

from demo.mailbox import text_of
from shared import topics
from shared.events.codec import make_event
from shared.events.contracts import ContactUpdated
from tests.support.browser import accessibility_violations, chromium, screenshot_path
from tests.support.dashboard import running_dashboard
from tests.support.grant import (
    ADMIN,
    SIGNING_KEY,
    Applicant,
    grant_env,
    offers_in_db,
    post,
    publish_applicants,
    start_grant,
    wait_consumed,
    write_edition,
)
from tests.support.kafka import produce
from tests.support.notification import mails_to, notification_env
from tests.support.processes import ServiceProcess, start_service
from tests.support.waiting import eventually

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(600)]

PHONE: ViewportSize = {"width": 390, "height": 844}
_PAGE_LINK = re.compile(r"https?://\S+/offers/[A-Za-z0-9_-]+\?lang=\w+")
_DECLINE_LINK = re.compile(r"https?://\S+/offers/[A-Za-z0-9_-]+/decline\?lang=\w+")


@pytest.fixture
async def browser() -> AsyncIterator[Browser]:
    async with chromium() as launched:
        yield launched


def _applicant_id(applicant: Applicant) -> str:
    return f"A365-{applicant.application_id.hex[:8]}"  # as publish_applicants names them


async def _publish_contacts(bootstrap: str, people: list[tuple[Applicant, str, str]]) -> None:
    records = []
    for applicant, address, language in people:
        contact = ContactUpdated(
            applicant_id=_applicant_id(applicant),
            full_name=f"Athlète {address[:6]}",
            email=address,
            language=language,
        )
        event = make_event(
            contact, service="intake", subject=contact.applicant_id, correlation_id="offer-page"
        )
        records.append((contact.applicant_id, event.to_bytes()))
    await produce(bootstrap, topics.CONTACTS, records)


async def _offer_mail(stack_env: dict[str, str], address: str) -> EmailMessage:
    found: list[EmailMessage] = []

    async def arrived() -> bool:
        found[:] = [m for m in mails_to(stack_env, address) if _PAGE_LINK.search(text_of(m))]
        return bool(found)

    await eventually(arrived, 60, what=f"an offer e-mail to {address}")
    return found[0]


async def test_an_athlete_answers_the_offer_from_the_email_in_the_browser(
    stack_env: dict[str, str], admin_db: asyncpg.Connection, browser: Browser, tmp_path: Path
) -> None:
    bootstrap = stack_env["KAFKA_BOOTSTRAP_SERVERS"]
    editions = tmp_path / "editions"
    edition_id = write_edition(editions, capacity=2, country_cap=None)
    lea, sam, kim = Applicant("FRA", 90), Applicant("KEN", 80), Applicant("JPN", 70)
    tag = uuid.uuid4().hex[:10]
    addresses = {
        a: f"{name}-{tag}@example.org" for a, name in ((lea, "lea"), (sam, "sam"), (kim, "kim"))
    }
    await _publish_contacts(
        bootstrap,
        [(lea, addresses[lea], "fr"), (sam, addresses[sam], "en"), (kim, addresses[kim], "en")],
    )
    await publish_applicants(bootstrap, edition_id, [lea, sam, kim])
    grant = await start_grant(grant_env(stack_env, editions), tmp_path)
    processes: list[ServiceProcess] = [grant]
    try:
        env = notification_env(stack_env, GRANT_URL=grant.url, OFFER_SIGNING_KEY=SIGNING_KEY)
        notification = start_service("services.notification", env=env, log_dir=tmp_path)
        processes.append(notification)
        await notification.wait_ready()
        await wait_consumed(grant.url, edition_id, scored=3)
        assert (await post(grant.url, f"/v1/editions/{edition_id}/close", headers=ADMIN)).is_success

        mail = await _offer_mail(stack_env, addresses[lea])
        [link] = _PAGE_LINK.findall(text_of(mail))
        assert link.startswith(f"{grant.url}/offers/")
        assert link.endswith("?lang=fr")

        # A mail scanner and a link preview fetch the link before Léa opens it.
        async with httpx.AsyncClient(timeout=30) as scanner:
            for _ in range(3):
                assert (await scanner.get(link)).status_code == 200
            assert (await scanner.head(link)).status_code == 200
        assert {r["state"] for r in await offers_in_db(admin_db, edition_id)} == {"open"}

        phone = await browser.new_context(viewport=PHONE, locale="fr-FR")
        page = await phone.new_page()
        await page.goto(link)
        await expect(page.locator("h1")).to_have_text("Votre package d'accélération")
        await expect(page.locator("#amount")).to_have_text("10\u202f000\u00a0$US")
        assert re.search(
            r"(janvier|février|mars|avril|mai|juin|juillet|août|septembre|octobre|novembre|décembre)",
            await page.locator("#deadline").inner_text(),
        )
        await expect(page.locator("#time-left")).to_contain_text("jours")
        # Fits a phone: nothing wider than the screen.
        assert await page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        # The keyboard reaches Accept first, then Decline.
        await page.keyboard.press("Tab")
        assert await page.evaluate("document.activeElement.id") == "accept"
        await page.keyboard.press("Tab")
        assert await page.evaluate("document.activeElement.id") == "decline"
        await page.screenshot(path=str(screenshot_path("offer-page.png")), full_page=True)

        # The same page opened twice, as a person who clicks twice in two tabs would.
        second_tab = await phone.new_page()
        await second_tab.goto(link)
        await page.locator("#accept").click()
        await expect(page.locator("#outcome")).to_have_text("Vous avez accepté le package")
        await second_tab.locator("#accept").click()
        await expect(second_tab.locator("#outcome")).to_have_text(
            "Vous avez déjà accepté ce package"
        )

        async with running_dashboard(stack_env, tmp_path / "dashboard") as dashboard:
            board = await browser.new_page()
            await board.goto(f"{dashboard.url}/?edition={edition_id}")
            await expect(board.locator("#offers-accepted")).to_have_text("1")

        # Decline asks first, then passes the package to Kim, who gets an offer e-mail.
        [decline] = _DECLINE_LINK.findall(text_of(await _offer_mail(stack_env, addresses[sam])))
        declining = await phone.new_page()
        await declining.goto(decline)
        await expect(declining.locator("h1")).to_have_text("Decline the package?")
        await declining.locator("#confirm-decline").click()
        await expect(declining.locator("#outcome")).to_have_text("You declined the package")
        await _offer_mail(stack_env, addresses[kim])

        # Labels, names and contrast of both pages (axe-core needs its script let in).
        checker = await browser.new_context(viewport=PHONE, bypass_csp=True)
        kim_link = _PAGE_LINK.findall(text_of(await _offer_mail(stack_env, addresses[kim])))[0]
        for url in (
            kim_link,
            _DECLINE_LINK.findall(text_of(await _offer_mail(stack_env, addresses[kim])))[0],
        ):
            checked = await checker.new_page()
            await checked.goto(url)
            assert await accessibility_violations(checked) == []
        states = {r["application_id"]: r["state"] for r in await offers_in_db(admin_db, edition_id)}
        assert states == {
            lea.application_id: "accepted",
            sam.application_id: "declined",
            kim.application_id: "open",
        }
    finally:
        for process in processes:
            process.terminate()
