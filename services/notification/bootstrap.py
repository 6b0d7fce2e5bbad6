"""Composition root of the notification service: the one place its parts are wired together."""

from fastapi import FastAPI

from shared.runtime import ServiceRuntime
from shared.settings import ServiceSettings


def build_app(settings: ServiceSettings) -> FastAPI:
    runtime = ServiceRuntime(
        service="notification",
        settings=settings,
        migrations_package="services.notification.migrations",
    )
    return runtime.create_app()
