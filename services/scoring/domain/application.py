"""One application as scoring sees it, and the changes the event stream makes to it.

Training events may arrive before the application itself (they travel on another topic), so
every change is accepted in any order. Only an application that is received, screened
eligible, not withdrawn and of a known edition gets a score; a score is published only when
its fingerprint (rubric version, total, breakdown) differs from the last one published.
"""

from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum
from uuid import UUID

from services.scoring.domain.facts import ApplicationFacts
from services.scoring.domain.rubric import Centipoints, Rubric, evaluate
from services.scoring.domain.scorecard import Review, ScoreCard, combine


@dataclass(frozen=True)
class Received:
    facts: ApplicationFacts


@dataclass(frozen=True)
class Screened:
    eligible: bool
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class Withdrawn:
    pass


@dataclass(frozen=True)
class Enrolled:
    edition_id: str
    modules: tuple[str, ...]


@dataclass(frozen=True)
class ModuleCompleted:
    module: str


Change = Received | Screened | Withdrawn | Enrolled | ModuleCompleted


class Status(StrEnum):
    AWAITING_APPLICATION = "awaiting_application"
    AWAITING_SCREENING = "awaiting_screening"
    INELIGIBLE = "ineligible"
    WITHDRAWN = "withdrawn"
    ELIGIBLE = "eligible"


class NotReviewable(Exception):
    """Reviews are taken only for applications screened eligible and not withdrawn."""

    def __init__(self, status: Status) -> None:
        super().__init__(f"the application cannot be reviewed: it is {status.value}")
        self.status = status


@dataclass(frozen=True)
class Published:
    """The last score put on the scores topic."""

    fingerprint: str
    rubric_version: int
    total: Centipoints
    at: datetime
    events: int


@dataclass(frozen=True)
class ApplicationState:
    application_id: UUID
    edition_id: str | None = None
    facts: ApplicationFacts | None = None
    eligible: bool | None = None
    screening_reasons: tuple[str, ...] = ()
    withdrawn: bool = False
    enrolled_modules: tuple[str, ...] | None = None
    completed_modules: frozenset[str] = frozenset()
    reviews: tuple[Review, ...] = ()
    published: Published | None = None

    def apply(self, change: Change) -> "ApplicationState":
        match change:
            case Received(facts):
                return replace(self, facts=facts, edition_id=facts.edition_id)
            case Screened(eligible, reasons):
                return replace(self, eligible=eligible, screening_reasons=reasons)
            case Withdrawn():
                return replace(self, withdrawn=True)
            case Enrolled(edition_id, modules):
                return replace(
                    self, edition_id=self.edition_id or edition_id, enrolled_modules=modules
                )
            case ModuleCompleted(module):
                return replace(self, completed_modules=self.completed_modules | {module})

    @property
    def status(self) -> Status:
        if self.withdrawn:
            return Status.WITHDRAWN
        if self.facts is None:
            return Status.AWAITING_APPLICATION
        if self.eligible is None:
            return Status.AWAITING_SCREENING
        return Status.ELIGIBLE if self.eligible else Status.INELIGIBLE

    def score(self, rubric: Rubric | None) -> ScoreCard | None:
        """The score as of now, or None when the application is not to be scored."""
        if self.status is not Status.ELIGIBLE or self.facts is None or rubric is None:
            return None
        return combine(evaluate(rubric, self.facts, self.completed_modules), self.reviews)

    def rescored(
        self, rubric: Rubric | None, *, now: datetime
    ) -> tuple["ApplicationState", ScoreCard | None]:
        """The state after scoring, and the card to publish (None when nothing changed)."""
        card = self.score(rubric)
        if card is None or (self.published and self.published.fingerprint == card.fingerprint):
            return self, None
        published = Published(
            fingerprint=card.fingerprint,
            rubric_version=card.rubric.version,
            total=card.total,
            at=now,
            events=(self.published.events if self.published else 0) + 1,
        )
        return replace(self, published=published), card

    def with_review(self, review: Review) -> "ApplicationState":
        """A reviewer's score; a re-submission by the same reviewer replaces theirs."""
        if self.status is not Status.ELIGIBLE:
            raise NotReviewable(self.status)
        others = tuple(r for r in self.reviews if r.reviewer_id != review.reviewer_id)
        return replace(self, reviews=(*others, review))
