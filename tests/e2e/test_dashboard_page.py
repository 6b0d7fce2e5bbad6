"""The dashboard page in a real browser (Debian's headless Chromium, driven by Playwright):
after real events flow through Kafka it shows the edition's numbers, and one more event
changes them in place, without a reload."""

import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from playwright.async_api import Browser, Page, expect

from tests.support.browser import chromium
from tests.support.dashboard import EditionEvents, publish, running_dashboard, small_edition
from tests.support.processes import ServiceProcess

pytestmark = pytest.mark.e2e


@pytest.fixture
async def browser() -> AsyncIterator[Browser]:
    async with chromium() as launched:
        yield launched


@pytest.fixture
async def dashboard(stack_env: dict[str, str], tmp_path: Path) -> AsyncIterator[ServiceProcess]:
    async with running_dashboard(stack_env, tmp_path / "logs") as process:
        yield process


async def _funnel(page: Page) -> list[str]:
    stages = ("received", "eligible", "enrolled", "scored", "offered", "accepted")
    return [await page.locator(f"#funnel-{stage}").inner_text() for stage in stages]


async def test_the_page_shows_the_edition_and_updates_live(
    stack_env: dict[str, str], dashboard: ServiceProcess, browser: Browser
) -> None:
    bootstrap = stack_env["KAFKA_BOOTSTRAP_SERVERS"]
    edition = EditionEvents()
    await publish(bootstrap, small_edition(edition))
    page = await browser.new_page()

    await page.goto(f"{dashboard.url}/?edition={edition.edition_id}")

    await expect(page.locator("#offers-accepted")).to_have_text("1")
    assert await _funnel(page) == ["4", "3", "3", "3", "2", "1"]
    await expect(page.locator("#edition-state")).to_have_text("closed")
    await expect(page.locator("#budget-committed")).to_have_text("$20,000")
    await expect(page.locator("#budget-cap")).to_have_text("$30,000")
    await expect(page.locator("#offers-open")).to_have_text("1")
    await expect(page.locator("#open-offers tr")).to_have_count(1)
    await expect(page.locator("#scores-summary")).to_contain_text("3 scored")
    await expect(page.locator("#histogram rect.bin")).to_have_count(10)
    await expect(page.locator("#consumer-lag tr")).to_have_count(4)
    await expect(page.locator("#connection")).to_have_text("live")

    # A mark on this very document: a reload would drop it.
    await page.evaluate("window.sameDocument = true")
    await publish(bootstrap, edition.applied(uuid.uuid4()))

    await expect(page.locator("#funnel-received")).to_have_text("5")
    await expect(page.locator("#funnel-eligible")).to_have_text("4")
    assert await page.evaluate("window.sameDocument === true")
