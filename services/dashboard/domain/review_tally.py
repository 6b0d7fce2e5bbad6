"""What the dashboard keeps of an edition's review panel: for each (application, reviewer) when
the reviewer was assigned, released and last submitted, and that review's score.

Times rather than a log of changes: delivery is at least once, and an assignment delivered
again after its release must not make the reviewer current again. Each fact keeps its latest
time, so the events may be folded twice, and the state is the same. Reviewer ids are the
panel's opaque codes; nothing personal is kept.
"""

from dataclasses import dataclass, field
from datetime import datetime
from uuid import UUID

from services.dashboard.domain.picture import (
    Disagreement,
    ReviewerProgress,
    ReviewGap,
    Reviews,
)

# The page lists this many of the applications lacking reviews and of the disagreements;
# the counts are complete. The reviewers are all listed: a panel has tens of them.
APPLICATIONS_LISTED = 20


@dataclass(frozen=True)
class ReviewRules:
    """The edition's `[review]` rules the picture needs (shared/editions.py, ReviewConfig).

    reviewers_per_application None: unknown, so an application needs a review from each of
    its current reviewers.
    """

    reviewers_per_application: int | None
    disagreement_spread: int


# An edition without a `[review]` section (or file) is judged by the file format's default
# spread (shared/editions.py, ReviewConfig.disagreement_spread), and k is unknown.
DEFAULT_SPREAD = 25
UNKNOWN_RULES = ReviewRules(reviewers_per_application=None, disagreement_spread=DEFAULT_SPREAD)


def _later(known: datetime | None, new: datetime) -> datetime:
    return new if known is None or new > known else known


@dataclass
class ReviewSeat:
    """One reviewer on one application."""

    assigned_at: datetime | None = None
    released_at: datetime | None = None
    conflict: bool = False
    """Released at least once for a conflict the reviewer declared."""
    submitted_at: datetime | None = None
    score: int | None = None

    def assign(self, at: datetime) -> None:
        self.assigned_at = _later(self.assigned_at, at)

    def release(self, at: datetime, *, conflict: bool) -> None:
        self.released_at = _later(self.released_at, at)
        self.conflict = self.conflict or conflict

    def submit(self, score: int, at: datetime) -> None:
        # A later review by the same reviewer replaces the earlier one.
        if self.submitted_at is None or at >= self.submitted_at:
            self.submitted_at, self.score = at, score

    @property
    def current(self) -> bool:
        """Assigned (or reviewing) since the last release, if any."""
        since = max((t for t in (self.assigned_at, self.submitted_at) if t), default=None)
        return since is not None and (self.released_at is None or since > self.released_at)

    @property
    def reviewed(self) -> bool:
        """A review that still counts: not one given before the reviewer was released."""
        return self.submitted_at is not None and (
            self.released_at is None or self.submitted_at > self.released_at
        )


@dataclass
class ReviewTally:
    seats: dict[UUID, dict[str, ReviewSeat]] = field(default_factory=dict)

    def seat(self, application_id: UUID, reviewer_id: str) -> ReviewSeat:
        return self.seats.setdefault(application_id, {}).setdefault(reviewer_id, ReviewSeat())

    def picture(self, rules: ReviewRules, *, out_of_the_running: set[UUID]) -> Reviews:
        """Progress per reviewer; the applications still lacking reviews and those whose
        reviews disagree, except the applications no longer competing (withdrawn)."""
        progress: dict[str, list[int]] = {}
        gaps: list[ReviewGap] = []
        disagreements: list[Disagreement] = []
        under_review = 0
        for application_id, by_reviewer in self.seats.items():
            for reviewer_id, seat in by_reviewer.items():
                counts = progress.setdefault(reviewer_id, [0, 0, 0])
                counts[0] += seat.current
                counts[1] += seat.current and seat.reviewed
                counts[2] += seat.conflict
            current = [s for s in by_reviewer.values() if s.current]
            if not current or application_id in out_of_the_running:
                continue
            under_review += 1
            scores = [s.score for s in current if s.reviewed and s.score is not None]
            needed = rules.reviewers_per_application or len(current)
            if len(scores) < needed:
                gaps.append(ReviewGap(application_id, submitted=len(scores), needed=needed))
            if len(scores) >= 2 and max(scores) - min(scores) > rules.disagreement_spread:
                disagreements.append(
                    Disagreement(
                        application_id, low=min(scores), high=max(scores), reviews=len(scores)
                    )
                )
        # Those furthest from done first; the widest disagreements first; ids break ties.
        gaps.sort(key=lambda g: (g.submitted - g.needed, str(g.application_id)))
        disagreements.sort(key=lambda d: (d.low - d.high, str(d.application_id)))
        return Reviews(
            reviewers_per_application=rules.reviewers_per_application,
            disagreement_spread=rules.disagreement_spread,
            under_review=under_review,
            complete=under_review - len(gaps),
            reviewers=[
                ReviewerProgress(reviewer_id, assigned=a, done=d, conflicts=r)
                for reviewer_id, (a, d, r) in sorted(progress.items())
            ],
            lacking=len(gaps),
            lacking_listed=gaps[:APPLICATIONS_LISTED],
            disagreements=len(disagreements),
            disagreements_listed=disagreements[:APPLICATIONS_LISTED],
        )
