"""Composition root of the dashboard: the one place its parts are wired together."""

import contextlib
import gc
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Final

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from pydantic import Field

from services.dashboard.adapters.consumer_lag import ConsumerLagProbe
from services.dashboard.adapters.topic_reader import TopicReader
from services.dashboard.domain.projection import Projection
from services.dashboard.domain.review_tally import ReviewRules
from services.dashboard.entrypoints import probes, routes
from services.dashboard.handlers import Dashboard
from shared import probes as shared_probes
from shared.correlation import CorrelationMiddleware
from shared.editions import DEFAULT_EDITIONS_DIR, Edition, load_editions
from shared.logs import configure_logging, get_logger
from shared.settings import ProcessSettings
from shared.topics import SERVICES

SERVICE = "dashboard"
log = get_logger(__name__)

# The picture is hundreds of thousands of long-lived objects and reading an event allocates
# a few dozen more, so at Python's default thresholds (700, 10, 10) the collector ran every
# few events: rebuilding from 390,000 events took 13.8 s, 7.9 s with these, at the same RSS.
GC_THRESHOLDS: Final = (50_000, 20, 10)


def tune_garbage_collection() -> None:
    """For the dashboard process only: a process setting, never changed on import."""
    gc.set_threshold(*GC_THRESHOLDS)


class DashboardSettings(ProcessSettings):
    """No DATABASE_URL: the dashboard keeps its picture in memory, rebuilt from the topics."""

    consumer_batch_size: int = Field(default=2_000, ge=1, le=50_000)
    lag_interval_s: float = Field(default=3.0, gt=0, description="how often consumer lag is read")
    push_interval_s: float = Field(
        default=0.5, gt=0, description="the page gets at most one update this often"
    )
    # The review panel's rules (k, the disagreement spread) are in the edition files, as
    # every service reads them; no event carries them.
    editions_dir: Path = DEFAULT_EDITIONS_DIR


def review_rules(editions: dict[str, Edition]) -> dict[str, ReviewRules]:
    return {
        edition.id: ReviewRules(
            reviewers_per_application=edition.review.reviewers_per_application,
            disagreement_spread=edition.review.disagreement_spread,
        )
        for edition in editions.values()
        if edition.review is not None
    }


def build_app(settings: DashboardSettings) -> FastAPI:
    configure_logging(SERVICE, settings.log_level)
    projection = Projection(review_rules(load_editions(settings.editions_dir)))
    reader = TopicReader(
        service=SERVICE,
        bootstrap_servers=settings.kafka_bootstrap_servers,
        projection=projection,
        batch_size=settings.consumer_batch_size,
    )
    # Every service's consumer group is named after the service.
    lag = ConsumerLagProbe(
        service=SERVICE,
        bootstrap_servers=settings.kafka_bootstrap_servers,
        groups=SERVICES,
        interval_s=settings.lag_interval_s,
    )
    dashboard = Dashboard(projection=projection, history=reader, lag=lag)

    @contextlib.asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        await reader.start()
        await lag.start()
        log.info("service started", kafka=settings.kafka_bootstrap_servers)
        try:
            yield
        finally:
            await lag.stop()
            await reader.stop()
            log.info("service stopped")

    app = FastAPI(title="Athlete Accelerator dashboard", lifespan=lifespan)
    app.add_middleware(CorrelationMiddleware)
    app.include_router(shared_probes.router(SERVICE, probes.readiness(reader)))
    app.include_router(routes.router(dashboard=dashboard, push_interval_s=settings.push_interval_s))
    app.mount("/static", StaticFiles(directory=routes.STATIC_DIR), name="static")
    return app
