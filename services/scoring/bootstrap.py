"""Composition root of the scoring service: the one place its parts are wired together."""

from pathlib import Path

from fastapi import FastAPI
from pydantic import Field, SecretStr

from services.scoring import handlers
from services.scoring.domain.rubric import Rubric
from services.scoring.entrypoints import admin_routes, consumer, http
from shared import topics
from shared.clock import SystemClock
from shared.correlation import current_correlation_id
from shared.editions import DEFAULT_EDITIONS_DIR, Edition, load_editions
from shared.logs import get_logger
from shared.runtime import ServiceRuntime
from shared.settings import ServiceSettings

log = get_logger(__name__)


class ScoringSettings(ServiceSettings):
    # Unset tokens accept nobody: the review API stays closed rather than open.
    reviewer_token: SecretStr = Field(default=SecretStr(""), description="bearer for reviewers")
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


def build_app(settings: ScoringSettings) -> FastAPI:
    # A bad edition file, or a rubric naming an unknown criterion, stops the service here.
    editions = load_editions(settings.editions_dir)
    scoring = handlers.Scoring(
        rubrics={e.id: rubric_of(e) for e in editions.values()}, clock=SystemClock()
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
    tokens = (settings.reviewer_token.get_secret_value(), settings.admin_token.get_secret_value())
    api = http.router(pool=lambda: runtime.pool, scoring=scoring, tokens=tokens)
    admin = admin_routes.router(
        pool=lambda: runtime.pool,
        scoring=scoring,
        admin_token=settings.admin_token.get_secret_value(),
    )
    return runtime.create_app([api, admin])
