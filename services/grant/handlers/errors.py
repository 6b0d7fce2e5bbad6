"""What grant's use cases refuse, for the entry points to translate."""

from datetime import datetime

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


class EditionNotOpened(LookupError):
    """Configured, but never opened: grant has no record of it, so it cannot be closed."""


class EditionAlreadyClosed(Exception):
    def __init__(self, edition_id: str, closed_at: datetime | None) -> None:
        super().__init__(f"edition {edition_id} was closed at {closed_at}")
        self.closed_at = closed_at
