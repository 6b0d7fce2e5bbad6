"""The dashboard page in a real browser (Debian's headless Chromium, driven by Playwright):
after real events flow through Kafka it shows the edition's numbers, and one more event
changes them in place, without a reload. The review panel's progress is drawn by the server,
so it reads with JavaScript off too, and moves live with it on."""

import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from playwright.async_api import Browser, Page, expect

from tests.support.browser import chromium
from tests.support.dashboard import (
    EditionEvents,
    edition_file,
    panel_at_work,
    publish,
    running_dashboard,
    small_edition,
)
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


async def test_the_review_panel_reads_without_script_and_its_progress_moves_live(
    stack_env: dict[str, str], browser: Browser, tmp_path: Path
) -> None:
    bootstrap = stack_env["KAFKA_BOOTSTRAP_SERVERS"]
    edition = EditionEvents()
    a, b = uuid.uuid4(), uuid.uuid4()
    editions = tmp_path / "editions"
    edition_file(editions, edition, reviewers_per_application=2, spread=30)
    await publish(bootstrap, panel_at_work(edition, a, b))
    async with running_dashboard(stack_env, tmp_path / "logs", editions_dir=editions) as process:
        url = f"{process.url}/?edition={edition.edition_id}"

        # Without JavaScript: the server's drawing, complete.
        plain = await browser.new_context(java_script_enabled=False)
        page = await plain.new_page()
        await page.goto(url)
        await expect(page.locator("#reviewers tr")).to_have_count(3)
        await expect(page.locator('#reviewers tr[data-reviewer="r-1"]')).to_contain_text("1 / 2")
        await expect(page.locator('#reviewers tr[data-reviewer="r-2"] td').nth(2)).to_have_text("1")
        await expect(page.locator("#lacking tr")).to_have_text([f"{b}1 of 2"])
        await expect(page.locator("#disagreements tr")).to_have_text([f"{a}408545"])
        await expect(page.locator("#reviews-rules")).to_contain_text("above 30 points")
        await plain.close()

        # With it: r-1 reviews b, and the page follows in place.
        live = await browser.new_page()
        await live.goto(url)
        await expect(live.locator("#connection")).to_have_text("live")
        await live.evaluate("window.sameDocument = true")
        await publish(bootstrap, edition.reviewed(b, "r-1", 66))

        await expect(live.locator('#reviewers tr[data-reviewer="r-1"]')).to_contain_text("2 / 2")
        await expect(live.locator("#reviews-lacking")).to_have_text("0")
        await expect(live.locator("#lacking tr")).to_have_count(0)
        await expect(live.locator("#reviews-complete")).to_have_text("2")
        assert await live.evaluate("window.sameDocument === true")
