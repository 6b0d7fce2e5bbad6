"""Grant's use cases: each runs in one transaction with the events it causes."""

from services.grant.handlers.applications import record_applications
from services.grant.handlers.editions import ClosingReport, close_edition
from services.grant.handlers.offers import (
    ExpiryReport,
    OfferTerms,
    answer_offer,
    expire_all_overdue,
    expire_overdue,
    read_offer,
    read_offer_terms,
)
from services.grant.handlers.opening import (
    OpeningReport,
    announce_open_editions,
    open_edition,
)
from services.grant.handlers.standings import Standings, standings

__all__ = [
    "ClosingReport",
    "ExpiryReport",
    "OfferTerms",
    "OpeningReport",
    "Standings",
    "announce_open_editions",
    "answer_offer",
    "close_edition",
    "expire_all_overdue",
    "expire_overdue",
    "open_edition",
    "read_offer",
    "read_offer_terms",
    "record_applications",
    "standings",
]
