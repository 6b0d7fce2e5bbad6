"""Composition root of the intake service: the one place its parts are wired together."""

from pathlib import Path

from fastapi import FastAPI
from pydantic import Field, SecretStr

from services.intake.entrypoints import (
    admin,
    applications,
    consumer,
    errors,
    form_pages,
    status_pages,
)
from services.intake.entrypoints.dependencies import IntakeApi
from services.intake.entrypoints.rate_limit import TokenBuckets
from services.intake.entrypoints.status_view import OfferLinks
from shared import topics
from shared.clock import Clock, SystemClock
from shared.editions import DEFAULT_EDITIONS_DIR, load_editions
from shared.logs import get_logger
from shared.pages import stylesheet_router
from shared.runtime import ServiceRuntime
from shared.settings import ServiceSettings

log = get_logger(__name__)


class IntakeSettings(ServiceSettings):
    # Unset, the admin endpoints accept nobody: closed rather than open.
    admin_token: SecretStr = Field(default=SecretStr(""), description="bearer for admins")
    # Shared with notification, which signs the same links for the "received" e-mail.
    status_link_key: SecretStr = Field(
        default=SecretStr(""), description="HMAC key of the athletes' private status links"
    )
    # Optional: with them the status page of an offered athlete links to the offer page.
    grant_url: str = Field(default="", description="public base URL of the grant service")
    offer_signing_key: SecretStr = Field(default=SecretStr(""), description="HMAC key of offers")
    editions_dir: Path = DEFAULT_EDITIONS_DIR
    # Submissions arrive concurrently and each holds a connection only for its transaction.
    db_pool_size: int = Field(default=8, ge=1, le=50)
    submission_rate_per_minute: float = Field(
        default=60.0, gt=0, description="sustained submissions per minute per client address"
    )
    submission_burst: int = Field(
        default=20, ge=1, description="submissions a client may send at once before waiting"
    )
    max_submission_bytes: int = Field(
        default=64 * 1024, ge=1024, description="413 for a bigger body, except CSV imports"
    )
    max_import_bytes: int = Field(
        default=4 * 1024 * 1024, ge=1024, description="413 for a bigger CSV chunk"
    )


def build_app(settings: IntakeSettings, *, clock: Clock | None = None) -> FastAPI:
    # A bad edition file stops the service at start-up with the file and field named.
    editions = load_editions(settings.editions_dir)
    runtime = ServiceRuntime(
        service="intake", settings=settings, migrations_package="services.intake.migrations"
    )
    runtime.consume(
        topics.EDITIONS,
        topics.GRANTS,
        handler=consumer.consumed,
        description=consumer.TOPICS_DESCRIPTION,
    )
    api = IntakeApi(
        pool=lambda: runtime.pool,
        editions=editions,
        clock=clock or SystemClock(),
        admin_token=settings.admin_token.get_secret_value(),
        submissions=TokenBuckets(
            per_minute=settings.submission_rate_per_minute, burst=settings.submission_burst
        ),
    )
    link_key = settings.status_link_key.get_secret_value()
    if not link_key:
        log.warning("STATUS_LINK_KEY is not set: the form works, status links are refused")
    app = runtime.create_app(
        [
            applications.router(api, max_body_bytes=settings.max_submission_bytes),
            admin.router(api, max_import_bytes=settings.max_import_bytes),
            form_pages.router(
                form_pages.FormPages(api, link_key=link_key),
                max_body_bytes=settings.max_submission_bytes,
            ),
            status_pages.router(
                status_pages.StatusPages(
                    api,
                    link_key=link_key,
                    offers=OfferLinks(
                        base_url=settings.grant_url,
                        key=settings.offer_signing_key.get_secret_value(),
                    ),
                )
            ),
            stylesheet_router(),
        ]
    )
    errors.install(app)
    return app
