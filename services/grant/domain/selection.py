"""Who is offered a package: who may be ranked, the ranking, and the filling of free seats.

Pure rules, no I/O. Eligible applications that were not withdrawn are candidates; those with
a score are ranked by total (highest first), then earlier submission, then application id.
Seats go down that ranking to each candidate the constraints admit; the same rule fills
seats freed later, so a promotion always goes to the best remaining candidate that fits.

Every package of an edition has the same value, so the budget (capacity x value) binds
exactly when the capacity does: there is no separate budget rule to apply.
"""

from collections import Counter
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID


@dataclass(frozen=True)
class Candidate:
    """An eligible, scored, non-withdrawn application of the edition."""

    application_id: UUID
    country: str
    total: float
    submitted_at: datetime


@dataclass(frozen=True)
class KnownApplication:
    """What grant knows of an application of the edition when it closes."""

    application_id: UUID
    country: str
    submitted_at: datetime
    eligible: bool | None  # None: not screened yet
    withdrawn: bool
    score_total: float | None  # None: not scored yet


@dataclass(frozen=True)
class Pool:
    """The candidates of a closing edition: the scored are ranked, the others never are."""

    scored: list[Candidate]
    unscored: list[Candidate]


def selection_pool(applications: Iterable[KnownApplication]) -> Pool:
    """Only an application screened eligible and not withdrawn competes for a package."""
    pool = Pool(scored=[], unscored=[])
    for a in applications:
        if not a.eligible or a.withdrawn:
            continue
        candidate = Candidate(a.application_id, a.country, a.score_total or 0.0, a.submitted_at)
        (pool.unscored if a.score_total is None else pool.scored).append(candidate)
    return pool


@dataclass(frozen=True)
class Ranked:
    """A candidate with its place in the edition's ranking (1 is best)."""

    rank: int
    candidate: Candidate

    @property
    def application_id(self) -> UUID:
        return self.candidate.application_id

    @property
    def country(self) -> str:
        return self.candidate.country


@dataclass(frozen=True)
class Constraints:
    """What the live (open or accepted) offers of one edition may never exceed."""

    capacity: int
    max_per_country: int | None = None

    def free_seats(self, live_offers: int) -> int:
        return max(0, self.capacity - live_offers)

    def admits(self, country: str, live_per_country: Counter[str]) -> bool:
        return self.max_per_country is None or live_per_country[country] < self.max_per_country


def ranking_key(candidate: Candidate) -> tuple[float, datetime, UUID]:
    return (-candidate.total, candidate.submitted_at, candidate.application_id)


def rank(candidates: Iterable[Candidate]) -> list[Ranked]:
    ordered = sorted(candidates, key=ranking_key)
    return [Ranked(position, c) for position, c in enumerate(ordered, start=1)]


def select_offers(
    waitlist: Iterable[Ranked],
    constraints: Constraints,
    *,
    live_countries: Sequence[str] = (),
    already_offered: Collection[UUID] = frozenset(),
) -> list[Ranked]:
    """The candidates to offer the free seats to, best first.

    `live_countries` has one entry per open or accepted offer; `already_offered` are never
    offered again, whatever became of their offer.
    """
    per_country = Counter(live_countries)
    seats = constraints.free_seats(len(live_countries))
    chosen: list[Ranked] = []
    for entry in sorted(waitlist, key=lambda r: r.rank):
        if len(chosen) >= seats:
            break
        if entry.application_id in already_offered:
            continue
        if constraints.admits(entry.country, per_country):
            chosen.append(entry)
            per_country[entry.country] += 1
    return chosen
