"""What an applicant (or an admin) sees of an application: its steps so far, in order."""

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from services.intake.domain.application import StoredApplication


@dataclass(frozen=True)
class Step:
    at: datetime
    step: str
    details: dict[str, Any] = field(default_factory=dict)


def timeline(application: StoredApplication) -> list[Step]:
    """received -> screened (with reasons) -> enrolled -> each completed module, by time."""
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
    return steps


def status(application: StoredApplication) -> str:
    """One word for where the application stands: ineligible, enrolled or trained."""
    if not application.eligible:
        return "ineligible"
    done = {m for m, _ in application.completions}
    return "trained" if done >= set(application.training_modules) else "enrolled"
