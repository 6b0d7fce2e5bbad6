"""The final score: the rubric combined with human reviewers.

Reviews by reviewers who declared a conflict of interest are excluded and change nothing.
With no counted review, the total is the rubric total. With at least one, every criterion's
points are scaled to 70 % and a `reviewers` entry adds 30 % of the mean counted review
score (0-100): total = 0.7 x rubric + 0.3 x mean review, each entry rounded half up to a
hundredth, and the total is exactly the sum of the breakdown.
"""

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from fractions import Fraction

from services.scoring.domain.rubric import Centipoints, RubricResult, as_points, round_half_up

REVIEWERS = "reviewers"
REVIEW_SHARE = Fraction(3, 10)
RUBRIC_SHARE = 1 - REVIEW_SHARE


@dataclass(frozen=True)
class Review:
    reviewer_id: str
    score: int
    conflict_of_interest: bool
    comment: str | None
    submitted_at: datetime


@dataclass(frozen=True)
class ReviewSummary:
    counted: tuple[Review, ...]
    excluded: tuple[Review, ...]

    @classmethod
    def of(cls, reviews: Iterable[Review]) -> "ReviewSummary":
        ordered = sorted(reviews, key=lambda r: r.reviewer_id)
        return cls(
            counted=tuple(r for r in ordered if not r.conflict_of_interest),
            excluded=tuple(r for r in ordered if r.conflict_of_interest),
        )

    @property
    def mean(self) -> Fraction | None:
        if not self.counted:
            return None
        return Fraction(sum(r.score for r in self.counted), len(self.counted))


@dataclass(frozen=True)
class ScoreCard:
    rubric: RubricResult
    reviews: ReviewSummary
    breakdown: dict[str, Centipoints]
    explanations: dict[str, str]

    @property
    def total(self) -> Centipoints:
        return sum(self.breakdown.values())

    def published_breakdown(self) -> dict[str, float]:
        return {name: as_points(c) for name, c in self.breakdown.items()}

    @property
    def fingerprint(self) -> str:
        """Identifies what is published (version, total, breakdown): equal means no new event."""
        published = [self.rubric.version, self.total, sorted(self.breakdown.items())]
        return hashlib.sha256(json.dumps(published).encode()).hexdigest()


def combine(rubric: RubricResult, reviews: Iterable[Review]) -> ScoreCard:
    summary = ReviewSummary.of(reviews)
    mean = summary.mean
    breakdown: dict[str, Centipoints] = {}
    explanations: dict[str, str] = {}
    for criterion in rubric.criteria:
        explanation = criterion.explanation
        points = criterion.centipoints
        if mean is not None:
            points = round_half_up(criterion.centipoints * RUBRIC_SHARE)
            explanation += f"; x {RUBRIC_SHARE} with reviews counted = {as_points(points):.2f}"
        breakdown[criterion.criterion] = points
        explanations[criterion.criterion] = explanation
    if mean is not None:
        breakdown[REVIEWERS] = round_half_up(mean * 100 * REVIEW_SHARE)
        explanations[REVIEWERS] = (
            f"mean of {len(summary.counted)} counted review(s) {float(mean):.2f}"
            f" x {REVIEW_SHARE} = {as_points(breakdown[REVIEWERS]):.2f} points; "
            f"{len(summary.excluded)} excluded for a conflict of interest"
        )
    return ScoreCard(rubric=rubric, reviews=summary, breakdown=breakdown, explanations=explanations)
