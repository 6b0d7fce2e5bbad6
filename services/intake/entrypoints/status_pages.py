"""The athlete's status pages. `GET /status/{token}` (the private link of the "received"
e-mail and of the received page) only trades the token for a cookie and redirects to the
application's clean URL; the pages there read the cookie. No GET or HEAD changes anything in
an application (mail scanners open every link of an e-mail): withdrawing and erasing are a
confirmation page first, whose form POSTs (services/intake/README.md, Pages for athletes)."""

from typing import Final, Literal
from uuid import UUID

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from services.intake import handlers
from services.intake.domain.application import StoredApplication
from services.intake.domain.withdrawal import PackageAccepted, may_withdraw
from services.intake.entrypoints.dependencies import IntakeApi
from services.intake.entrypoints.form_texts import Gettext
from services.intake.entrypoints.page_support import (
    CONFIRMATION_FIELD,
    application_path,
    form_token,
    form_token_matches,
    gettext_for,
    message,
    redirect,
    render,
    sent_from_here,
    status_token,
    to_application,
    with_lang,
)
from services.intake.entrypoints.status_view import OfferLinks, status_view
from shared import status_links
from shared.correlation import current_correlation_id
from shared.formatting import format_deadline

Action = Literal["withdraw", "erasure"]
# A confirmation form holds one token; anything bigger is not one of ours.
MAX_ACTION_BYTES: Final = 4096


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
        now = self._api.now()
        try:
            claim = handlers.status_link_claim(token, key=self._key, now=now)
        except handlers.UnknownApplication:
            return self.not_valid(request)
        return to_application(
            request, claim.record_id, token=token, expires_at=claim.expires_at, now=now
        )

    async def _application(
        self, request: Request, application_id: UUID
    ) -> StoredApplication | None:
        try:
            async with self._api.pool().acquire() as conn:
                return await handlers.read_linked_application(
                    conn,
                    application_id=application_id,
                    token=status_token(request),
                    key=self._key,
                    now=self._api.now(),
                )
        except handlers.UnknownApplication:
            return None

    async def status(self, request: Request, application_id: UUID) -> HTMLResponse:
        application = await self._application(request, application_id)
        if application is None:
            return self.not_valid(request)
        language, _ = gettext_for(request)
        async with self._api.pool().acquire() as conn:
            selection = await handlers.read_selection(
                conn, application_id=application.application_id
            )
        view = status_view(application, selection, language, _, self._offers)
        path = application_path(application.application_id)
        context = {
            "status": view,
            "programme": self._programme(application),
            "withdraw_page": f"{path}/withdraw",
            "erasure_page": f"{path}/erasure",
        }
        return render(request, "status.html.j2", context, language=language)

    async def received(self, request: Request, application_id: UUID) -> HTMLResponse:
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

    async def confirmation(
        self, request: Request, application_id: UUID, action: Action
    ) -> Response:
        """What withdrawing or erasing does, and the form that does it; changes nothing."""
        application = await self._application(request, application_id)
        token = status_token(request)
        if application is None or token is None:
            return self.not_valid(request)
        language, _ = gettext_for(request)
        back = with_lang(application_path(application_id), language)
        if action == "withdraw" and not may_withdraw(application):
            # Withdrawn already (before any acceptance, which then stands) or accepted.
            if application.withdrawn_at is None:
                return self.package_accepted(request, application)
            return redirect(back)
        if action == "erasure" and application.erased_at is not None:
            return redirect(back)
        context = {
            "programme": self._programme(application),
            "action": action,
            "texts": self._consequences(application, action, _),
            "post_to": with_lang(f"{application_path(application_id)}/{action}", language),
            "token_field": CONFIRMATION_FIELD,
            "token": form_token(token, action, key=self._key),
            "back": back,
        }
        return render(request, "confirm.html.j2", context, language=language)

    @staticmethod
    def _consequences(
        application: StoredApplication, action: Action, _: Gettext
    ) -> dict[str, object]:
        if action == "withdraw":
            return {
                "heading": _("Withdraw your application?"),
                "paragraphs": [
                    _("Your application is taken out of the ranking and the waiting list."),
                    _("If you hold an open offer of a package, it passes to the next athlete."),
                    _("This cannot be undone: you cannot apply to this edition again."),
                ],
                "button": _("Yes, withdraw my application"),
            }
        paragraphs = [
            _("Your name, e-mail address, business name and pitch are deleted for good."),
            _("We cannot write to you any more, and e-mails not yet sent are cancelled."),
        ]
        if application.accepted_at is not None:
            paragraphs.append(
                _("Your accepted package is not affected: only your personal data goes.")
            )
        elif application.withdrawn_at is None:
            paragraphs.append(
                _(
                    "Your application is withdrawn as well: it leaves the ranking and the"
                    " waiting list, and an open offer passes to the next athlete."
                )
            )
        paragraphs.append(
            _(
                "What stays is your application number and the facts it was decided on,"
                " such as your country, sport and business sector, without your name."
            )
        )
        paragraphs.append(_("This cannot be undone."))
        return {
            "heading": _("Erase your personal data?"),
            "paragraphs": paragraphs,
            "button": _("Yes, erase my personal data"),
        }

    async def act(self, request: Request, application_id: UUID, action: Action) -> Response:
        """Withdraw or erase, from the confirmation page's form; 303 back to the status page.

        Authorised by the application's `status_link` cookie (a genuine, unexpired link of
        this application; anyone else gets the 404 "link not valid" page). Against forgery
        from other sites (cross-site request forgery), three locks, none needing script:
        the cookie is SameSite=Lax, so browsers do not send it with another site's POST;
        the form must carry the token its confirmation page wrote (an HMAC of the cookie's
        link and of the action, under STATUS_LINK_KEY: no other site can read the page or
        the cookie, so none can write it); and a request the browser says another site sent
        (Sec-Fetch-Site other than same-origin, or an Origin of another host) is refused.
        The Origin alone cannot decide: under our `Referrer-Policy: no-referrer` browsers
        post our own forms with `Origin: null`. A refusal is a 403 page. Nothing changes on
        a refusal; a repeat answers the same.
        """
        token = status_token(request)
        try:
            if (
                token is None
                or application_id
                != handlers.status_link_claim(token, key=self._key, now=self._api.now()).record_id
            ):
                return self.not_valid(request)
        except handlers.UnknownApplication:
            return self.not_valid(request)
        posted = await request.form()
        if not sent_from_here(request) or not form_token_matches(
            posted.get(CONFIRMATION_FIELD), token, action, key=self._key
        ):
            return self.refused(request, application_id)
        authorise = handlers.by_link(
            application_id, link_token=token, key=self._key, clock=self._api.clock
        )
        try:
            async with self._api.pool().acquire() as conn:
                if action == "withdraw":
                    await handlers.withdraw(
                        conn,
                        authorise=authorise,
                        clock=self._api.clock,
                        correlation_id=current_correlation_id(),
                    )
                else:
                    await handlers.erase(
                        conn,
                        authorise=authorise,
                        clock=self._api.clock,
                        correlation_id=current_correlation_id(),
                    )
        except handlers.UnknownApplication:
            return self.not_valid(request)
        except PackageAccepted:
            application = await self._application(request, application_id)
            if application is None:
                return self.not_valid(request)
            return self.package_accepted(request, application)
        language, _ = gettext_for(request)
        return redirect(with_lang(application_path(application_id), language))

    def package_accepted(self, request: Request, application: StoredApplication) -> HTMLResponse:
        language, _ = gettext_for(request)
        assert application.accepted_at is not None
        texts = [
            _(
                "You accepted your accelerator package on %(date)s, and the programme has"
                " started delivering it, so your application can no longer be withdrawn here."
            )
            % {"date": format_deadline(application.accepted_at, language)},
            _("To give the package up, please contact the programme team."),
        ]
        links = [
            (
                _("Back to my application"),
                with_lang(application_path(application.application_id), language),
            )
        ]
        heading = _("Your package is accepted")
        return message(request, "package_accepted", heading, texts, status=409, links=links)

    def refused(self, request: Request, application_id: UUID) -> HTMLResponse:
        language, _ = gettext_for(request)
        texts = [
            _("This form did not come from your application's own page, so nothing was changed."),
            _("Open your status page and use its buttons."),
        ]
        links = [
            (_("Back to my application"), with_lang(application_path(application_id), language))
        ]
        heading = _("Nothing was changed")
        return message(request, "refused", heading, texts, status=403, links=links)

    def _programme(self, application: StoredApplication) -> str:
        edition = self._api.editions.get(application.edition_id)
        return edition.name if edition else application.edition_id


def _application_id(application_id: str) -> UUID | None:
    try:
        return UUID(application_id)
    except ValueError:
        return None


def router(pages: StatusPages) -> APIRouter:
    routes = APIRouter(include_in_schema=False)

    @routes.api_route("/status/{token}", methods=["GET", "HEAD"])
    async def status_link(token: str, request: Request) -> Response:
        return pages.exchange(request, token)

    # A malformed id is the same "link not valid" page as an unknown one.
    @routes.api_route("/applications/{application_id}", methods=["GET", "HEAD"])
    async def status_page(application_id: str, request: Request) -> HTMLResponse:
        app_id = _application_id(application_id)
        return pages.not_valid(request) if app_id is None else await pages.status(request, app_id)

    @routes.api_route("/applications/{application_id}/received", methods=["GET", "HEAD"])
    async def received_page(application_id: str, request: Request) -> HTMLResponse:
        app_id = _application_id(application_id)
        if app_id is None:
            return pages.not_valid(request)
        return await pages.received(request, app_id)

    # The actions live under /applications/{id}, the cookie's path, so that the browser
    # sends the cookie with them.
    def action_routes(action: Action) -> None:
        path = f"/applications/{{application_id}}/{action}"

        @routes.api_route(path, methods=["GET", "HEAD"], name=f"confirm_{action}")
        async def confirmation_page(application_id: str, request: Request) -> Response:
            """What the action does, and its form; opening this page changes nothing."""
            app_id = _application_id(application_id)
            if app_id is None:
                return pages.not_valid(request)
            return await pages.confirmation(request, app_id, action)

        @routes.post(path, max_body_size=MAX_ACTION_BYTES, name=action)
        async def act(application_id: str, request: Request) -> Response:
            """The confirmation form's POST: only for this application's status_link cookie
            with the form's token, and not from another site (StatusPages.act)."""
            app_id = _application_id(application_id)
            if app_id is None:
                return pages.not_valid(request)
            return await pages.act(request, app_id, action)

    action_routes("withdraw")
    action_routes("erasure")
    return routes
