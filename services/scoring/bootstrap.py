"""Composition root of the scoring service: the one place its parts are wired together."""

from datetime import timedelta
from pathlib import Path

from fastapi import FastAPI
from pydantic import Field, SecretStr

from services.scoring import handlers
from services.scoring.domain.panel import PanelRules, check_criteria
from services.scoring.domain.rubric import Rubric
from services.scoring.entrypoints import admin_routes, consumer, http, panel_routes, review_pages
from shared import topics
from shared.clock import SystemClock
from shared.correlation import current_correlation_id
from shared.editions import DEFAULT_EDITIONS_DIR, Edition, load_editions
from shared.logs import get_logger
from shared.pages import stylesheet_router
from shared.runtime import ServiceRuntime
from shared.settings import ServiceSettings

log = get_logger(__name__)


class ScoringSettings(ServiceSettings):
    # Unset, it accepts nobody: the admin API stays closed rather than open. Reviewers have no
    # token: each has a personal link and a session limited to their own assignments.
    admin_token: SecretStr = Field(default=SecretStr(""), description="bearer for admins")
    # Unset, no review link is accepted (shared/review_links.py; notification signs them).
    review_link_key: SecretStr = Field(
        default=SecretStr(""), description="checks the panel reviewers' personal links"
    )
    editions_dir: Path = DEFAULT_EDITIONS_DIR


def rubric_of(edition: Edition) -> Rubric:
    return Rubric(
        version=edition.rubric.version,
        weights=dict(edition.rubric.weights),
        training_modules=tuple(edition.training.modules),
    )


def panel_rules_of(edition: Edition) -> PanelRules | None:
    review = edition.review
    if review is None:
        return None
    return PanelRules(
        rule=review.assign,
        top=review.top,
        k=review.reviewers_per_application,
        criteria=check_criteria(review.criteria),
        disagreement_spread=review.disagreement_spread,
        link_lifetime=timedelta(days=review.link_days),
    )


def build_app(settings: ScoringSettings) -> FastAPI:
    # A bad edition file, or a rubric or review criterion scoring does not know, stops the
    # service here.
    editions = load_editions(settings.editions_dir)
    panels = {e.id: rules for e in editions.values() if (rules := panel_rules_of(e)) is not None}
    scoring = handlers.Scoring(
        rubrics={e.id: rubric_of(e) for e in editions.values()},
        clock=SystemClock(),
        panels=panels,
    )
    runtime = ServiceRuntime(
        service="scoring", settings=settings, migrations_package="services.scoring.migrations"
    )

    async def rescore_for_current_rubrics() -> None:
        async with runtime.pool.acquire() as conn:
            published = await handlers.rescore_stale(
                conn, scoring=scoring, correlation_id=current_correlation_id()
            )
        log.info("scores brought up to the current rubrics", published=published)

    runtime.on_startup(rescore_for_current_rubrics)
    runtime.consume(
        topics.APPLICATIONS,
        topics.TRAINING,
        handler=consumer.batch_handler(scoring),
        description="Applications, screening and training progress: scored by the rubric.",
    )
    runtime.consume(
        topics.CONTACTS,
        handler=consumer.pitch_handler(),
        tombstone_handler=consumer.pitch_tombstone_handler(),
        description=(
            "The applications' pitches (personal data) for the reviewer's page, and their"
            " tombstones; every other contact record is ignored."
        ),
    )
    tokens = (settings.admin_token.get_secret_value(),)
    api = http.router(pool=lambda: runtime.pool, scoring=scoring, tokens=tokens)
    admin = admin_routes.router(
        pool=lambda: runtime.pool,
        scoring=scoring,
        admin_token=settings.admin_token.get_secret_value(),
    )
    panel = panel_routes.router(
        pool=lambda: runtime.pool,
        scoring=scoring,
        admin_token=settings.admin_token.get_secret_value(),
    )
    pages = review_pages.router(
        review_pages.ReviewPages(
            pool=lambda: runtime.pool,
            scoring=scoring,
            link_key=settings.review_link_key.get_secret_value(),
        )
    )
    return runtime.create_app([api, admin, panel, pages, stylesheet_router()])
