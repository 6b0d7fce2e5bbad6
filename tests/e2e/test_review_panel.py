"""The review panel across the real services, in headless Chromium: the manager puts three
reviewers on an edition's panel through scoring's admin API and runs the assignment; the
first reviewer opens the link of their invitation e-mail, scores two applications with the
criteria form and declares a conflict on a third; that one goes to the reviewer who did not
have it, who is e-mailed again and finds it in their queue. The two reviews become new scores
on accelerator.scores, and the dashboard's review progress follows.

The pages' accessibility is checked by tests/integration/test_scoring_review_browser.py; this
test is about the flow between the services."""

import uuid
from collections.abc import AsyncIterator
from typing import Any

import pytest
from playwright.async_api import Browser, BrowserContext, Page, expect

from tests.support.browser import chromium, screenshot_path
from tests.support.dashboard import wait_for_picture
from tests.support.review_panel import panel_events
from tests.support.review_stack import (
    ReviewStack,
    pitch_of,
    review_links,
    review_stack,
    score_events,
)
from tests.support.waiting import eventually

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(600)]

# Five applications, two reviewers each, three reviewers without conflicts: loads 4, 3, 3,
# so the first reviewer has at least the three applications the test needs.
COUNTRIES = ("FRA", "KEN", "JPN", "BRA", "CAN")
K = 2
TAG = uuid.uuid4().hex[:10]
PANEL: dict[str, dict[str, Any]] = {
    "r-ines": {"full_name": "Inès Marchand", "language": "en"},
    "r-otto": {"full_name": "Otto Lindqvist", "language": "de"},
    "r-yara": {"full_name": "Yara Haddad", "language": "es"},
}
FIRST = "r-ines"
# Each criterion 0-10; the review's score is their mean x 10: 75 and 60.
SCORES = (
    {"market_opportunity": 8, "business_model": 7, "founder_readiness": 9, "accelerator_fit": 6},
    {"market_opportunity": 6, "business_model": 6, "founder_readiness": 5, "accelerator_fit": 7},
)
ASSIGNED = "accelerator.review.assigned.v1"


def address(reviewer_id: str) -> str:
    return f"{reviewer_id}.{TAG}@panel.example.org"


@pytest.fixture(scope="module")
async def panel(
    stack_env: dict[str, str], tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[ReviewStack]:
    """The services running, the panel configured and the assignment run."""
    async with review_stack(
        stack_env, tmp_path_factory.mktemp("review-panel"), countries=COUNTRIES, k=K
    ) as running:
        async with running.admin() as client:
            for reviewer_id, body in PANEL.items():
                response = await client.put(
                    f"/v1/editions/{running.edition_id}/reviewers/{reviewer_id}",
                    json={**body, "email": address(reviewer_id)},
                )
                assert response.status_code == 200, response.text
            run = await client.post(f"/v1/editions/{running.edition_id}/review-assignments")
            assert run.status_code == 200, run.text
            assert run.json()["chosen"] == len(COUNTRIES)
            assert run.json()["assigned"] == K * len(COUNTRIES)
            assert run.json()["invited"] == len(PANEL)
        yield running


@pytest.fixture(scope="module")
async def browser() -> AsyncIterator[Browser]:
    async with chromium() as launched:
        yield launched


async def first_link(stack_env: dict[str, str], panel: ReviewStack, reviewer_id: str) -> str:
    """The link of the reviewer's invitation e-mail, once it has arrived."""

    async def arrived() -> bool:
        return bool(review_links(stack_env, address(reviewer_id), panel.scoring.url))

    await eventually(arrived, timeout_s=90.0, what=f"{reviewer_id}'s invitation e-mail")
    [link] = review_links(stack_env, address(reviewer_id), panel.scoring.url).values()
    return link


async def open_queue(browser: Browser, link: str) -> tuple[BrowserContext, Page]:
    """The reviewer's own browser (pages without script work without it) opening the link."""
    context = await browser.new_context(
        viewport={"width": 1000, "height": 900}, java_script_enabled=False
    )
    page = await context.new_page()
    await page.goto(link)
    assert "/review/queue" in page.url
    await expect(page.locator("#queue")).to_be_visible()
    return context, page


async def queue_of(page: Page) -> list[str]:
    ids = await page.locator("#queue li").evaluate_all(
        "items => items.map(i => i.dataset.application)"
    )
    return [str(i) for i in ids]


def progress(view: dict[str, Any]) -> dict[str, tuple[int, int, int]]:
    """The dashboard's review progress: reviewer id -> (done, assigned, conflicts)."""
    return {
        r["reviewer_id"]: (r["done"], r["assigned"], r["conflicts"])
        for r in view["edition"]["reviews"]["reviewers"]
    }


async def test_a_reviewer_invited_by_mail_scores_and_passes_one_on_to_another(
    stack_env: dict[str, str], panel: ReviewStack, browser: Browser
) -> None:
    bootstrap = stack_env["KAFKA_BOOTSTRAP_SERVERS"]
    link = await first_link(stack_env, panel, FIRST)
    assert link.endswith("?lang=en")
    context, page = await open_queue(browser, link)
    queue = await queue_of(page)
    assert set(queue) <= {str(a) for a in panel.applications}
    assigned = len(queue)
    assert assigned >= 3
    await expect(page.locator("#progress")).to_have_text(f"Reviewed 0 of {assigned}")
    scored, conflicted = queue[:2], queue[2]
    await wait_for_picture(
        panel.dashboard.url,
        panel.edition_id,
        lambda v: progress(v).get(FIRST) == (0, assigned, 0),
        what="the first reviewer's assignments",
    )

    for n, (application_id, criteria) in enumerate(zip(scored, SCORES, strict=True)):
        await page.locator(f"#queue li[data-application='{application_id}'] a").click()
        await expect(page.locator("h1")).to_have_text(f"Application {application_id[:8]}")
        # The pitch came over the private contacts topic, its line break kept.
        pitch = page.locator("#pitch-text")
        await expect(pitch).to_have_text(pitch_of(uuid.UUID(application_id)))
        for criterion, value in criteria.items():
            await page.fill(f"[name='criterion.{criterion}']", str(value))
        if n == 1:
            await page.fill("#comment", "Clear demand abroad; the sourcing plan is thin.")
            await page.screenshot(path=str(screenshot_path("review-page.png")), full_page=True)
        await page.locator("#save").click()
        await expect(page.locator("#progress")).to_have_text(f"Reviewed {n + 1} of {assigned}")
        await expect(page.locator(f"li[data-application='{application_id}']")).to_have_attribute(
            "data-reviewed", "yes"
        )

    # Who holds the third one besides the first reviewer: the replacement is the other one.
    holders = {
        e.data["reviewer_id"]
        for e in await panel_events(bootstrap, panel.edition_id)
        if e.type == ASSIGNED and e.data["application_id"] == conflicted
    }
    assert FIRST in holders
    assert len(holders) == K
    [replacement] = set(PANEL) - holders
    await first_link(stack_env, panel, replacement)
    mails_before = review_links(stack_env, address(replacement), panel.scoring.url).keys()

    await page.locator(f"#queue li[data-application='{conflicted}'] a").click()
    await page.locator("#conflict").click()
    await expect(page.locator("#progress")).to_have_text(f"Reviewed 2 of {assigned - 1}")
    assert conflicted not in await queue_of(page)
    await context.close()

    # The replacement's new invitation e-mail, and its link opens a queue holding it.
    def new_links() -> list[str]:
        links = review_links(stack_env, address(replacement), panel.scoring.url)
        return [link for mail, link in links.items() if mail not in mails_before]

    async def invited_again() -> bool:
        return bool(new_links())

    await eventually(invited_again, timeout_s=90.0, what=f"{replacement}'s second invitation")
    [new_link] = new_links()
    other, other_page = await open_queue(browser, new_link)
    assert conflicted in await queue_of(other_page)
    await expect(other_page.locator(f"li[data-application='{conflicted}']")).to_have_attribute(
        "data-reviewed", "no"
    )
    await other_page.locator(f"#queue li[data-application='{conflicted}'] a").click()
    await expect(other_page.locator("#save")).to_be_visible()
    await other.close()

    # Each of the two reviews is a new score on accelerator.scores, counting 0.3 x its score.
    reviewed = [uuid.UUID(a) for a in scored]

    async def rescored() -> bool:
        found = await score_events(bootstrap, reviewed)
        return all(found[a] and "reviewers" in found[a][-1].data["breakdown"] for a in reviewed)

    await eventually(rescored, timeout_s=60.0, what="the reviewed applications rescored")
    found = await score_events(bootstrap, reviewed)
    for rescored_id, review_score in zip(reviewed, (75, 60), strict=True):
        first, last = found[rescored_id][0], found[rescored_id][-1]
        assert "reviewers" not in first.data["breakdown"]
        assert last.data["breakdown"]["reviewers"] == pytest.approx(0.3 * review_score)
        assert last.data["total"] == pytest.approx(sum(last.data["breakdown"].values()))

    # The dashboard's review progress has moved: two done and one conflict for the first
    # reviewer; the application passed on counts for the replacement.
    async with panel.admin() as client:
        listed = (await client.get(f"/v1/editions/{panel.edition_id}/reviewers")).json()
    loads = {r["reviewer_id"]: r["assigned"] for r in listed}
    assert loads[FIRST] == assigned - 1
    view = await wait_for_picture(
        panel.dashboard.url,
        panel.edition_id,
        lambda v: (
            progress(v).get(FIRST) == (2, assigned - 1, 1)
            and progress(v).get(replacement, (0, 0, 0))[1] == loads[replacement]
        ),
        what="the first reviewer's two reviews and conflict",
    )
    assert sum(a for _, a, _ in progress(view).values()) == K * len(COUNTRIES)
