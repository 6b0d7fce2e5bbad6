"""The panel reviewer's pages (services/scoring/README.md, "The reviewer's pages").

`GET /review/{token}` (the personal link of the invitation e-mail) only trades the signed
token for a cookie and redirects to the clean queue URL: mail scanners open every link of an
e-mail, so opening it changes nothing. The pages under /review/queue read the cookie, and the
reviewer is the one its token names, never one a path or a form names: a reviewer sees and
scores only their own live assignments, and any other application id is "not in your queue",
whether it exists or not. Forms post to the same site only (CSP form-action 'self', and the
cookie is SameSite=Strict, so no other site can post with it).
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Final
from urllib.parse import urlencode
from uuid import UUID

import asyncpg
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from services.scoring import handlers
from services.scoring.adapters.panel_repository import PanelMember
from services.scoring.domain.application import NotReviewable
from services.scoring.domain.facts import CURRENT_STATUSES
from services.scoring.domain.panel import MAX_CRITERION_SCORE, BadCriterionScores
from services.scoring.domain.rubric import as_points
from shared import review_links
from shared.correlation import current_correlation_id
from shared.languages import Language, supported
from shared.pages import SECURITY_HEADERS, PageRenderer, reader_language, translations

SESSION_COOKIE: Final = "review_session"
COOKIE_PATH: Final = "/review"
QUEUE_PATH: Final = "/review/queue"
MAX_COMMENT: Final = 2000
PROGRAMME: Final = "Athlete365 Business Accelerator"

PAGES = PageRenderer("services.scoring")
# Each language in its own words, as a reader looks for it.
_LANGUAGE_NAMES: Final[tuple[tuple[Language, str], ...]] = (
    ("en", "English"),
    ("fr", "Français"),
    ("de", "Deutsch"),
    ("es", "Español"),
)


def N_(text: str) -> str:
    """Marks a text for the catalogs; it is translated where it is shown."""
    return text


# The texts of each review criterion (domain/panel.py REVIEW_CRITERIA) and rubric criterion.
REVIEW_CRITERION_TEXTS: Final = {
    "market_opportunity": (
        N_("Market opportunity"),
        N_("Is there real demand in the markets the business targets, and can it reach them?"),
    ),
    "business_model": (
        N_("Business model"),
        N_(
            "Does the business earn money in a way that holds up, with sourcing and"
            " logistics it can manage?"
        ),
    ),
    "founder_readiness": (
        N_("Founder readiness"),
        N_("Is the athlete ready to run this business: time, skills and commitment?"),
    ),
    "accelerator_fit": (
        N_("Accelerator fit"),
        N_(
            "How much would the package (logistics, operations and sourcing training, and"
            " mentoring) help this business grow?"
        ),
    ),
}
RUBRIC_CRITERION_NAMES: Final = {
    "business_stage": N_("Business stage"),
    "b2b_sourcing_fit": N_("B2B sourcing fit"),
    "market_reach": N_("Market reach"),
    "pitch_completeness": N_("Pitch completeness"),
    "career_transition": N_("Career transition"),
    "training_progress": N_("Training progress"),
}
# These already exist in the catalogs, for the athletes' pages.
STAGE_TEXTS: Final = {
    "idea": "an idea",
    "prototype": "a prototype",
    "revenue": "making its first revenue",
    "growth": "growing",
}
STATUS_TEXTS: Final = {
    "current_olympian": "a current Olympian",
    "former_olympian": "a former Olympian",
    "current_paralympian": "a current Paralympian",
    "former_paralympian": "a former Paralympian",
}


@dataclass(frozen=True)
class Session:
    member: PanelMember
    token: str
    expires_at: datetime


def _language(request: Request, member: PanelMember | None) -> Language:
    """The page's ?lang=, else the reviewer's own language, else the browser's."""
    chosen = supported(request.query_params.get("lang"))
    if chosen is not None:
        return chosen
    if member is not None:
        return member.contact.language
    return reader_language(request)


def _with_lang(path: str, language: Language, **more: str) -> str:
    return f"{path}?{urlencode({'lang': language, **more})}"


class ReviewPages:
    def __init__(
        self,
        *,
        pool: Callable[[], asyncpg.Pool],
        scoring: handlers.Scoring,
        link_key: str,
    ) -> None:
        self._pool = pool
        self._scoring = scoring
        self._key = link_key

    def _render(
        self,
        request: Request,
        template: str,
        context: Mapping[str, object],
        *,
        language: Language,
        status: int = 200,
    ) -> HTMLResponse:
        path = request.url.path
        languages = [(code, name, _with_lang(path, code)) for code, name in _LANGUAGE_NAMES]
        return PAGES.render(
            template,
            language,
            {"programme": PROGRAMME, "languages": languages, **context},
            status,
        )

    def _message(
        self,
        request: Request,
        language: Language,
        outcome: str,
        heading: str,
        text: str,
        status: int,
    ) -> HTMLResponse:
        context = {"outcome": outcome, "heading": heading, "paragraphs": [text]}
        return self._render(
            request, "review_message.html.j2", context, language=language, status=status
        )

    def not_valid(self, request: Request, member: PanelMember | None = None) -> HTMLResponse:
        language = _language(request, member)
        _ = translations(language).gettext
        return self._message(
            request,
            language,
            "not_valid",
            _("This link is not valid"),
            _(
                "Open the whole link from your invitation e-mail. Links are personal and"
                " expire; the programme team sends a new one when yours has."
            ),
            404,
        )

    def not_yours(self, request: Request, session: Session) -> HTMLResponse:
        language = _language(request, session.member)
        _ = translations(language).gettext
        return self._message(
            request,
            language,
            "not_in_queue",
            _("This application is not in your queue"),
            _("You can only open and score the applications assigned to you."),
            404,
        )

    async def _session(self, request: Request) -> Session | None:
        token = request.cookies.get(SESSION_COOKIE)
        if token is None or not self._key:
            return None
        return await self._session_of(token)

    async def _session_of(self, token: str) -> Session | None:
        try:
            claim = review_links.verify(token, key=self._key)
        except (review_links.ForgedToken, ValueError):
            return None
        if claim.expires_at <= self._scoring.clock.now():
            return None
        async with self._pool().acquire() as conn:
            member = await handlers.panel.member_of_seat(conn, seat_id=claim.record_id)
        if member is None:
            return None
        return Session(member, token, claim.expires_at)

    # --- the link -------------------------------------------------------------------------

    async def exchange(self, request: Request, token: str) -> Response:
        session = await self._session_of(token) if self._key else None
        if session is None:
            return self.not_valid(request)
        language = _language(request, session.member)
        response = RedirectResponse(_with_lang(QUEUE_PATH, language), status_code=303)
        response.headers.update(SECURITY_HEADERS)
        now = self._scoring.clock.now()
        response.set_cookie(
            SESSION_COOKIE,
            token,
            max_age=max(0, int((session.expires_at - now).total_seconds())),
            path=COOKIE_PATH,
            secure=request.url.scheme == "https",
            httponly=True,
            samesite="strict",
        )
        return response

    # --- the queue ------------------------------------------------------------------------

    async def queue(self, request: Request) -> HTMLResponse:
        session = await self._session(request)
        if session is None:
            return self.not_valid(request)
        language = _language(request, session.member)
        async with self._pool().acquire() as conn:
            rows = await handlers.panel.reviewer_queue(conn, member=session.member)
        items = [
            {
                "application_id": str(r.application_id),
                "reviewed": r.reviewed_at is not None,
                "url": _with_lang(f"{QUEUE_PATH}/{r.application_id}", language),
            }
            for r in rows
        ]
        context = {
            "items": items,
            "done": sum(1 for i in items if i["reviewed"]),
            "assigned": len(items),
        }
        return self._render(request, "review_queue.html.j2", context, language=language)

    # --- one application ------------------------------------------------------------------

    async def application(
        self,
        request: Request,
        application_id: UUID,
        *,
        session: Session | None = None,
        entered: Mapping[str, str] | None = None,
        errors: Mapping[str, str] | None = None,
    ) -> HTMLResponse:
        session = session or await self._session(request)
        if session is None:
            return self.not_valid(request)
        language = _language(request, session.member)
        _ = translations(language).gettext
        try:
            async with self._pool().acquire() as conn:
                found = await handlers.panel.assigned_application(
                    conn,
                    member=session.member,
                    application_id=application_id,
                    scoring=self._scoring,
                )
        except handlers.NotAssigned:
            return self.not_yours(request, session)
        rules = handlers.panel.rules_of(self._scoring, session.member.edition_id)
        facts = found.state.facts
        business = facts.business if facts else None
        saved = found.assignment.criteria or {}
        criteria = [
            {
                "name": name,
                "field": f"criterion.{name}",
                "label": _(REVIEW_CRITERION_TEXTS[name][0]),
                "guidance": _(REVIEW_CRITERION_TEXTS[name][1]),
                "value": (entered or {}).get(
                    f"criterion.{name}", str(saved[name]) if name in saved else ""
                ),
                "error": (errors or {}).get(f"criterion.{name}"),
            }
            for name in rules.criteria
        ]
        rubric = []
        if found.card is not None:
            for criterion in found.card.rubric.criteria:
                rubric.append(
                    {
                        "label": _(
                            RUBRIC_CRITERION_NAMES.get(criterion.criterion, criterion.criterion)
                        ),
                        "points": f"{as_points(criterion.centipoints):g}",
                        "max": criterion.max_points,
                    }
                )
        status = facts.athlete_status if facts else ""
        context = {
            "application_id": str(application_id),
            "queue_url": _with_lang(QUEUE_PATH, language),
            "action": _with_lang(f"{QUEUE_PATH}/{application_id}", language),
            "conflict_action": _with_lang(f"{QUEUE_PATH}/{application_id}/conflict", language),
            "athlete": _(STATUS_TEXTS[status]) if status in STATUS_TEXTS else status,
            "current": status in CURRENT_STATUSES,
            "career_end_year": facts.career_end_year if facts else None,
            "business": None
            if business is None
            else {
                "stage": _(STAGE_TEXTS[business.stage]),
                "sector": business.sector.replace("_", " "),
                "markets": ", ".join(business.target_markets),
                "sourcing": ", ".join(business.sourcing_needs),
                "pitch_words": business.pitch_word_count,
            },
            "pitch": found.pitch,
            "rubric": rubric,
            "rubric_total": f"{as_points(found.card.rubric.total):g}" if found.card else None,
            "criteria": criteria,
            "max_score": MAX_CRITERION_SCORE,
            "comment": (entered or {}).get(
                "comment", (found.own_review.comment or "") if found.own_review else ""
            ),
            "comment_error": (errors or {}).get("comment"),
            "max_comment": MAX_COMMENT,
            "reviewed": found.assignment.reviewed_at is not None,
            "own_score": found.own_review.score if found.own_review else None,
        }
        status_code = 422 if errors else 200
        return self._render(
            request, "review_application.html.j2", context, language=language, status=status_code
        )

    async def submit(self, request: Request, application_id: UUID) -> Response:
        session = await self._session(request)
        if session is None:
            return self.not_valid(request)
        language = _language(request, session.member)
        _ = translations(language).gettext
        rules = handlers.panel.rules_of(self._scoring, session.member.edition_id)
        form = await request.form()
        entered = {k: v for k, v in form.items() if isinstance(v, str)}
        errors: dict[str, str] = {}
        scores: dict[str, int] = {}
        for name in rules.criteria:
            raw = entered.get(f"criterion.{name}", "").strip()
            if not raw.isdigit() or not 0 <= int(raw) <= MAX_CRITERION_SCORE:
                errors[f"criterion.{name}"] = _("Give a whole number from 0 to 10.")
            else:
                scores[name] = int(raw)
        comment = entered.get("comment", "").strip()
        if len(comment) > MAX_COMMENT:
            errors["comment"] = _("The comment may have at most 2,000 characters.")
        if errors:
            return await self.application(
                request, application_id, session=session, entered=entered, errors=errors
            )
        try:
            async with self._pool().acquire() as conn:
                await handlers.panel.submit_panel_review(
                    conn,
                    member=session.member,
                    application_id=application_id,
                    criteria=scores,
                    comment=comment or None,
                    scoring=self._scoring,
                    correlation_id=current_correlation_id(),
                )
        except (handlers.NotAssigned, handlers.UnknownApplication, NotReviewable):
            return self.not_yours(request, session)
        except BadCriterionScores:  # the checks above make it unreachable; kept as a guard
            return self.not_yours(request, session)
        return self._back_to_queue(language)

    async def conflict(self, request: Request, application_id: UUID) -> Response:
        session = await self._session(request)
        if session is None:
            return self.not_valid(request)
        language = _language(request, session.member)
        try:
            async with self._pool().acquire() as conn:
                await handlers.panel.declare_conflict(
                    conn,
                    member=session.member,
                    application_id=application_id,
                    scoring=self._scoring,
                    correlation_id=current_correlation_id(),
                )
        except handlers.NotAssigned:
            return self.not_yours(request, session)
        return self._back_to_queue(language)

    def _back_to_queue(self, language: Language) -> RedirectResponse:
        # 303: the browser follows with a GET, so reloading the queue posts nothing again.
        response = RedirectResponse(_with_lang(QUEUE_PATH, language), status_code=303)
        response.headers.update(SECURITY_HEADERS)
        return response


def router(pages: ReviewPages) -> APIRouter:
    routes = APIRouter(include_in_schema=False)

    # The queue's routes come first: "/review/queue" would otherwise pass for a token.
    @routes.api_route(QUEUE_PATH, methods=["GET", "HEAD"])
    async def queue_page(request: Request) -> HTMLResponse:
        return await pages.queue(request)

    @routes.api_route(QUEUE_PATH + "/{application_id}", methods=["GET", "HEAD"])
    async def application_page(application_id: UUID, request: Request) -> HTMLResponse:
        return await pages.application(request, application_id)

    @routes.post(QUEUE_PATH + "/{application_id}")
    async def score(application_id: UUID, request: Request) -> Response:
        return await pages.submit(request, application_id)

    @routes.post(QUEUE_PATH + "/{application_id}/conflict")
    async def conflict(application_id: UUID, request: Request) -> Response:
        return await pages.conflict(request, application_id)

    @routes.api_route("/review/{token}", methods=["GET", "HEAD"])
    async def review_link(token: str, request: Request) -> Response:
        return await pages.exchange(request, token)

    return routes
