"""Offers: their terms, the seat each one holds, and when an answer is refused. Pure rules."""

import uuid
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from uuid import UUID

from services.grant.domain.selection import Constraints, Ranked


class OfferState(StrEnum):
    OPEN = "open"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    EXPIRED = "expired"


LIVE_STATES = frozenset({OfferState.OPEN, OfferState.ACCEPTED})


@dataclass(frozen=True)
class EditionTerms:
    """What an edition's offers are made of, fixed when it closes."""

    capacity: int
    package_value_cents: int
    currency: str
    components: tuple[str, ...]
    acceptance_days: int
    max_per_country: int | None = None

    @property
    def constraints(self) -> Constraints:
        return Constraints(self.capacity, self.max_per_country)

    @property
    def country_cap(self) -> int:
        """Country slots per country; with no cap, a country could fill every seat."""
        return self.max_per_country or self.capacity

    def deadline(self, now: datetime) -> datetime:
        # Whole seconds, so the deadline signed into offer links is exactly the stored one.
        return now.replace(microsecond=0) + timedelta(days=self.acceptance_days)


@dataclass(frozen=True)
class Offer:
    offer_id: UUID
    edition_id: str
    application_id: UUID
    rank: int
    country: str
    seat_no: int
    country_slot: int
    amount_cents: int
    currency: str
    offered_at: datetime
    expires_at: datetime
    state: OfferState = OfferState.OPEN
    decided_at: datetime | None = None

    @property
    def live(self) -> bool:
        return self.state in LIVE_STATES

    @property
    def open(self) -> bool:
        return self.state is OfferState.OPEN


def _lowest_free(limit: int, taken: Collection[int]) -> int:
    for number in range(1, limit + 1):
        if number not in taken:
            return number
    raise ValueError(f"no free number in 1..{limit}")


def make_offers(
    chosen: Sequence[Ranked],
    *,
    edition_id: str,
    terms: EditionTerms,
    live: Iterable[Offer],
    now: datetime,
) -> list[Offer]:
    """Offers for the chosen candidates, each on the lowest free seat and country slot."""
    live = list(live)
    seats = {o.seat_no for o in live}
    slots: dict[str, set[int]] = {}
    for o in live:
        slots.setdefault(o.country, set()).add(o.country_slot)
    offers = []
    for entry in chosen:
        seat = _lowest_free(terms.capacity, seats)
        slot = _lowest_free(terms.country_cap, slots.setdefault(entry.country, set()))
        seats.add(seat)
        slots[entry.country].add(slot)
        offers.append(
            Offer(
                offer_id=uuid.uuid4(),
                edition_id=edition_id,
                application_id=entry.application_id,
                rank=entry.rank,
                country=entry.country,
                seat_no=seat,
                country_slot=slot,
                amount_cents=terms.package_value_cents,
                currency=terms.currency,
                offered_at=now,
                expires_at=terms.deadline(now),
            )
        )
    return offers


class Refusal(StrEnum):
    """Why an answer to an offer changes nothing."""

    ALREADY_ANSWERED = "already_answered"
    EXPIRED = "expired"


def refusal(offer: Offer, *, now: datetime) -> Refusal | None:
    if offer.state is OfferState.EXPIRED:
        return Refusal.EXPIRED
    if offer.state is not OfferState.OPEN:
        return Refusal.ALREADY_ANSWERED
    if now >= offer.expires_at:
        return Refusal.EXPIRED
    return None
