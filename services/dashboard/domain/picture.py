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
class ReviewerProgress:
    """One panel reviewer, by the panel's opaque id: reviews done of those assigned now."""

    reviewer_id: str
    assigned: int
    """Applications the reviewer reviews now (assigned, and not released since)."""
    done: int
    """Of those, how many the reviewer has submitted a review of."""
    conflicts: int
    """Applications the reviewer was released from because they declared a conflict."""


@dataclass(frozen=True)
class ReviewGap:
    """An application under review with fewer reviews than it needs."""

    application_id: UUID
    submitted: int
    needed: int


@dataclass(frozen=True)
class Disagreement:
    """An application whose review scores are further apart than the edition's spread."""

    application_id: UUID
    low: int
    high: int
    reviews: int


@dataclass(frozen=True)
class Reviews:
    """The review panel's progress; empty before anything is assigned."""

    reviewers_per_application: int | None
    """k from the edition file's `[review]`; None when it is unknown (then each application
    needs a review from every reviewer it has now)."""
    disagreement_spread: int
    under_review: int
    """Applications with a current reviewer, withdrawn ones aside."""
    complete: int
    """Of those, how many have all the reviews they need."""
    reviewers: list[ReviewerProgress]
    """Every reviewer heard of, by id."""
    lacking: int
    """Applications under review with fewer reviews than they need."""
    lacking_listed: list[ReviewGap]
    """The first of those, fewest reviews first."""
    disagreements: int
    """Applications whose review scores differ by more than the spread (max - min)."""
    disagreements_listed: list[Disagreement]
    """The first of those, widest first: for a second look."""


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
    reviews: Reviews


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
