"""Composition root of the grant service: the one place its parts are wired together."""

from datetime import timedelta
from pathlib import Path

from fastapi import FastAPI
from pydantic import Field, SecretStr

from services.grant import handlers
from services.grant.entrypoints import admin_routes, consumer, offer_pages, offer_routes
from services.grant.entrypoints.expiry import ExpiryLoop
from shared import topics
from shared.clock import Clock, ShiftedClock, SystemClock
from shared.correlation import current_correlation_id
from shared.editions import DEFAULT_EDITIONS_DIR, load_editions
from shared.logs import get_logger
from shared.pages import stylesheet_router
from shared.runtime import ServiceRuntime
from shared.settings import ServiceSettings

log = get_logger(__name__)


class GrantSettings(ServiceSettings):
    editions_dir: Path = DEFAULT_EDITIONS_DIR
    admin_token: SecretStr = Field(
        default=SecretStr(""), description="bearer token of the admin endpoints; empty: none"
    )
    offer_signing_key: SecretStr = Field(
        default=SecretStr(""), description="HMAC key of offer links, shared with notification"
    )
    announce_editions_at_startup: bool = Field(
        default=True,
        description="open every configured edition at start; false: an admin opens each one",
    )
    offer_expiry_interval_s: float = Field(default=5.0, gt=0)
    clock_offset_s: float = Field(
        default=0.0, description="moves this service's clock, e.g. past offer deadlines"
    )


def build_app(settings: GrantSettings) -> FastAPI:
    # A bad edition file stops the service at start-up with the file and field named.
    editions = load_editions(settings.editions_dir)
    runtime = ServiceRuntime(
        service="grant", settings=settings, migrations_package="services.grant.migrations"
    )
    clock: Clock = (
        ShiftedClock(timedelta(seconds=settings.clock_offset_s))
        if settings.clock_offset_s
        else SystemClock()
    )
    signing_key = settings.offer_signing_key.get_secret_value()
    if not signing_key:
        log.warning("OFFER_SIGNING_KEY is not set: offer links are refused")
    expiry = ExpiryLoop(runtime=runtime, clock=clock, interval_s=settings.offer_expiry_interval_s)

    async def announce() -> None:
        async with runtime.pool.acquire() as conn:
            await handlers.announce_open_editions(
                conn,
                editions=editions.values(),
                clock=clock,
                correlation_id=current_correlation_id(),
            )

    if settings.announce_editions_at_startup:
        runtime.on_startup(announce)
    runtime.on_startup(expiry.start)
    runtime.consume(
        topics.APPLICATIONS,
        topics.SCORES,
        handler=consumer.batch_handler(clock),
        description="Applications received, screened and withdrawn, and their latest scores: "
        "what selection ranks when an edition closes.",
    )
    # The expiry loop stops before the runtime drains and closes the pool under it.
    runtime.on_shutdown(expiry.stop)
    app = runtime.create_app(
        [
            admin_routes.router(
                runtime=runtime,
                editions=editions,
                clock=clock,
                admin_token=settings.admin_token.get_secret_value(),
            ),
            offer_routes.router(runtime=runtime, clock=clock, signing_key=signing_key),
            offer_pages.router(
                offer_pages.OfferPages(
                    runtime=runtime, clock=clock, signing_key=signing_key, editions=editions
                )
            ),
            stylesheet_router(),
        ]
    )
    return app
