"""What the dashboard keeps of one edition: sets of application ids per stage and the offers.

Sets rather than counters: delivery is at least once, and a republished event must not count
twice. Everything here is a fact the page needs; nothing personal is kept.
"""

from collections import deque
from collections.abc import Hashable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from uuid import UUID

from services.dashboard.domain.picture import (
    Budget,
    EditionPicture,
    EditionState,
    Funnel,
    Offers,
    OpenOffer,
    RecentEvent,
    ScoreBin,
    ScoreDistribution,
)
from services.dashboard.domain.review_tally import UNKNOWN_RULES, ReviewRules, ReviewTally

RECENT_EVENTS_KEPT = 20
SCORE_BIN_WIDTH = 10


@dataclass
class OfferTally:
    application_id: UUID
    rank: int
    amount_cents: int
    expires_at: datetime | None
    state: str = "open"


@dataclass
class EditionTally:
    edition_id: str
    name: str | None = None
    state: EditionState = "unknown"
    opens_at: datetime | None = None
    grant_capacity: int | None = None
    package_value_cents: int | None = None
    currency: str = "USD"
    received: set[UUID] = field(default_factory=set)
    eligibility: dict[UUID, bool] = field(default_factory=dict)
    """The latest screening of each application counts."""
    enrolled: set[UUID] = field(default_factory=set)
    withdrawn: set[UUID] = field(default_factory=set)
    latest_scores: dict[UUID, float] = field(default_factory=dict)
    offers: dict[UUID, OfferTally] = field(default_factory=dict)
    waitlisted: set[UUID] = field(default_factory=set)
    not_selected: set[UUID] = field(default_factory=set)
    notifications_sent: set[UUID] = field(default_factory=set)
    notifications_failed: set[UUID] = field(default_factory=set)
    dead_letters: set[str] = field(default_factory=set)
    """Waiting dead letters, by their place on the DLQ."""
    recent: deque[tuple[Hashable, RecentEvent]] = field(
        default_factory=lambda: deque(maxlen=RECENT_EVENTS_KEPT)
    )
    review_rules: ReviewRules = UNKNOWN_RULES
    reviews: ReviewTally = field(default_factory=ReviewTally)

    def remember(self, key: Hashable, event: RecentEvent) -> None:
        """Keep among the latest events, once: a redelivered event (same key) is not news."""
        if all(seen != key for seen, _ in self.recent):
            self.recent.append((key, event))

    def picture(self, now: datetime) -> EditionPicture:
        return EditionPicture(
            edition_id=self.edition_id,
            name=self.name,
            state=self.state,
            grant_capacity=self.grant_capacity,
            funnel=self._funnel(),
            withdrawn=len(self.withdrawn),
            waitlisted=len(self._still_waiting()),
            not_selected=len(self.not_selected),
            scores=score_distribution(self.latest_scores.values()),
            budget=self._budget(),
            offers=self._offers(now),
            notifications_sent=len(self.notifications_sent),
            notifications_failed=len(self.notifications_failed),
            dead_letters=len(self.dead_letters),
            recent_events=[event for _, event in reversed(self.recent)],
            reviews=self.reviews.picture(self.review_rules, out_of_the_running=self.withdrawn),
        )

    def _still_waiting(self) -> set[UUID]:
        """Waitlisted and not since offered, told "not selected" or withdrawn."""
        offered = {offer.application_id for offer in self.offers.values()}
        return self.waitlisted - offered - self.not_selected - self.withdrawn

    def _funnel(self) -> Funnel:
        return Funnel(
            received=len(self.received),
            eligible=sum(self.eligibility.values()),
            enrolled=len(self.enrolled),
            scored=len(self.latest_scores),
            offered=len({offer.application_id for offer in self.offers.values()}),
            accepted=len({o.application_id for o in self.offers.values() if o.state == "accepted"}),
        )

    def _budget(self) -> Budget:
        live = (o for o in self.offers.values() if o.state in ("open", "accepted"))
        cap = (
            self.grant_capacity * self.package_value_cents
            if self.grant_capacity is not None and self.package_value_cents is not None
            else None
        )
        return Budget(
            committed_cents=sum(o.amount_cents for o in live), cap_cents=cap, currency=self.currency
        )

    def _offers(self, now: datetime) -> Offers:
        by_state = {"open": 0, "accepted": 0, "declined": 0, "expired": 0}
        open_offers = []
        for offer_id, offer in self.offers.items():
            by_state[offer.state] = by_state.get(offer.state, 0) + 1
            if offer.state == "open" and offer.expires_at is not None:
                left = max(0, int((offer.expires_at - now).total_seconds()))
                open_offers.append(
                    OpenOffer(offer_id, offer.rank, offer.amount_cents, offer.expires_at, left)
                )
        open_offers.sort(key=lambda o: (o.expires_at, o.rank))
        return Offers(
            open=by_state["open"],
            accepted=by_state["accepted"],
            declined=by_state["declined"],
            expired=by_state["expired"],
            open_offers=open_offers,
        )


def score_distribution(totals: Iterable[float]) -> ScoreDistribution:
    counts = [0] * (100 // SCORE_BIN_WIDTH)
    total_sum, n = 0.0, 0
    for total in totals:
        # 100 belongs to the last bin, not to a bin of its own.
        counts[min(int(total // SCORE_BIN_WIDTH), len(counts) - 1)] += 1
        total_sum += total
        n += 1
    bins = [
        ScoreBin(low=i * SCORE_BIN_WIDTH, high=(i + 1) * SCORE_BIN_WIDTH, count=count)
        for i, count in enumerate(counts)
    ]
    return ScoreDistribution(bins=bins, count=n, mean=round(total_sum / n, 2) if n else None)
