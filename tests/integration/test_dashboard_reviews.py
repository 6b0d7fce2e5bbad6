"""The review panel on the dashboard process, from events published to real Kafka: each
reviewer's progress, the applications lacking reviews and those whose reviews disagree by
more than the spread of the edition's file, in the JSON picture and on the page as the server
draws it; one more review moves them."""

import re
import uuid
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.support.dashboard import (
    EditionEvents,
    edition_file,
    panel_at_work,
    publish,
    running_dashboard,
    wait_for_picture,
)

pytestmark = pytest.mark.integration


def _progress(view: dict[str, Any]) -> dict[str, tuple[int, int, int]]:
    return {
        r["reviewer_id"]: (r["done"], r["assigned"], r["conflicts"])
        for r in view["edition"]["reviews"]["reviewers"]
    }


async def test_review_progress_lacking_reviews_and_disagreements_are_shown_and_move(
    stack_env: dict[str, str], tmp_path: Path
) -> None:
    bootstrap = stack_env["KAFKA_BOOTSTRAP_SERVERS"]
    edition = EditionEvents()
    a, b = uuid.uuid4(), uuid.uuid4()
    editions = tmp_path / "editions"
    edition_file(editions, edition, reviewers_per_application=2, spread=30)
    await publish(bootstrap, panel_at_work(edition, a, b))

    async with running_dashboard(stack_env, tmp_path, editions_dir=editions) as dashboard:
        view = await wait_for_picture(
            dashboard.url,
            edition.edition_id,
            lambda v: _progress(v).get("r-3") == (1, 1, 0),
            what="r-3's review",
        )
        reviews = view["edition"]["reviews"]
        assert (reviews["reviewers_per_application"], reviews["disagreement_spread"]) == (2, 30)
        assert _progress(view) == {"r-1": (1, 2, 0), "r-2": (1, 1, 1), "r-3": (1, 1, 0)}
        assert (reviews["under_review"], reviews["complete"], reviews["lacking"]) == (2, 1, 1)
        assert reviews["lacking_listed"] == [
            {"application_id": str(b), "submitted": 1, "needed": 2}
        ]
        assert reviews["disagreements_listed"] == [
            {"application_id": str(a), "low": 40, "high": 85, "reviews": 2}
        ]

        # The page, as the server draws it before any script runs.
        async with httpx.AsyncClient(base_url=dashboard.url, timeout=5) as client:
            page = await client.get("/", params={"edition": edition.edition_id})
        assert page.status_code == 200
        assert "script-src 'self'" in page.headers["content-security-policy"]
        html = page.text
        assert re.search(r'data-reviewer="r-2">.*?1 / 1</td><td class="num">1<', html)
        assert f'{b}</td><td class="num">1 of 2' in html
        assert f'{a}</td><td class="num">40</td><td class="num">85' in html
        assert "A365-" not in html

        # r-1 reviews b: it has its two reviews now, and r-1 is done.
        await publish(bootstrap, edition.reviewed(b, "r-1", 66))
        moved = await wait_for_picture(
            dashboard.url,
            edition.edition_id,
            lambda v: _progress(v)["r-1"] == (2, 2, 0),
            what="r-1's second review",
        )
    assert moved["edition"]["reviews"]["lacking"] == 0
    assert moved["edition"]["reviews"]["complete"] == 2
    assert moved["edition"]["reviews"]["disagreements"] == 1
