"""Translation between scoring's table rows and the domain's application state."""

import json
from datetime import datetime
from decimal import Decimal
from typing import Any, cast

import asyncpg

from services.scoring.domain.application import ApplicationState, Published
from services.scoring.domain.facts import ApplicationFacts, BusinessProfile, BusinessStage
from services.scoring.domain.scorecard import Review

# Column order of the upsert in applications_repository.
COLUMNS = (
    "application_id",
    "edition_id",
    "received",
    "country",
    "athlete_status",
    "submitted_at",
    "career_end_year",
    "has_business",
    "sector",
    "stage",
    "sourcing_needs",
    "target_markets",
    "pitch_word_count",
    "eligible",
    "screening_reasons",
    "withdrawn",
    "enrolled_modules",
    "completed_modules",
    "scored_fingerprint",
    "scored_rubric_version",
    "scored_total",
    "scored_at",
    "scored_events",
)


def _facts(row: asyncpg.Record) -> ApplicationFacts | None:
    if not row["received"]:
        return None
    business = None
    if row["has_business"]:
        business = BusinessProfile(
            sector=row["sector"],
            stage=cast(BusinessStage, row["stage"]),
            sourcing_needs=tuple(row["sourcing_needs"]),
            target_markets=tuple(row["target_markets"]),
            pitch_word_count=row["pitch_word_count"],
        )
    return ApplicationFacts(
        edition_id=row["edition_id"],
        country=row["country"],
        athlete_status=row["athlete_status"],
        submitted_at=row["submitted_at"],
        career_end_year=row["career_end_year"],
        business=business,
    )


def _reviews(raw: str) -> tuple[Review, ...]:
    return tuple(
        Review(
            reviewer_id=r["reviewer_id"],
            score=r["score"],
            conflict_of_interest=r["conflict_of_interest"],
            comment=r["comment"],
            submitted_at=datetime.fromisoformat(r["submitted_at"]),
        )
        for r in json.loads(raw)
    )


def state_from_row(row: asyncpg.Record) -> ApplicationState:
    published = None
    if row["scored_fingerprint"] is not None:
        published = Published(
            fingerprint=row["scored_fingerprint"],
            rubric_version=row["scored_rubric_version"],
            total=int(row["scored_total"] * 100),
            at=row["scored_at"],
            events=row["scored_events"],
        )
    enrolled = row["enrolled_modules"]
    return ApplicationState(
        application_id=row["application_id"],
        edition_id=row["edition_id"],
        facts=_facts(row),
        eligible=row["eligible"],
        screening_reasons=tuple(row["screening_reasons"]),
        withdrawn=row["withdrawn"],
        enrolled_modules=tuple(enrolled) if enrolled is not None else None,
        completed_modules=frozenset(row["completed_modules"]),
        reviews=_reviews(row["reviews"]),
        published=published,
    )


def row_from_state(state: ApplicationState) -> tuple[Any, ...]:
    facts, published = state.facts, state.published
    business = facts.business if facts else None
    return (
        state.application_id,
        state.edition_id,
        facts is not None,
        facts.country if facts else None,
        facts.athlete_status if facts else None,
        facts.submitted_at if facts else None,
        facts.career_end_year if facts else None,
        business is not None,
        business.sector if business else None,
        business.stage if business else None,
        list(business.sourcing_needs) if business else [],
        list(business.target_markets) if business else [],
        business.pitch_word_count if business else None,
        state.eligible,
        list(state.screening_reasons),
        state.withdrawn,
        list(state.enrolled_modules) if state.enrolled_modules is not None else None,
        sorted(state.completed_modules),
        published.fingerprint if published else None,
        published.rubric_version if published else None,
        Decimal(published.total) / 100 if published else None,
        published.at if published else None,
        published.events if published else 0,
    )
