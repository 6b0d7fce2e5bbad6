"""Runs a service's ASGI app under uvicorn, which turns SIGTERM into a drained shutdown."""

from collections.abc import Callable
from typing import TypeVar

import uvicorn
from fastapi import FastAPI

from shared.settings import ProcessSettings

S = TypeVar("S", bound=ProcessSettings)


def serve(build_app: Callable[[S], FastAPI], settings_type: type[S]) -> None:
    settings = settings_type()
    uvicorn.run(
        build_app(settings),
        host=settings.http_host,
        port=settings.http_port,
        log_config=None,  # keep the JSON, redacting log setup of shared.logs
        timeout_graceful_shutdown=20,
    )
