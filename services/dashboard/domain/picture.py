"""The picture of one edition the page draws: aggregates only, so it stays small however many
applications the edition has."""

from dataclasses import dataclass
from datetime import datetime
from typing import Literal
from uuid import UUID

EditionState = Literal["unknown", "open", "closed"]


@dataclass(frozen=True)
class Funnel:
    """Distinct applications that reached each stage."""

    received: int
    eligible: int
    enrolled: int
    scored: int
    offered: int
    accepted: int


@dataclass(frozen=True)
class ScoreBin:
    low: int
    high: int
    count: int


@dataclass(frozen=True)
class ScoreDistribution:
    """Latest total score of each scored application, in bins of equal width from 0 to 100."""

    bins: list[ScoreBin]
    count: int
    mean: float | None


@dataclass(frozen=True)
class Budget:
    """Open and accepted offers hold money; cap_cents is None until the edition is opened."""

    committed_cents: int
    cap_cents: int | None
    currency: str


@dataclass(frozen=True)
class OpenOffer:
    offer_id: UUID
    rank: int
    amount_cents: int
    expires_at: datetime
    seconds_left: int


@dataclass(frozen=True)
class Offers:
    open: int
    accepted: int
    declined: int
    expired: int
    open_offers: list[OpenOffer]
    """Soonest deadline first."""


@dataclass(frozen=True)
class RecentEvent:
    type: str
    subject: str
    """The aggregate id; a notification shows its own id, never the applicant's."""
    time: datetime
    topic: str


@dataclass(frozen=True)
class EditionPicture:
    edition_id: str
    name: str | None
    state: EditionState
    grant_capacity: int | None
    funnel: Funnel
    withdrawn: int
    waitlisted: int
    """On the waitlist now: not yet offered, told "not selected" or withdrawn."""
    not_selected: int
    scores: ScoreDistribution
    budget: Budget
    offers: Offers
    notifications_sent: int
    notifications_failed: int
    dead_letters: int
    """Dead letters of this edition not yet redriven."""
    recent_events: list[RecentEvent]


@dataclass(frozen=True)
class EditionSummary:
    edition_id: str
    name: str
    state: EditionState
    opens_at: datetime


@dataclass(frozen=True)
class ServiceLag:
    """Messages a service's consumer group has still to handle; None before its first commit."""

    service: str
    lag: int | None


@dataclass(frozen=True)
class DashboardView:
    """Everything the page shows at one moment; edition is None while no edition is known."""

    as_of: datetime
    caught_up: bool
    """False while the dashboard is still reading the topics' history after a start."""
    events_seen: int
    dead_letters_total: int
    """Dead letters of any edition, or none, not yet redriven."""
    editions: list[EditionSummary]
    edition: EditionPicture | None
    consumer_lag: list[ServiceLag]
    lag_checked_at: datetime | None
