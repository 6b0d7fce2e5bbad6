"""Request and response bodies of scoring's HTTP API."""

import re
from datetime import datetime
from typing import Annotated
from uuid import UUID

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from services.scoring.domain.application import ApplicationState
from services.scoring.domain.rubric import as_points
from services.scoring.domain.scorecard import REVIEW_SHARE, REVIEWERS, Review, ScoreCard
from shared.languages import Language

REVIEWER_ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$"


class ReviewBody(BaseModel):
    """A reviewer's score of one application; sending it again replaces the earlier one."""

    model_config = ConfigDict(extra="forbid", strict=True)

    score: int = Field(ge=0, le=100, description="0 (weak) to 100 (outstanding).", examples=[72])
    conflict_of_interest: bool = Field(
        default=False, description="True excludes this review: it then counts for nothing."
    )
    comment: str | None = Field(default=None, max_length=2000)


class RescoreOut(BaseModel):
    """One page of an edition's rescore."""

    model_config = ConfigDict(from_attributes=True)

    edition_id: str
    eligible: int = Field(description="Eligible applications of the edition, in all pages.")
    considered: int = Field(description="Applications recomputed in this page.")
    rescored: int = Field(description="Of those, how many got a new application.scored.")
    next_after: UUID | None = Field(
        description="Pass as `after` for the next page; null when this was the last."
    )


class CriterionView(BaseModel):
    criterion: str
    max_points: int
    rubric_points: float = Field(description="Points from the rubric alone.")
    points: float = Field(description="Points in the published breakdown.")
    explanation: str


class ReviewView(BaseModel):
    reviewer_id: str
    score: int
    conflict_of_interest: bool
    comment: str | None
    submitted_at: datetime


class ReviewsView(BaseModel):
    share: float = Field(description="Weight of the mean review when one is counted.")
    mean: float | None
    points: float | None
    explanation: str | None
    counted: list[ReviewView]
    excluded: list[ReviewView] = Field(description="Conflicts of interest; they count nothing.")


class PublishedView(BaseModel):
    total: float
    rubric_version: int
    at: datetime
    events: int = Field(description="How many score events this application has had.")


class ScoreView(BaseModel):
    application_id: UUID
    edition_id: str | None
    status: str = Field(examples=["eligible", "ineligible", "awaiting_screening"])
    total: float | None
    rubric_total: float | None
    rubric_version: int | None
    breakdown: dict[str, float]
    criteria: list[CriterionView]
    reviews: ReviewsView
    published: PublishedView | None


def _review(review: Review) -> ReviewView:
    return ReviewView(
        reviewer_id=review.reviewer_id,
        score=review.score,
        conflict_of_interest=review.conflict_of_interest,
        comment=review.comment,
        submitted_at=review.submitted_at,
    )


def _criteria(card: ScoreCard) -> list[CriterionView]:
    return [
        CriterionView(
            criterion=c.criterion,
            max_points=c.max_points,
            rubric_points=as_points(c.centipoints),
            points=as_points(card.breakdown[c.criterion]),
            explanation=card.explanations[c.criterion],
        )
        for c in card.rubric.criteria
    ]


def score_view(state: ApplicationState, card: ScoreCard | None) -> ScoreView:
    counted = [r for r in state.reviews if not r.conflict_of_interest]
    excluded = [r for r in state.reviews if r.conflict_of_interest]
    mean = card.reviews.mean if card else None
    published = state.published
    return ScoreView(
        application_id=state.application_id,
        edition_id=state.edition_id,
        status=state.status.value,
        total=as_points(card.total) if card else None,
        rubric_total=as_points(card.rubric.total) if card else None,
        rubric_version=card.rubric.version if card else None,
        breakdown=card.published_breakdown() if card else {},
        criteria=_criteria(card) if card else [],
        reviews=ReviewsView(
            share=float(REVIEW_SHARE),
            mean=float(mean) if mean is not None else None,
            points=as_points(card.breakdown[REVIEWERS]) if card and mean is not None else None,
            explanation=card.explanations.get(REVIEWERS) if card else None,
            counted=[_review(r) for r in sorted(counted, key=lambda r: r.reviewer_id)],
            excluded=[_review(r) for r in sorted(excluded, key=lambda r: r.reviewer_id)],
        ),
        published=PublishedView(
            total=as_points(published.total),
            rubric_version=published.rubric_version,
            at=published.at,
            events=published.events,
        )
        if published
        else None,
    )


# --- the review panel (admin) ---------------------------------------------------------------

_NOC = r"^[A-Za-z]{3}$"
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def _single_line(value: str) -> str:
    if _CONTROL.search(value):
        raise ValueError("must be a single line without control characters")
    try:
        value.encode()
    except UnicodeEncodeError:
        raise ValueError("must be valid Unicode text") from None
    return value


Line = Annotated[str, AfterValidator(_single_line)]


class ReviewerBody(BaseModel):
    """A panel reviewer: contact data (kept by scoring, published only on the private
    contacts topic) and the conflicts they declare."""

    model_config = ConfigDict(extra="forbid", strict=True)

    full_name: Line = Field(min_length=1, max_length=200)
    email: Line = Field(
        pattern=r"^[^@\s]{1,64}@[^@\s]+\.[^@\s]+$", max_length=254, examples=["ana@example.org"]
    )
    language: Language = Field(description="The reviewer's e-mails and pages are in it.")
    noc: str | None = Field(
        default=None, pattern=_NOC, description="The reviewer's own NOC: a conflict."
    )
    conflict_nocs: list[Annotated[str, Field(pattern=_NOC)]] = Field(default=[], max_length=50)
    conflict_sectors: list[Annotated[str, Field(pattern=r"^[A-Za-z][A-Za-z0-9 _-]{0,79}$")]] = (
        Field(default=[], max_length=50)
    )


class ReviewerOut(BaseModel):
    edition_id: str
    reviewer_id: str
    full_name: str
    email: str
    language: Language
    noc: str | None
    conflict_nocs: list[str]
    conflict_sectors: list[str]
    assigned: int = Field(description="Applications in the reviewer's queue now.")
    reviewed: int = Field(description="Of those, how many the reviewer has scored.")


class ReviewerRemovedOut(BaseModel):
    edition_id: str
    reviewer_id: str
    reassigned: int = Field(description="Applications not yet reviewed, given to others.")


class AssignmentRunOut(BaseModel):
    edition_id: str
    chosen: int = Field(description="Applications the edition's rule gives human review.")
    assigned: int = Field(description="New assignments made by this run.")
    short: list[UUID] = Field(description="Chosen applications with fewer than k reviewers.")
    loads: dict[str, int] = Field(description="Each reviewer's assignments after the run.")
    invited: int = Field(description="Reviewers sent an invitation (new assignments).")


class ReviewerProgressOut(BaseModel):
    reviewer_id: str
    assigned: int
    reviewed: int


class ApplicationReviewsOut(BaseModel):
    application_id: UUID
    reviewers: int = Field(description="Reviewers assigned now.")
    reviewed: int = Field(description="Of those, how many saved a review.")
    scores: list[int] = Field(description="The saved review scores (0-100), lowest first.")
    spread: int = Field(description="Highest minus lowest saved score.")


class ReviewProgressOut(BaseModel):
    edition_id: str
    reviewers_per_application: int
    disagreement_spread: int
    reviewed: int = Field(description="Reviews saved, all reviewers together.")
    assigned: int = Field(description="Assignments now, all reviewers together.")
    reviewers: list[ReviewerProgressOut]
    lacking: list[ApplicationReviewsOut] = Field(
        description="Assigned applications with fewer than k reviews saved."
    )
    disagreements: list[ApplicationReviewsOut] = Field(
        description="Applications whose saved scores lie further apart than the spread."
    )
