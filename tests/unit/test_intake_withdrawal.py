"""Intake's rules for leaving: withdrawal refused after acceptance, what erasure withdraws,
and how the timeline tells it."""

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from uuid import uuid4

import pytest

from services.intake.domain.application import StoredApplication
from services.intake.domain.timeline import status, timeline
from services.intake.domain.withdrawal import (
    PackageAccepted,
    ensure_withdrawable,
    erasure_withdraws,
)

pytestmark = pytest.mark.unit

SUBMITTED = datetime(2026, 10, 1, 9, 0, tzinfo=UTC)
APPLICATION = StoredApplication(
    application_id=uuid4(),
    edition_id="athlete365-4",
    submitted_at=SUBMITTED,
    eligible=True,
    reasons=(),
    training_modules=("business-foundations",),
    completions=(("business-foundations", SUBMITTED + timedelta(days=3)),),
    status_token_hash="x",
    athlete_id="A365-1",
)


def test_an_accepted_package_is_not_withdrawn_and_the_refusal_says_when_and_whom_to_ask() -> None:
    accepted = replace(APPLICATION, accepted_at=datetime(2027, 1, 5, 14, 30, tzinfo=UTC))
    with pytest.raises(PackageAccepted) as refused:
        ensure_withdrawable(accepted)
    assert "accepted its accelerator package on 2027-01-05 14:30 UTC" in str(refused.value)
    assert "contact the programme team" in str(refused.value)
    ensure_withdrawable(APPLICATION)
    # Withdrawn before grant's acceptance arrived: the withdrawal stands and may be repeated.
    ensure_withdrawable(replace(accepted, withdrawn_at=datetime(2027, 1, 5, 14, 29, tzinfo=UTC)))


def test_erasure_withdraws_unless_withdrawn_before_or_accepted() -> None:
    later = SUBMITTED + timedelta(days=30)
    assert erasure_withdraws(APPLICATION)
    assert not erasure_withdraws(replace(APPLICATION, withdrawn_at=later))
    assert not erasure_withdraws(replace(APPLICATION, accepted_at=later))


def test_the_timeline_ends_with_acceptance_withdrawal_and_erasure_in_time_order() -> None:
    accepted_at = SUBMITTED + timedelta(days=40)
    erased_at = SUBMITTED + timedelta(days=50)
    erased = replace(APPLICATION, accepted_at=accepted_at, erased_at=erased_at)
    steps = [(s.step, s.at) for s in timeline(erased)]
    assert [step for step, _ in steps] == [
        "received",
        "screened",
        "enrolled",
        "module_completed",
        "accepted",
        "erased",
    ]
    assert steps[-1] == ("erased", erased_at)
    assert status(erased) == "erased"
    assert status(replace(APPLICATION, withdrawn_at=accepted_at)) == "withdrawn"
    assert status(APPLICATION) == "trained"
