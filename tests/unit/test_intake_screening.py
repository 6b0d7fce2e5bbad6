"""Screening reasons, the edition window on an injectable clock, and training progress."""

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from services.intake.domain.application import (
    EditionNotOpen,
    NotEnrolled,
    StoredApplication,
    UnknownModule,
    ensure_open,
    new_application,
    token_hash,
)
from services.intake.domain.screening import CAREER_ENDED_TOO_LONG_AGO, screen
from services.intake.domain.submission import ApplicationForm
from services.intake.domain.timeline import status, timeline
from shared.editions import load_editions

pytestmark = pytest.mark.unit

EDITION = load_editions()["athlete365-4"]
SUBMITTED = datetime(2026, 11, 2, 9, 30, tzinfo=UTC)


class FixedClock:
    def __init__(self, at: datetime) -> None:
        self.at = at

    def now(self) -> datetime:
        return self.at


def form(**changes: Any) -> ApplicationForm:
    data: dict[str, Any] = {
        "athlete_id": "A365-000001",
        "full_name": "Example Athlete",
        "email": "athlete@example.org",
        "country": "KEN",
        "sport": "Athletics",
        "athlete_status": "former_paralympian",
        "career_end_year": 2020,
        "business": {"name": "Stride", "sector": "footwear", "stage": "idea", "pitch": "Shoes."},
        "consent": {"data_processing": True},
    }
    return ApplicationForm.model_validate(data | changes)


@pytest.mark.parametrize(("ended", "eligible"), [(2014, True), (2013, False), (2026, True)])
def test_a_career_that_ended_over_twelve_years_ago_is_ineligible(
    ended: int, eligible: bool
) -> None:
    result = screen(form(career_end_year=ended), submission_year=2026)
    assert result.eligible is eligible
    assert result.reasons == (() if eligible else (CAREER_ENDED_TOO_LONG_AGO,))


def test_a_current_athlete_is_eligible() -> None:
    current = form(athlete_status="current_olympian", career_end_year=None)
    assert screen(current, submission_year=2026).eligible


def test_the_window_is_read_on_the_given_clock() -> None:
    ensure_open(EDITION, now=FixedClock(SUBMITTED).now(), closed_at=None)
    with pytest.raises(EditionNotOpen, match="opens for applications on 2026-09-01 00:00 UTC"):
        ensure_open(EDITION, now=EDITION.opens_at - timedelta(seconds=1), closed_at=None)
    with pytest.raises(EditionNotOpen, match="closed for applications on 2027-08-31 23:59 UTC"):
        ensure_open(EDITION, now=EDITION.closes_at, closed_at=None)


def test_an_edition_closed_early_by_grant_takes_no_more_applications() -> None:
    with pytest.raises(EditionNotOpen, match="was closed on 2026-11-01 12:00 UTC"):
        ensure_open(EDITION, now=SUBMITTED, closed_at=datetime(2026, 11, 1, 12, tzinfo=UTC))


def test_an_eligible_applicant_is_enrolled_in_the_editions_modules() -> None:
    application = new_application(form(), edition=EDITION, now=SUBMITTED)
    assert application.training_modules == tuple(EDITION.training.modules)
    ineligible = new_application(form(career_end_year=1990), edition=EDITION, now=SUBMITTED)
    assert ineligible.training_modules == ()
    assert application.status_token != ineligible.status_token


def stored(*, modules: tuple[str, ...], completions: tuple[tuple[str, datetime], ...] = ()) -> Any:
    return StoredApplication(
        application_id=uuid.uuid4(),
        edition_id=EDITION.id,
        submitted_at=SUBMITTED,
        eligible=bool(modules),
        reasons=() if modules else (CAREER_ENDED_TOO_LONG_AGO,),
        training_modules=modules,
        completions=completions,
        status_token_hash=token_hash("t"),
    )


def test_only_an_enrolled_application_completes_only_its_modules() -> None:
    with pytest.raises(NotEnrolled):
        stored(modules=()).check_completion("global-sourcing")
    with pytest.raises(UnknownModule, match="'juggling' is not a module of edition"):
        stored(modules=("global-sourcing",)).check_completion("juggling")
    stored(modules=("global-sourcing",)).check_completion("global-sourcing")


def test_the_timeline_lists_each_step_in_order() -> None:
    later = SUBMITTED + timedelta(days=3)
    application = stored(modules=("a", "b"), completions=(("b", later),))
    steps = [(s.step, s.at) for s in timeline(application)]
    assert steps == [
        ("received", SUBMITTED),
        ("screened", SUBMITTED),
        ("enrolled", SUBMITTED),
        ("module_completed", later),
    ]
    assert status(application) == "enrolled"
    assert status(stored(modules=("a",), completions=(("a", later),))) == "trained"
    assert status(stored(modules=())) == "ineligible"
