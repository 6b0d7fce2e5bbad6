"""What grant's use cases refuse, for the entry points to translate."""

from services.grant.domain.offers import Offer, Refusal


class UnknownEdition(LookupError):
    pass


class EditionNotClosed(Exception):
    pass


class UnknownOffer(LookupError):
    pass


class OfferRefused(Exception):
    def __init__(self, reason: Refusal, offer: Offer) -> None:
        super().__init__(f"offer {offer.offer_id} is {offer.state}: {reason}")
        self.reason = reason
        self.offer = offer
