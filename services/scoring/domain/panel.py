"""An edition's review panel: who reviews, what they must not review, and the review criteria.

A reviewer is conflicted with an application when the athlete is of the reviewer's own
National Olympic Committee, of a NOC or business sector the reviewer declared, or when the
reviewer declared a conflict on that very application while reviewing it. A conflicted
reviewer is never assigned the application (docs/architecture.md#the-review-panel).
"""

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from fractions import Fraction
from typing import Final, Literal
from uuid import UUID

from services.scoring.domain.criteria import normalise_code, normalise_sector
from services.scoring.domain.rubric import round_half_up
from shared.languages import Language


@dataclass(frozen=True)
class Reviewer:
    """What assignment needs of a reviewer; the name and address are contact data, kept apart."""

    reviewer_id: str
    noc: str | None = None
    conflict_nocs: frozenset[str] = frozenset()
    conflict_sectors: frozenset[str] = frozenset()

    @classmethod
    def of(
        cls,
        reviewer_id: str,
        *,
        noc: str | None = None,
        conflict_nocs: tuple[str, ...] | list[str] | frozenset[str] = (),
        conflict_sectors: tuple[str, ...] | list[str] | frozenset[str] = (),
    ) -> "Reviewer":
        return cls(
            reviewer_id=reviewer_id,
            noc=normalise_code(noc) if noc else None,
            conflict_nocs=frozenset(normalise_code(c) for c in conflict_nocs),
            conflict_sectors=frozenset(normalise_sector(s) for s in conflict_sectors),
        )


@dataclass(frozen=True)
class ReviewerContact:
    """A reviewer's personal data: only on the contacts topic and in scoring's panel table."""

    reviewer_id: str
    full_name: str
    email: str
    language: Language


@dataclass(frozen=True)
class Candidate:
    """An application that may be reviewed, as the conflict rule and the choice see it."""

    application_id: UUID
    country: str
    sector: str | None
    rubric_total: int = 0
    """Rubric centipoints: what `top` ranks by."""
    submitted_at: datetime | None = None
    declined_by: frozenset[str] = field(default=frozenset())
    """Reviewers who declared a conflict on this application."""


def conflicted(reviewer: Reviewer, candidate: Candidate) -> bool:
    country = normalise_code(candidate.country)
    if reviewer.reviewer_id in candidate.declined_by:
        return True
    if country == reviewer.noc or country in reviewer.conflict_nocs:
        return True
    return (
        candidate.sector is not None
        and normalise_sector(candidate.sector) in reviewer.conflict_sectors
    )


# Review criteria: each scored 0..MAX_CRITERION_SCORE; their texts (name, guidance) live with
# the pages, in every language. An edition lists the ones its reviewers score.
MAX_CRITERION_SCORE: Final = 10
REVIEW_CRITERIA: Final = (
    "market_opportunity",
    "business_model",
    "founder_readiness",
    "accelerator_fit",
)


class UnknownReviewCriterion(ValueError):
    pass


class BadCriterionScores(ValueError):
    """Scores that are not exactly the edition's criteria, each 0..MAX_CRITERION_SCORE."""


def check_criteria(names: list[str] | tuple[str, ...]) -> tuple[str, ...]:
    unknown = sorted(set(names) - set(REVIEW_CRITERIA))
    if unknown:
        raise UnknownReviewCriterion(
            f"unknown review criteria {unknown}; known: {list(REVIEW_CRITERIA)}"
        )
    return tuple(names)


def review_score(criteria: tuple[str, ...], scores: dict[str, int]) -> int:
    """The review's 0-100 score: the mean criterion score x 10, rounded half up."""
    missing = [c for c in criteria if c not in scores]
    extra = sorted(set(scores) - set(criteria))
    if missing or extra:
        raise BadCriterionScores(f"missing criteria {missing}, unexpected {extra}")
    bad = [c for c in criteria if not 0 <= scores[c] <= MAX_CRITERION_SCORE]
    if bad:
        raise BadCriterionScores(f"criteria {bad} must be scored 0 to {MAX_CRITERION_SCORE}")
    mean = Fraction(sum(scores[c] for c in criteria), len(criteria))
    return round_half_up(mean * 100 / MAX_CRITERION_SCORE)


@dataclass(frozen=True)
class PanelRules:
    """An edition's `[review]` section, as the use cases read it."""

    rule: Literal["all_eligible", "top"]
    top: int | None
    k: int
    criteria: tuple[str, ...]
    disagreement_spread: int
    link_lifetime: timedelta
