"""An application's state under the event stream, and when a score is (not) published."""

import uuid
from datetime import UTC, datetime

import pytest

from services.scoring.bootstrap import rubric_of
from services.scoring.domain.application import (
    ApplicationState,
    Change,
    Enrolled,
    ModuleCompleted,
    NotReviewable,
    Received,
    Screened,
    Status,
    Withdrawn,
)
from services.scoring.domain.facts import ApplicationFacts, BusinessProfile
from services.scoring.domain.scorecard import Review
from services.scoring.entrypoints.consumer import inbound
from shared.consumer import Delivery
from shared.editions import load_editions
from shared.events.codec import make_event
from shared.events.contracts import (
    ApplicationScored,
    ApplicationScreened,
    ContactUpdated,
    TrainingModuleCompleted,
)
from shared.events.envelope import CloudEvent, MalformedEvent

pytestmark = pytest.mark.unit

RUBRIC = rubric_of(load_editions()["athlete365-4"])
NOW = datetime(2026, 12, 1, tzinfo=UTC)
FACTS = ApplicationFacts(
    edition_id="athlete365-4",
    country="KEN",
    athlete_status="current_paralympian",
    submitted_at=datetime(2026, 10, 1, tzinfo=UTC),
    career_end_year=None,
    business=BusinessProfile("apparel", "prototype", ("textiles",), ("USA",), 60),
)


def _state(*changes: Change) -> ApplicationState:
    state = ApplicationState(uuid.uuid4())
    for change in changes:
        state = state.apply(change)
    return state


def _review(reviewer: str, score: int, conflict: bool = False) -> Review:
    return Review(reviewer, score, conflict, None, NOW)


def test_an_application_is_scored_only_once_screened_eligible() -> None:
    assert _state(Received(FACTS)).score(RUBRIC) is None
    assert _state(Received(FACTS), Screened(False, ("no_consent",))).score(RUBRIC) is None
    assert _state(Received(FACTS), Screened(True, ())).score(RUBRIC) is not None


def test_training_that_arrives_before_the_application_still_counts() -> None:
    early = _state(
        Enrolled("athlete365-4", RUBRIC.training_modules),
        ModuleCompleted(RUBRIC.training_modules[0]),
        Received(FACTS),
        Screened(True, ()),
    )
    on_time = _state(
        Received(FACTS),
        Screened(True, ()),
        ModuleCompleted(RUBRIC.training_modules[0]),
    )
    early_card, on_time_card = early.score(RUBRIC), on_time.score(RUBRIC)
    assert early_card is not None
    assert on_time_card is not None
    assert early_card.breakdown == on_time_card.breakdown
    assert early_card.breakdown["training_progress"] == 300


def test_the_same_input_is_published_once_and_a_new_input_again() -> None:
    state = _state(Received(FACTS), Screened(True, ()))
    state, first = state.rescored(RUBRIC, now=NOW)
    assert first is not None
    again, repeat = state.apply(Screened(True, ())).rescored(RUBRIC, now=NOW)
    assert repeat is None
    assert again.published == state.published
    progressed, second = state.apply(ModuleCompleted(RUBRIC.training_modules[1])).rescored(
        RUBRIC, now=NOW
    )
    assert second is not None
    assert second.total > first.total
    assert progressed.published is not None
    assert progressed.published.events == 2


def test_withdrawn_and_ineligible_applications_take_no_review() -> None:
    for state in (
        _state(Received(FACTS), Screened(True, ()), Withdrawn()),
        _state(Received(FACTS), Screened(False, ("duplicate",))),
        _state(Received(FACTS)),
    ):
        with pytest.raises(NotReviewable):
            state.with_review(_review("r1", 50))


def test_a_resubmitted_review_replaces_the_reviewers_earlier_one() -> None:
    state = _state(Received(FACTS), Screened(True, ()))
    state = state.with_review(_review("r1", 10)).with_review(_review("r2", 90))
    state = state.with_review(_review("r1", 50))
    assert sorted((r.reviewer_id, r.score) for r in state.reviews) == [("r1", 50), ("r2", 90)]
    assert state.status is Status.ELIGIBLE


def _delivery(event: CloudEvent) -> Delivery:
    return Delivery(event=event, record=None)


def test_the_consumer_ignores_event_types_it_does_not_read() -> None:
    application_id = uuid.uuid4()
    contact = ContactUpdated(applicant_id="A1", full_name="X", email="x@example.org", language="en")
    events = [
        make_event(contact, service="intake", subject="A1", correlation_id="c"),
        make_event(
            ApplicationScored(
                application_id=application_id, total=1, breakdown={}, rubric_version=1
            ),
            service="scoring",
            subject=str(application_id),
            correlation_id="c",
        ),
        make_event(
            TrainingModuleCompleted(application_id=application_id, module="m", completed_at=NOW),
            service="intake",
            subject=str(application_id),
            correlation_id="c2",
        ),
    ]
    items = inbound([_delivery(e) for e in events])
    assert [(i.application_id, i.change, i.correlation_id) for i in items] == [
        (application_id, ModuleCompleted("m"), "c2")
    ]


def test_a_known_event_with_invalid_data_is_malformed() -> None:
    valid = make_event(
        ApplicationScreened(application_id=uuid.uuid4(), eligible=True, reasons=[]),
        service="intake",
        subject="s",
        correlation_id="c",
    )
    broken = valid.model_copy(update={"data": {"application_id": "not-a-uuid"}})
    with pytest.raises(MalformedEvent, match="invalid accelerator"):
        inbound([_delivery(broken)])
