"""Passing free seats down the waitlist, and knowing when nothing more can change."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Final
from uuid import UUID

from services.grant.domain.offers import EditionTerms, Offer, make_offers
from services.grant.domain.selection import Ranked, select_offers


@dataclass(frozen=True)
class Fill:
    offers: list[Offer]
    settled: bool  # no offer is open any more: the never-offered will not be selected


def fill(
    waitlist: Sequence[Ranked],
    offers: Sequence[Offer],
    *,
    edition_id: str,
    terms: EditionTerms,
    now: datetime,
) -> Fill:
    """New offers for every free seat, each to the best waitlisted candidate it admits.

    With no offer left open, the edition is settled: accepted offers are final, and the
    waitlist holds nobody who fits a free seat, so no later event can change the outcome.
    """
    live = [o for o in offers if o.live]
    chosen = select_offers(
        waitlist,
        terms.constraints,
        live_countries=[o.country for o in live],
        already_offered={o.application_id for o in offers},
    )
    new = make_offers(chosen, edition_id=edition_id, terms=terms, live=live, now=now)
    return Fill(new, settled=not new and not any(o.open for o in live))


# Candidates whose outcome is still open: waiting for a seat, or never ranked (no score when
# the edition closed). Offered and withdrawn candidates have theirs already.
UNDECIDED: Final = frozenset({"waitlisted", "unranked"})


def not_selected(states: Mapping[UUID, str]) -> list[UUID]:
    """Once the edition is settled, everyone still undecided is not selected, told once."""
    return sorted(application_id for application_id, state in states.items() if state in UNDECIDED)
