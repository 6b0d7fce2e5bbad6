"""The offer page an athlete opens from the offer e-mail, and the answers its forms post.

GET and HEAD only show; mail scanners and link previews fetch every link of an e-mail, so a
link that acted on GET would be answered before the athlete saw it. Only the POST of a form
on these pages accepts or declines. Every outcome is a page in the reader's language.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlencode

from fastapi import APIRouter, Request, status
from fastapi.responses import HTMLResponse

from services.grant import handlers
from services.grant.domain.offers import Offer, OfferState, Refusal, refusal
from services.grant.handlers.errors import OfferRefused, UnknownOffer
from shared import offer_links
from shared.clock import Clock
from shared.correlation import current_correlation_id
from shared.editions import Edition
from shared.formatting import format_deadline, format_money, format_time_left
from shared.languages import Language
from shared.pages import PageRenderer, reader_language, translations
from shared.phrases import component_text
from shared.runtime import ServiceRuntime

DEFAULT_PROGRAMME = "Athlete365 Business Accelerator"


@dataclass(frozen=True)
class OfferView:
    """An open offer, written for its reader."""

    rank: int
    amount: str
    components: list[str]
    deadline: str
    time_left: str
    page: str
    accept_action: str
    decline_page: str
    decline_action: str


class OfferPages:
    def __init__(
        self,
        *,
        runtime: ServiceRuntime,
        clock: Clock,
        signing_key: str,
        editions: Mapping[str, Edition],
    ) -> None:
        self._runtime = runtime
        self._clock = clock
        self._key = signing_key
        self._editions = editions
        self._pages = PageRenderer("services.grant")

    def _programme(self, offer: Offer | None) -> str:
        edition = self._editions.get(offer.edition_id) if offer else None
        return edition.name if edition else DEFAULT_PROGRAMME

    def _view(
        self, token: str, terms: handlers.OfferTerms, language: Language, now: datetime
    ) -> OfferView:
        offer, query = terms.offer, f"?{urlencode({'lang': language})}"
        return OfferView(
            rank=offer.rank,
            amount=format_money(offer.amount_cents, offer.currency, language),
            components=[component_text(code, language) for code in terms.components],
            deadline=format_deadline(offer.expires_at, language),
            time_left=format_time_left(offer.expires_at - now, language),
            page=f"/offers/{token}{query}",
            accept_action=f"/offers/{token}/accept{query}",
            decline_page=f"/offers/{token}/decline",
            decline_action=f"/offers/{token}/decline{query}",
        )

    def outcome(
        self, outcome: str, offer: Offer | None, language: Language, http_status: int = 200
    ) -> HTMLResponse:
        """A page saying what became of the offer: answered now, earlier, expired, or no offer."""
        programme = self._programme(offer)
        heading, paragraphs = _outcome_texts(outcome, offer, programme, language)
        context = {"outcome": outcome, "heading": heading, "paragraphs": paragraphs}
        return self._pages.render(
            "answer.html.j2", language, {**context, "programme": programme}, http_status
        )

    def not_valid(self, language: Language) -> HTMLResponse:
        return self.outcome("not_valid", None, language, status.HTTP_404_NOT_FOUND)

    def refused(self, offer: Offer, language: Language, *, answering: bool) -> HTMLResponse:
        """An offer that can no longer be answered: expired, or answered before."""
        if refusal(offer, now=self._clock.now()) is Refusal.EXPIRED:
            return self.outcome("expired", offer, language, status.HTTP_410_GONE)
        earlier = "already_accepted" if offer.state is OfferState.ACCEPTED else "already_declined"
        return self.outcome(earlier, offer, language, 409 if answering else 200)

    async def show(self, token: str, language: Language, template: str) -> HTMLResponse:
        try:
            claim = offer_links.verify(token, key=self._key)
            async with self._runtime.pool.acquire() as conn:
                terms = await handlers.read_offer_terms(conn, claim=claim)
        except (offer_links.ForgedToken, UnknownOffer, ValueError):
            return self.not_valid(language)
        now = self._clock.now()
        if refusal(terms.offer, now=now) is not None:
            return self.refused(terms.offer, language, answering=False)
        view = self._view(token, terms, language, now)
        context = {"offer": view, "programme": self._programme(terms.offer)}
        return self._pages.render(template, language, context)

    async def answer(self, token: str, language: Language, *, accept: bool) -> HTMLResponse:
        try:
            claim = offer_links.verify(token, key=self._key)
            async with self._runtime.pool.acquire() as conn:
                offer = await handlers.answer_offer(
                    conn,
                    claim=claim,
                    accept=accept,
                    clock=self._clock,
                    correlation_id=current_correlation_id(),
                )
        except (offer_links.ForgedToken, UnknownOffer, ValueError):
            return self.not_valid(language)
        except OfferRefused as exc:
            return self.refused(exc.offer, language, answering=True)
        return self.outcome(offer.state.value, offer, language)


def router(pages: OfferPages) -> APIRouter:
    # Pages are for people, not programs: they stay out of the OpenAPI document.
    routes = APIRouter(prefix="/offers", include_in_schema=False)

    @routes.api_route("/{token}", methods=["GET", "HEAD"])
    async def offer_page(token: str, request: Request) -> HTMLResponse:
        return await pages.show(token, reader_language(request), "offer.html.j2")

    @routes.api_route("/{token}/decline", methods=["GET", "HEAD"])
    async def confirm_decline_page(token: str, request: Request) -> HTMLResponse:
        return await pages.show(token, reader_language(request), "decline.html.j2")

    @routes.post("/{token}/accept")
    async def accept(token: str, request: Request) -> HTMLResponse:
        return await pages.answer(token, reader_language(request), accept=True)

    @routes.post("/{token}/decline")
    async def decline(token: str, request: Request) -> HTMLResponse:
        return await pages.answer(token, reader_language(request), accept=False)

    return routes


def _outcome_texts(
    outcome: str, offer: Offer | None, programme: str, language: Language
) -> tuple[str, list[str]]:
    """The heading and paragraphs of one outcome page, translated; only that page's."""
    _ = translations(language).gettext
    when = format_deadline(offer.decided_at, language) if offer and offer.decided_at else ""
    match outcome:
        case "accepted":
            return _("You accepted the package"), [
                _("Congratulations, and welcome to the %(programme)s!") % {"programme": programme},
                _(
                    "What happens next: the programme team will write to you within a few "
                    "working days to plan your training and mentoring. A confirmation "
                    "e-mail is on its way."
                ),
            ]
        case "declined":
            return _("You declined the package"), [
                _(
                    "Thank you for letting us know. The package passes to the next athlete "
                    "on the waiting list."
                ),
                _("We wish you every success with your business."),
            ]
        case "already_accepted":
            return _("You already accepted this package"), [
                _("You accepted it on %(when)s. Nothing more is needed.") % {"when": when}
            ]
        case "already_declined":
            return _("You already declined this package"), [
                _("You declined it on %(when)s; it passed to the next athlete on the waiting list.")
                % {"when": when}
            ]
        case "expired" if offer is not None:
            deadline = format_deadline(offer.expires_at, language)
            return _("This offer has expired"), [
                _(
                    "The deadline to answer was %(deadline)s. The package passes to the next "
                    "athlete on the waiting list."
                )
                % {"deadline": deadline}
            ]
    return _("This link is not valid"), [
        _("Check that you opened the whole link from your offer e-mail.")
    ]
