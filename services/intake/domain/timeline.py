"""What an applicant (or an admin) sees of an application: its steps so far, in order."""

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

from services.intake.domain.application import StoredApplication

# The words of the API's answer (its schema lists them), typed so that none is used unlisted.
StepName = Literal[
    "received", "screened", "enrolled", "module_completed", "accepted", "withdrawn", "erased"
]
ApplicationState = Literal["ineligible", "enrolled", "trained", "withdrawn", "erased"]


@dataclass(frozen=True)
class Step:
    at: datetime
    step: StepName
    details: dict[str, Any] = field(default_factory=dict)


def timeline(application: StoredApplication) -> list[Step]:
    """received -> screened (with reasons) -> enrolled -> each completed module, and the
    package accepted, the withdrawal and the erasure where they happened, by time."""
    at = application.submitted_at
    steps = [
        Step(at, "received"),
        Step(
            at,
            "screened",
            {"eligible": application.eligible, "reasons": list(application.reasons)},
        ),
    ]
    if application.training_modules:
        steps.append(Step(at, "enrolled", {"modules": list(application.training_modules)}))
    completions = sorted(application.completions, key=lambda c: (c[1], c[0]))
    steps.extend(Step(when, "module_completed", {"module": m}) for m, when in completions)
    later: tuple[tuple[StepName, datetime | None], ...] = (
        ("accepted", application.accepted_at),
        ("withdrawn", application.withdrawn_at),
        ("erased", application.erased_at),
    )
    steps.extend(Step(when, step) for step, when in later if when is not None)
    # Stable: steps of the same moment keep the order they were listed in.
    return sorted(steps, key=lambda s: s.at)


def status(application: StoredApplication) -> ApplicationState:
    """One word for where the application stands: erased, withdrawn, ineligible, enrolled
    or trained."""
    if application.erased_at is not None:
        return "erased"
    if application.withdrawn_at is not None:
        return "withdrawn"
    if not application.eligible:
        return "ineligible"
    done = {m for m, _ in application.completions}
    return "trained" if done >= set(application.training_modules) else "enrolled"
