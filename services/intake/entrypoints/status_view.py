"""An application's timeline written for the athlete, in their language."""

from collections.abc import Callable
from dataclasses import dataclass, field

from services.intake.domain.application import StoredApplication
from services.intake.domain.timeline import status, timeline
from shared.formatting import format_deadline
from shared.languages import Language
from shared.phrases import module_text, reason_text


@dataclass(frozen=True)
class StepView:
    key: str
    title: str
    when: str = ""
    tone: str = ""
    lines: list[str] = field(default_factory=list)
    items: list[tuple[str, bool]] = field(default_factory=list)
    link: tuple[str, str] | None = None


@dataclass(frozen=True)
class StatusView:
    application_id: str
    state: str
    summary: str
    steps: list[StepView]


def status_view(
    application: StoredApplication, language: Language, _: Callable[[str], str]
) -> StatusView:
    done = {module for module, _at in application.completions}
    modules = application.training_modules
    steps: list[StepView] = []
    for step in timeline(application):
        when = format_deadline(step.at, language)
        if step.step == "received":
            steps.append(StepView("received", _("Application received"), when, "ok"))
        elif step.step == "screened" and application.eligible:
            lines = [_("Your application meets every requirement of the programme.")]
            steps.append(StepView("eligible", _("Eligible"), when, "ok", lines))
        elif step.step == "screened":
            reasons = [reason_text(code, language) for code in application.reasons]
            steps.append(StepView("ineligible", _("Not eligible"), when, "warn", reasons))
        elif step.step == "enrolled":
            progress = _("%(done)d of %(total)d training modules done") % {
                "done": len(done & set(modules)),
                "total": len(modules),
            }
            items = [(module_text(m, language), m in done) for m in modules]
            steps.append(
                StepView(
                    "enrolled", _("Enrolled in business training"), when, "ok", [progress], items
                )
            )
    summaries = {
        "ineligible": _("Your application could not be accepted."),
        "enrolled": _("You are in business training: each module you complete counts."),
        "trained": _("You completed your business training. The selection follows the close."),
    }
    state = status(application)
    return StatusView(str(application.application_id), state, summaries.get(state, ""), steps)
