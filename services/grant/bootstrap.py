"""Composition root of the grant service: the one place its parts are wired together."""

from pathlib import Path

from fastapi import FastAPI

from services.grant import handlers
from shared.clock import SystemClock
from shared.correlation import current_correlation_id
from shared.editions import DEFAULT_EDITIONS_DIR, load_editions
from shared.runtime import ServiceRuntime
from shared.settings import ServiceSettings


class GrantSettings(ServiceSettings):
    editions_dir: Path = DEFAULT_EDITIONS_DIR


def build_app(settings: GrantSettings) -> FastAPI:
    # A bad edition file stops the service at start-up with the file and field named.
    editions = load_editions(settings.editions_dir)
    runtime = ServiceRuntime(
        service="grant", settings=settings, migrations_package="services.grant.migrations"
    )
    clock = SystemClock()

    async def announce() -> None:
        async with runtime.pool.acquire() as conn:
            await handlers.announce_open_editions(
                conn,
                editions=editions.values(),
                clock=clock,
                correlation_id=current_correlation_id(),
            )

    runtime.on_startup(announce)
    return runtime.create_app()
