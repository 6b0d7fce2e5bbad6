"""The links in offer e-mails: the signed token is the only credential."""

from fastapi import APIRouter, HTTPException, status

from services.grant import handlers
from services.grant.domain.offers import Refusal
from services.grant.entrypoints.schemas import OfferAnswerOut, Problem
from services.grant.handlers.errors import OfferRefused, UnknownOffer
from shared import offer_links
from shared.clock import Clock
from shared.correlation import current_correlation_id
from shared.runtime import ServiceRuntime

_NOT_VALID = "this offer link is not valid"
_ERRORS: dict[int | str, dict[str, object]] = {
    404: {"model": Problem, "description": "Forged or unknown offer link."},
    409: {"model": Problem, "description": "The offer was already accepted or declined."},
    410: {"model": Problem, "description": "The offer has expired."},
    503: {"model": Problem, "description": "Offer links are not configured here."},
}


def _refused(exc: OfferRefused) -> HTTPException:
    if exc.reason is Refusal.EXPIRED:
        deadline = exc.offer.expires_at.isoformat()
        return HTTPException(status.HTTP_410_GONE, detail=f"this offer expired at {deadline}")
    return HTTPException(
        status.HTTP_409_CONFLICT, detail=f"this offer was already {exc.offer.state.value}"
    )


def router(*, runtime: ServiceRuntime, clock: Clock, signing_key: str) -> APIRouter:
    offers = APIRouter(prefix="/v1/offers", tags=["offers"], responses=_ERRORS)

    async def answer(offer_token: str, *, accept: bool) -> OfferAnswerOut:
        if not signing_key:
            raise HTTPException(status.HTTP_503_SERVICE_UNAVAILABLE, detail="offer links are off")
        try:
            claim = offer_links.verify(offer_token, key=signing_key)
        except offer_links.ForgedToken as exc:
            raise HTTPException(status.HTTP_404_NOT_FOUND, detail=_NOT_VALID) from exc
        async with runtime.pool.acquire() as conn:
            try:
                offer = await handlers.answer_offer(
                    conn,
                    claim=claim,
                    accept=accept,
                    clock=clock,
                    correlation_id=current_correlation_id(),
                )
            except UnknownOffer as exc:
                raise HTTPException(status.HTTP_404_NOT_FOUND, detail=_NOT_VALID) from exc
            except OfferRefused as exc:
                raise _refused(exc) from exc
        return OfferAnswerOut.model_validate(offer)

    @offers.post("/{offer_token}/accept", response_model=OfferAnswerOut)
    async def accept_offer(offer_token: str) -> OfferAnswerOut:
        """Accept the package. The link works once, until the offer's deadline."""
        return await answer(offer_token, accept=True)

    @offers.post("/{offer_token}/decline", response_model=OfferAnswerOut)
    async def decline_offer(offer_token: str) -> OfferAnswerOut:
        """Decline the package; it passes to the best remaining candidate on the waitlist."""
        return await answer(offer_token, accept=False)

    return offers
