"""The dashboard page as the server draws it, before its script runs: it must read whatever
the picture holds, an empty one included."""

from uuid import uuid4

import pytest

from services.dashboard.domain.projection import Projection
from services.dashboard.domain.review_tally import ReviewRules
from services.dashboard.entrypoints.routes import page_html
from tests.support.dashboard import EditionEvents, observed

pytestmark = pytest.mark.unit


def _page(projection: Projection, edition: EditionEvents | None = None) -> str:
    view = projection.view(
        edition_id=edition.edition_id if edition else None,
        now=EditionEvents().now,
        caught_up=True,
        consumer_lag=[],
        lag_checked_at=None,
    )
    return page_html(view)


def test_before_any_edition_the_page_says_so() -> None:
    html = _page(Projection())
    assert "no edition opened yet" in html
    assert "nothing assigned yet" in html


def test_the_review_panel_is_in_the_page_the_server_sends() -> None:
    edition = EditionEvents()
    app = uuid4()
    projection = Projection({edition.edition_id: ReviewRules(2, 30)})
    projection.apply(
        observed(
            [
                *edition.opened(),
                *edition.assigned(app, "r-1", "r-2"),
                *edition.reviewed(app, "r-1", 20),
                *edition.reviewed(app, "r-2", 90),
            ]
        )
    )

    html = _page(projection, edition)

    assert f'<option value="{edition.edition_id}" selected>' in html
    assert '<tr data-reviewer="r-1"><td class="mono">r-1</td><td class="num">1 / 1</td>' in html
    assert "2 reviews per application · disagreement above 30 points" in html
    assert f'<td class="mono">{app}</td><td class="num">20</td><td class="num">90</td>' in html
    assert "nothing assigned yet" not in html
