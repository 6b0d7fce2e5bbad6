"""A panel reviewer in a real browser (Debian's headless Chromium through Playwright): the
link from the invitation opens their queue in their language, they score an application with
the form and declare a conflict on another, and the pages pass axe-core's checks."""

import uuid
from collections.abc import AsyncIterator

import httpx
import pytest
from playwright.async_api import Browser, ViewportSize, expect

from tests.integration.test_scoring_panel import panel_scoring
from tests.integration.test_scoring_review_pages import assigned_panel, link_of
from tests.support.browser import accessibility_violations, chromium
from tests.support.processes import ServiceProcess
from tests.support.review_panel import panel_events
from tests.support.waiting import eventually

pytestmark = [pytest.mark.integration, pytest.mark.timeout(600)]
__all__ = ["panel_scoring"]

PHONE: ViewportSize = {"width": 390, "height": 844}


@pytest.fixture
async def browser() -> AsyncIterator[Browser]:
    async with chromium() as launched:
        yield launched


async def test_a_reviewer_scores_and_passes_one_on_in_the_browser(
    stack_env: dict[str, str],
    panel_scoring: tuple[ServiceProcess, str, list[uuid.UUID]],
    browser: Browser,
) -> None:
    process, edition_id, _ = panel_scoring
    bootstrap = stack_env["KAFKA_BOOTSTRAP_SERVERS"]
    invitations = await assigned_panel(stack_env, process, edition_id)
    link = process.url + link_of(invitations["r-ana"], "es")

    # A mail scanner opening the link first changes nothing, and gets no session for Ana.
    async with httpx.AsyncClient(timeout=30) as scanner:
        assert (await scanner.get(link)).status_code == 303
        assert (await scanner.head(link)).status_code == 303

    phone = await browser.new_context(viewport=PHONE, locale="es-ES", java_script_enabled=False)
    page = await phone.new_page()
    await page.goto(link)
    assert page.url.endswith("/review/queue?lang=es")
    await expect(page.locator("h1")).to_have_text("Sus solicitudes por evaluar")
    await expect(page.locator("#progress")).to_have_text("Evaluadas: 0 de 4")
    assert await page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    await page.locator("#queue a").first.click()
    await expect(page.locator("h1")).to_contain_text("Solicitud")
    await expect(page.locator("label[for='criterion.market_opportunity']")).to_have_text(
        "Oportunidad de mercado"
    )
    for field, value in (
        ("market_opportunity", "9"),
        ("business_model", "8"),
        ("founder_readiness", "7"),
        ("accelerator_fit", "8"),
    ):
        await page.fill(f"[name='criterion.{field}']", value)
    await page.fill("#comment", "Mercado claro.")
    await page.locator("#save").click()
    await expect(page.locator("#progress")).to_have_text("Evaluadas: 1 de 4")

    # The second one: a conflict; it leaves the queue.
    second = page.locator("#queue li[data-reviewed='no'] a").first
    passed_on = await page.locator("#queue li[data-reviewed='no']").first.get_attribute(
        "data-application"
    )
    await second.click()
    await page.locator("#conflict").click()
    await expect(page.locator("#progress")).to_have_text("Evaluadas: 1 de 3")
    assert await page.locator(f"[data-application='{passed_on}']").count() == 0

    async def released() -> bool:
        return any(
            e.type == "accelerator.review.released.v1" and e.data["application_id"] == passed_on
            for e in await panel_events(bootstrap, edition_id)
        )

    await eventually(released, timeout_s=60.0, what="the conflicted application released")

    # Labels, names and contrast (axe-core needs its script let in).
    checker = await browser.new_context(viewport=PHONE, bypass_csp=True)
    checked = await checker.new_page()
    await checked.goto(link)
    assert await accessibility_violations(checked) == []
    await checked.locator("#queue a").first.click()
    assert await accessibility_violations(checked) == []
    await checked.fill("[name='criterion.accelerator_fit']", "12")
    await checked.locator("#save").click()
    await expect(checked.locator("#criterion\\.accelerator_fit-error")).to_be_visible()
    assert await accessibility_violations(checked) == []
    await phone.close()
    await checker.close()
