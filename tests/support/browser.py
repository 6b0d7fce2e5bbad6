"""Debian's headless Chromium, driven by Playwright, as the page tests use it (its own browser
download is never used), and the accessibility checker they inject."""

import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from playwright.async_api import Browser, Page, async_playwright

from infra.prereqs import BROWSER_REQUIREMENTS, CHROMIUM, ensure_prerequisites

# Without the background-networking flags Chromium keeps calling out to a closed network.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
AXE = Path(__file__).resolve().parents[1] / "browser" / "node_modules" / "axe-core" / "axe.min.js"
_ROOT = Path(__file__).resolve().parents[2]


def screenshot_path(name: str) -> Path:
    """Where a page test leaves its screenshot: `.run/screenshots/` so that a test run leaves
    the tree clean, or the directory `SCREENSHOTS_DIR` names (`make screenshots` sets docs/,
    whose pictures the READMEs show)."""
    folder = Path(os.environ.get("SCREENSHOTS_DIR") or _ROOT / ".run" / "screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder / name


@asynccontextmanager
async def chromium() -> AsyncIterator[Browser]:
    # Installs Chromium as root on Debian; anywhere else a missing browser fails the test.
    ensure_prerequisites(requirements=BROWSER_REQUIREMENTS)
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield browser
        finally:
            await browser.close()


async def accessibility_violations(page: Page) -> list[dict[str, Any]]:
    """axe-core's serious and critical findings (WCAG 2 A and AA: labels, contrast, names…).

    The page's own CSP forbids injected scripts, so call this on a page of a context opened
    with bypass_csp=True.
    """
    if not AXE.is_file():
        raise FileNotFoundError(f"{AXE} is missing: run `npm ci --prefix tests/browser`")
    await page.add_script_tag(path=str(AXE))
    result: dict[str, Any] = await page.evaluate(
        "axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa']}})"
    )
    return [v for v in result["violations"] if v["impact"] in ("serious", "critical")]
