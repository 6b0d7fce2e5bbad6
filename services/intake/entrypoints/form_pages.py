"""The application form for people: `GET /` lists the editions taking applications, `GET
/apply/{edition_id}` shows the form, and its POST (urlencoded, no script needed) applies as
the JSON API does: the same size limit, rate limit, checks and use case. Problems are shown
beside their fields in the reader's language, with everything typed kept."""

from collections.abc import Mapping

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import ValidationError
from starlette.datastructures import FormData

from services.intake import handlers
from services.intake.domain.application import DuplicateApplication, EditionNotOpen, ensure_open
from services.intake.domain.form_fields import submission_body
from services.intake.domain.submission import ApplicationForm, FutureCareerEnd
from services.intake.entrypoints import form_texts
from services.intake.entrypoints.dependencies import IntakeApi
from services.intake.entrypoints.form_input import field_problems, posted_values
from services.intake.entrypoints.form_view import form_sections
from services.intake.entrypoints.page_support import (
    gettext_for,
    message,
    render,
    to_application,
    with_lang,
)
from shared import status_links
from shared.correlation import current_correlation_id
from shared.editions import Edition
from shared.formatting import format_deadline


class FormPages:
    def __init__(self, api: IntakeApi, *, link_key: str) -> None:
        self._api = api
        self._key = link_key

    def edition(self, edition_id: str) -> Edition:
        return self._api.editions[edition_id]

    async def _closed(self) -> set[str]:
        async with self._api.pool().acquire() as conn:
            return await handlers.closed_edition_ids(conn)

    def _open(self, edition: Edition, closed: set[str]) -> bool:
        try:
            ensure_open(edition, now=self._api.now(), closed_at=None)
        except EditionNotOpen:
            return False
        return edition.id not in closed

    async def index(self, request: Request) -> HTMLResponse:
        language, _ = gettext_for(request)
        closed = await self._closed()
        links = [
            (e.name, with_lang(f"/apply/{e.id}", language))
            for e in self._api.editions.values()
            if self._open(e, closed)
        ]
        if not links:
            texts = [_("No edition takes applications at the moment. Please come back later.")]
            return message(request, "none_open", _("Applications"), texts, status=200)
        texts = [_("Choose the edition you are applying to.")]
        return message(request, "open", _("Apply"), texts, status=200, links=links)

    async def unavailable(self, request: Request, edition_id: str) -> HTMLResponse | None:
        """The page of an unknown or closed edition, or None when it takes applications."""
        language, _ = gettext_for(request)
        edition = self._api.editions.get(edition_id)
        if edition is None:
            texts = [_("There is no edition of the programme under this address.")]
            return message(request, "unknown", _("No such edition"), texts, status=404)
        if not self._open(edition, await self._closed()):
            texts = [
                _("%(programme)s takes no applications now.") % {"programme": edition.name},
                _("Its applications were open from %(opens)s to %(closes)s.")
                % {
                    "opens": format_deadline(edition.opens_at, language),
                    "closes": format_deadline(edition.closes_at, language),
                },
            ]
            return message(request, "closed", _("Applications are closed"), texts, status=409)
        return None

    def form(
        self,
        request: Request,
        edition: Edition,
        *,
        posted: FormData | None = None,
        errors: Mapping[str, str] | None = None,
        status_code: int = 200,
    ) -> HTMLResponse:
        language, _ = gettext_for(request)
        errors = errors or {}
        sections = form_sections(
            language=language,
            gettext=_,
            posted=posted_values(posted),
            errors=errors,
            this_year=self._api.now().year,
        )
        labelled = {f.spec.path: (f.id, f.label) for s in sections for f in s.fields}
        problems = [(*labelled[path], text) for path, text in errors.items() if path in labelled]
        context = {
            "programme": edition.name,
            "closes": format_deadline(edition.closes_at, language),
            "sections": sections,
            "problems": problems,
            "action": with_lang(f"/apply/{edition.id}", language),
        }
        return render(request, "apply.html.j2", context, status=status_code, language=language)

    async def apply(self, request: Request, edition_id: str) -> Response:
        _language, _ = gettext_for(request)
        wait_s = self._api.wait_before_submitting(request)
        if wait_s is not None:
            texts = [_("Please wait a minute and send the form again.")]
            page = message(request, "too_many", _("Too many applications"), texts, status=429)
            page.headers["Retry-After"] = str(wait_s)
            return page
        unavailable = await self.unavailable(request, edition_id)
        if unavailable is not None:
            return unavailable
        edition = self.edition(edition_id)
        posted = await request.form()
        body = submission_body(posted_values(posted))
        try:
            form = ApplicationForm.model_validate(body)
        except ValidationError as exc:
            errors = field_problems(exc.errors(include_url=False), body, _)
            return self.form(request, edition, posted=posted, errors=errors, status_code=422)
        try:
            async with self._api.pool().acquire() as conn:
                application = await handlers.submit(
                    conn,
                    edition=edition,
                    form=form,
                    clock=self._api.clock,
                    correlation_id=current_correlation_id(),
                )
        except FutureCareerEnd as exc:
            errors = {exc.field: form_texts.problem("career_end_future", exc.field, {}, _)}
            return self.form(request, edition, posted=posted, errors=errors, status_code=422)
        except DuplicateApplication as exc:
            errors = {exc.by: form_texts.problem("duplicate", exc.by, {}, _)}
            return self.form(request, edition, posted=posted, errors=errors, status_code=409)
        except EditionNotOpen:
            return await self.unavailable(request, edition_id) or self.form(request, edition)
        token = status_links.sign(
            application.application_id, application.submitted_at, key=self._key
        )
        return to_application(
            request,
            application.application_id,
            token=token,
            expires_at=application.submitted_at + status_links.LINK_LIFETIME,
            now=application.submitted_at,
            page="/received",
        )


def router(pages: FormPages, *, max_body_bytes: int) -> APIRouter:
    # Pages are for people, not programs: they stay out of the OpenAPI document.
    routes = APIRouter(include_in_schema=False)

    @routes.api_route("/", methods=["GET", "HEAD"])
    async def index(request: Request) -> HTMLResponse:
        return await pages.index(request)

    @routes.api_route("/apply/{edition_id}", methods=["GET", "HEAD"])
    async def application_form(edition_id: str, request: Request) -> HTMLResponse:
        unavailable = await pages.unavailable(request, edition_id)
        return unavailable or pages.form(request, pages.edition(edition_id))

    @routes.post("/apply/{edition_id}", max_body_size=max_body_bytes)
    async def apply(edition_id: str, request: Request) -> Response:
        return await pages.apply(request, edition_id)

    return routes
