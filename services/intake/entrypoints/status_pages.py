"""The athlete's status pages. `GET /status/{token}` (the private link of the "received"
e-mail and of the received page) only trades the token for a cookie and redirects to the
application's clean URL; the pages there read the cookie. Nothing here changes anything in an
application: mail scanners open every link of an e-mail."""

from uuid import UUID

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from services.intake import handlers
from services.intake.domain.application import StoredApplication
from services.intake.entrypoints.dependencies import IntakeApi
from services.intake.entrypoints.page_support import (
    application_path,
    gettext_for,
    message,
    render,
    status_token,
    to_application,
    with_lang,
)
from services.intake.entrypoints.status_view import OfferLinks, status_view
from shared import status_links


class StatusPages:
    def __init__(self, api: IntakeApi, *, link_key: str, offers: OfferLinks) -> None:
        self._api = api
        self._key = link_key
        self._offers = offers

    def not_valid(self, request: Request) -> HTMLResponse:
        _language, _ = gettext_for(request)
        texts = [
            _("Open the whole link from the e-mail confirming your application."),
            _("Links are private to each application and work for about a year."),
        ]
        return message(request, "not_valid", _("This link is not valid"), texts, status=404)

    def exchange(self, request: Request, token: str) -> Response:
        try:
            claim = status_links.verify(token, key=self._key)
        except (status_links.ForgedToken, ValueError):
            return self.not_valid(request)
        now = self._api.now()
        if claim.expires_at <= now:
            return self.not_valid(request)
        return to_application(
            request, claim.record_id, token=token, expires_at=claim.expires_at, now=now
        )

    async def _application(self, request: Request, application_id: str) -> StoredApplication | None:
        token = status_token(request)
        if token is None:
            return None
        try:
            async with self._api.pool().acquire() as conn:
                application = await handlers.read_linked_application(
                    conn, token=token, key=self._key, now=self._api.now()
                )
        except handlers.UnknownApplication:
            return None
        return application if str(application.application_id) == application_id else None

    async def status(self, request: Request, application_id: str) -> HTMLResponse:
        application = await self._application(request, application_id)
        if application is None:
            return self.not_valid(request)
        language, _ = gettext_for(request)
        async with self._api.pool().acquire() as conn:
            selection = await handlers.read_selection(
                conn, application_id=application.application_id
            )
        view = status_view(application, selection, language, _, self._offers)
        context = {"status": view, "programme": self._programme(application)}
        return render(request, "status.html.j2", context, language=language)

    async def received(self, request: Request, application_id: str) -> HTMLResponse:
        application = await self._application(request, application_id)
        token = status_token(request)
        if application is None or token is None:
            return self.not_valid(request)
        language, _ = gettext_for(request)
        base = str(request.base_url)
        context = {
            "programme": self._programme(application),
            "application_id": str(application.application_id),
            "status_link": status_links.status_link(base, token, language),
            "status_page": with_lang(application_path(application.application_id), language),
        }
        return render(request, "received.html.j2", context, language=language)

    def _programme(self, application: StoredApplication) -> str:
        edition = self._api.editions.get(application.edition_id)
        return edition.name if edition else application.edition_id


def router(pages: StatusPages) -> APIRouter:
    routes = APIRouter(include_in_schema=False)

    @routes.api_route("/status/{token}", methods=["GET", "HEAD"])
    async def status_link(token: str, request: Request) -> Response:
        return pages.exchange(request, token)

    @routes.api_route("/applications/{application_id}", methods=["GET", "HEAD"])
    async def status_page(application_id: UUID, request: Request) -> HTMLResponse:
        return await pages.status(request, str(application_id))

    @routes.api_route("/applications/{application_id}/received", methods=["GET", "HEAD"])
    async def received_page(application_id: UUID, request: Request) -> HTMLResponse:
        return await pages.received(request, str(application_id))

    return routes
