"""Composition root of the scoring service: the one place its parts are wired together."""

from fastapi import FastAPI

from shared.runtime import ServiceRuntime
from shared.settings import ServiceSettings


def build_app(settings: ServiceSettings) -> FastAPI:
    runtime = ServiceRuntime(
        service="scoring", settings=settings, migrations_package="services.scoring.migrations"
    )
    return runtime.create_app()
