"""What grant learns of an application from the events it consumes, folded in log order.

Received, screened, withdrawn and scored events travel on two topics with no order between
them, so each fact is kept as it arrives and selection joins them when the edition closes.
"""

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime
from uuid import UUID


@dataclass(frozen=True)
class ApplicationFacts:
    """The facts one batch brings about one application; None means "not in this batch"."""

    application_id: UUID
    edition_id: str | None = None
    country: str | None = None
    submitted_at: datetime | None = None
    eligible: bool | None = None
    withdrawn: bool = False
    score_total: float | None = None
    rubric_version: int | None = None

    def then(self, later: "ApplicationFacts") -> "ApplicationFacts":
        """These facts updated by a later event about the same application."""
        return replace(
            self,
            edition_id=later.edition_id or self.edition_id,
            country=later.country or self.country,
            submitted_at=later.submitted_at or self.submitted_at,
            eligible=self.eligible if later.eligible is None else later.eligible,
            withdrawn=self.withdrawn or later.withdrawn,
            score_total=self.score_total if later.score_total is None else later.score_total,
            rubric_version=later.rubric_version or self.rubric_version,
        )


def fold(facts: Iterable[ApplicationFacts]) -> list[ApplicationFacts]:
    """One entry per application, later events winning, in application id order."""
    merged: dict[UUID, ApplicationFacts] = {}
    for fact in facts:
        earlier = merged.get(fact.application_id)
        merged[fact.application_id] = fact if earlier is None else earlier.then(fact)
    return [merged[key] for key in sorted(merged)]
