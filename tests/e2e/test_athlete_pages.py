"""An athlete's own pages in a real browser (Debian's headless Chromium through Playwright) on
the whole stack: the form in German with one field wrong, the German problem beside it and the
rest kept, the received page, the status link of the real "received" e-mail from the Maildir,
and the status page following the application; the same in Spanish, chosen on the page; a
French athlete who clicks the link in a webmail and withdraws from the status page, confirmed
by e-mail; and axe-core finds
nothing serious on the form, the status page or the confirmation pages."""

import html
import re
import uuid
from collections.abc import AsyncIterator, Iterator
from email.message import EmailMessage

import httpx
import pytest
from playwright.async_api import Browser, Page, ViewportSize, expect

from demo.mailbox import text_of
from tests.e2e.conftest import Stack
from tests.support.browser import accessibility_violations, chromium, screenshot_path
from tests.support.notification import mails_to
from tests.support.waiting import eventually

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(600)]

PHONE: ViewportSize = {"width": 390, "height": 844}
_STATUS_LINK = re.compile(r"https?://\S+/status/[A-Za-z0-9_-]+\?lang=\w+")


@pytest.fixture(autouse=True)
def _patient_checks() -> Iterator[None]:
    """Each page and e-mail is waited for, not timed: a busy machine answers later."""
    expect.set_options(timeout=20_000)
    yield
    expect.set_options(timeout=5_000)  # Playwright's own default


@pytest.fixture
async def browser() -> AsyncIterator[Browser]:
    async with chromium() as launched:
        yield launched


async def _fill_form(page: Page, tag: str, *, career_end_year: str) -> None:
    await page.fill("#field-athlete-id", f"A365-{tag}")
    await page.fill("#field-full-name", "Jana Müller")
    await page.fill("#field-email", f"jana.{tag.lower()}@example.org")
    await page.select_option("#field-country", "GER")
    await page.fill("#field-sport", "Rudern")
    await page.select_option("#field-athlete-status", "former_olympian")
    await page.fill("#field-career-end-year", career_end_year)
    await page.fill("#field-business-name", "Blade Works")
    await page.fill("#field-business-sector", "sporting_goods")
    await page.select_option("#field-business-stage", "prototype")
    await page.fill("#field-business-pitch", "Carbon oars for rowing clubs, shipped worldwide.")
    await page.fill("#field-business-sourcing-needs", "carbon_fibre, packaging")
    await page.select_option("#field-business-target-markets", ["NED", "USA"])
    await page.check("#field-consent-data-processing")


async def _received_mail(stack: Stack, address: str) -> EmailMessage:
    found: list[EmailMessage] = []

    async def arrived() -> bool:
        found[:] = [m for m in mails_to(stack.env, address) if _STATUS_LINK.search(text_of(m))]
        return bool(found)

    await eventually(arrived, 120, what=f"the received e-mail to {address}")
    return found[0]


async def test_a_german_athlete_applies_and_follows_the_application(
    stack: Stack, browser: Browser
) -> None:
    intake = stack.processes["intake"].url
    tag = uuid.uuid4().hex[:10].upper()
    phone = await browser.new_context(viewport=PHONE, locale="de-DE")
    page = await phone.new_page()
    await page.goto(f"{intake}/")
    await page.get_by_role("link", name=stack.edition.name).click()
    await expect(page.locator("h1")).to_have_text(f"Bewerbung für den {stack.edition.name}")

    # A former athlete leaves out the year their career ended.
    await _fill_form(page, tag, career_end_year="")
    await page.click("#submit")
    error = page.locator("#field-career-end-year-error")
    await expect(error).to_have_text(
        "Ehemalige Athletinnen und Athleten geben das Jahr an, in dem ihre Laufbahn endete."
    )
    await expect(page.locator("#problems")).to_contain_text("Ein Feld braucht Ihre Aufmerksamkeit")
    assert await page.locator(".field.invalid").count() == 1
    await expect(page.locator("#field-full-name")).to_have_value("Jana Müller")
    await expect(page.locator("#field-country")).to_have_value("GER")
    await expect(page.locator("#field-business-sourcing-needs")).to_have_value(
        "carbon_fibre, packaging"
    )
    await expect(page.locator("#field-consent-data-processing")).to_be_checked()
    assert await page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    await error.scroll_into_view_if_needed()
    await page.screenshot(path=str(screenshot_path("application-form-error.png")))

    await page.fill("#field-career-end-year", "2022")
    await page.click("#submit")
    await expect(page.locator("h1")).to_have_text("Ihre Bewerbung ist eingegangen")
    application_id = (await page.locator("#application-id").inner_text()).strip()
    shown_link = await page.locator("#status-link").inner_text()

    mail = await _received_mail(stack, f"jana.{tag.lower()}@example.org")
    assert mail["Subject"].startswith("Wir haben Ihre Bewerbung")
    [link] = _STATUS_LINK.findall(text_of(mail))
    assert link == shown_link
    assert link.endswith("?lang=de")

    # Opened from the e-mail in a browser that never saw the form: the token leaves the URL.
    reader = await browser.new_context(viewport=PHONE)
    status = await reader.new_page()
    await status.goto(link)
    assert status.url == f"{intake}/applications/{application_id}?lang=de"
    timeline = status.locator("#timeline")
    await expect(timeline.locator('[data-step="eligible"]')).to_contain_text("Teilnahmeberechtigt")
    await expect(timeline.locator('[data-step="enrolled"]')).to_contain_text(
        "0 von 5 Trainingsmodulen abgeschlossen"
    )

    async with httpx.AsyncClient(base_url=intake, timeout=30) as admin:
        done = await admin.post(
            f"/v1/applications/{application_id}/training/business-foundations/complete",
            headers={"Authorization": f"Bearer {stack.env['ADMIN_TOKEN']}"},
        )
        assert done.status_code == 201, done.text
    await status.reload()
    await expect(timeline.locator('[data-step="enrolled"]')).to_contain_text(
        "1 von 5 Trainingsmodulen abgeschlossen"
    )
    await expect(timeline.locator("li.done")).to_have_text(
        "Grundlagen der Unternehmensführung — erledigt"
    )
    await status.screenshot(path=str(screenshot_path("status-page.png")), full_page=True)

    # Labels, names and contrast of the form with a problem and of the status page.
    checker = await browser.new_context(viewport=PHONE, locale="de-DE", bypass_csp=True)
    checked = await checker.new_page()
    await checked.goto(f"{intake}/apply/{stack.edition.id}")
    await _fill_form(checked, uuid.uuid4().hex[:10].upper(), career_end_year="")
    await checked.click("#submit")
    await expect(checked.locator("#problems")).to_be_visible()
    assert await accessibility_violations(checked) == []
    await checked.goto(link)
    await expect(checked.locator("#timeline")).to_be_visible()
    assert await accessibility_violations(checked) == []


async def test_a_spanish_reader_chooses_spanish_and_is_written_to_in_it(
    stack: Stack, browser: Browser
) -> None:
    intake = stack.processes["intake"].url
    tag = uuid.uuid4().hex[:10].upper()
    context = await browser.new_context(viewport=PHONE, locale="en-GB")
    page = await context.new_page()
    await page.goto(f"{intake}/apply/{stack.edition.id}")
    await expect(page.locator("h1")).to_have_text(f"Apply to the {stack.edition.name}")
    await page.get_by_role("link", name="Español").click()
    await expect(page.locator("h1")).to_have_text(f"Solicitud para el {stack.edition.name}")
    await expect(page.locator("#field-language")).to_have_value("es")
    await expect(page.locator("#field-country option[value=GER]")).to_have_text("Alemania")

    await _fill_form(page, tag, career_end_year="2021")
    await page.click("#submit")
    await expect(page.locator("h1")).to_have_text("Hemos recibido tu solicitud")
    content = await page.content()
    assert "%(" not in content

    mail = await _received_mail(stack, f"jana.{tag.lower()}@example.org")
    assert mail["Subject"] == f"Hemos recibido tu solicitud para el {stack.edition.name}"
    text = text_of(mail)
    assert text.startswith("Hola, Jana Müller:")
    [link] = _STATUS_LINK.findall(text)
    assert link.endswith("?lang=es")
    await page.goto(link)
    await expect(page.locator('[data-step="eligible"]')).to_contain_text("Admisible")
    await expect(page.locator('[data-step="enrolled"]')).to_contain_text(
        "0 de 5 módulos de formación completados"
    )
    await expect(page.locator("html")).to_have_attribute("lang", "es")


async def test_a_french_athlete_withdraws_from_the_status_page(
    stack: Stack, browser: Browser
) -> None:
    intake = stack.processes["intake"].url
    tag = uuid.uuid4().hex[:10].upper()
    address = f"jana.{tag.lower()}@example.org"
    form = await (await browser.new_context(viewport=PHONE, locale="fr-FR")).new_page()
    await form.goto(f"{intake}/apply/{stack.edition.id}")
    await _fill_form(form, tag, career_end_year="2021")
    await expect(form.locator("#field-language")).to_have_value("fr")
    await form.click("#submit")
    await expect(form.locator("h1")).to_have_text("Votre candidature est reçue")
    application_id = (await form.locator("#application-id").inner_text()).strip()

    [link] = _STATUS_LINK.findall(text_of(await _received_mail(stack, address)))
    assert link.endswith("?lang=fr")
    # Clicked in a webmail, in a browser of its own, under the pages' CSP: the click is a
    # navigation from another site, and the cookie the link is traded for must still reach
    # the page the exchange redirects to (SameSite=Lax, not Strict; services/intake/README.md).
    reader = await browser.new_context(viewport=PHONE)
    inbox = f'<!DOCTYPE html><title>Inbox</title><a id="link" href="{html.escape(link)}">…</a>'
    await reader.route(
        "https://webmail.example/**",
        lambda route: route.fulfill(body=inbox, content_type="text/html"),
    )
    page = await reader.new_page()
    await page.goto("https://webmail.example/inbox")
    await page.click("#link")
    await expect(page.locator('[data-step="enrolled"]')).to_be_visible()

    # Labels, names and contrast of both confirmation pages, whose GET changes nothing.
    checked = await (await browser.new_context(viewport=PHONE, bypass_csp=True)).new_page()
    await checked.goto(link)
    for action, heading in (
        ("withdraw", "Retirer votre candidature ?"),
        ("erasure", "Effacer vos données personnelles ?"),
    ):
        await checked.goto(f"{intake}/applications/{application_id}/{action}?lang=fr")
        await expect(checked.locator("h1")).to_have_text(heading)
        assert await accessibility_violations(checked) == []

    await page.get_by_role("button", name="Retirer ma candidature").click()
    assert page.url == f"{intake}/applications/{application_id}/withdraw?lang=fr"
    await expect(page.locator("h1")).to_have_text("Retirer votre candidature ?")
    await expect(page.locator("main")).to_contain_text("Ce choix est définitif")
    await page.get_by_role("button", name="Oui, retirer ma candidature").click()

    assert page.url == f"{intake}/applications/{application_id}?lang=fr"
    await expect(page.locator("#status")).to_have_text("Vous avez retiré votre candidature.")
    await expect(page.locator('[data-step="withdrawn"]')).to_contain_text("Candidature retirée")
    await expect(page.locator("#withdraw")).to_have_count(0)
    async with httpx.AsyncClient(base_url=intake, timeout=30) as admin:
        shown = await admin.get(
            f"/v1/applications/{application_id}",
            headers={"Authorization": f"Bearer {stack.env['ADMIN_TOKEN']}"},
        )
    assert shown.json()["status"] == "withdrawn"

    async def confirmed() -> bool:
        subjects = [m["Subject"] for m in mails_to(stack.env, address)]
        return "Votre candidature a été retirée" in subjects

    await eventually(confirmed, 120, what=f"the withdrawn e-mail to {address}")
