"""What scoring knows about an application, as plain values."""

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

BusinessStage = Literal["idea", "prototype", "revenue", "growth"]
STAGES: tuple[BusinessStage, ...] = ("idea", "prototype", "revenue", "growth")

CURRENT_STATUSES = frozenset({"current_olympian", "current_paralympian"})


@dataclass(frozen=True)
class BusinessProfile:
    sector: str
    stage: BusinessStage
    sourcing_needs: tuple[str, ...]
    target_markets: tuple[str, ...]
    pitch_word_count: int


@dataclass(frozen=True)
class ApplicationFacts:
    """The facts of a received application that the rubric reads; no personal data."""

    edition_id: str
    country: str
    athlete_status: str
    submitted_at: datetime
    career_end_year: int | None
    business: BusinessProfile | None
