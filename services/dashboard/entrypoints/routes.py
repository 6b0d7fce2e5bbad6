"""The page, its live stream and the same picture as JSON. Routes only translate."""

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Annotated, Final

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse
from fastapi.sse import EventSourceResponse, ServerSentEvent
from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from services.dashboard.domain.picture import DashboardView
from services.dashboard.handlers import Dashboard

STATIC_DIR = Path(__file__).resolve().parent / "static"
# Its own script and stylesheet and the stream, nothing inline, nothing from elsewhere.
PAGE_HEADERS: Final = {
    "Content-Security-Policy": "default-src 'none'; script-src 'self'; style-src 'self'; "
    "connect-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; "
    "base-uri 'none'",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
    "X-Content-Type-Options": "nosniff",
}
_PAGES: Final = Environment(
    loader=PackageLoader("services.dashboard", "templates"),
    autoescape=select_autoescape(default=True),
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)

EditionParam = Annotated[
    str | None,
    Query(
        description="Edition id; by default the most recently opened edition.",
        examples=["athlete365-4"],
        max_length=100,
    ),
]


def page_html(view: DashboardView) -> str:
    """The page with what the server draws of this picture (the edition chooser, the review
    panel); the script draws the rest."""
    return _PAGES.get_template("dashboard.html.j2").render(
        edition=view.edition, editions=view.editions
    )


def router(*, dashboard: Dashboard, push_interval_s: float) -> APIRouter:
    routes = APIRouter(tags=["dashboard"])

    @routes.get("/", include_in_schema=False)
    async def page(edition: EditionParam = None) -> HTMLResponse:
        # Drawn with the picture of this moment, so it reads without the script; the script
        # then keeps it live.
        return HTMLResponse(page_html(dashboard.view(edition)), headers=PAGE_HEADERS)

    @routes.get("/v1/dashboard", summary="The picture of one edition now")
    async def picture(edition: EditionParam = None) -> DashboardView:
        return dashboard.view(edition)

    @routes.get(
        "/v1/dashboard/stream",
        response_class=EventSourceResponse,
        summary="The same picture as server-sent `picture` events, pushed when it changes",
    )
    async def stream(
        request: Request, edition: EditionParam = None
    ) -> AsyncIterator[ServerSentEvent]:
        # Many events in a burst make one push: the stamp is compared at most this often.
        shown = None
        while not await request.is_disconnected():
            stamp = dashboard.change_stamp()
            if stamp != shown:
                shown = stamp
                yield ServerSentEvent(data=dashboard.view(edition), event="picture", retry=2000)
            await asyncio.sleep(push_interval_s)

    return routes
