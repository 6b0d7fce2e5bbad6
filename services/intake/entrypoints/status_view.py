"""An application's timeline written for the athlete, in their language, and which of the
athlete's own actions (withdraw, erase) still apply."""

from dataclasses import dataclass, field
from datetime import datetime
from uuid import UUID

from services.intake.domain.application import StoredApplication
from services.intake.domain.selection import OFFER_OUTCOMES, Selection
from services.intake.domain.timeline import status, timeline
from services.intake.domain.withdrawal import may_withdraw
from services.intake.entrypoints.form_texts import Gettext
from shared import offer_links
from shared.formatting import format_deadline
from shared.languages import Language
from shared.phrases import module_text, reason_text


@dataclass(frozen=True)
class OfferLinks:
    """Grant's offer page, when intake is given its URL and the offers' key."""

    base_url: str = ""
    key: str = ""

    def page(self, offer_id: UUID, expires_at: datetime, language: Language) -> str | None:
        if not (self.base_url and self.key):
            return None
        token = offer_links.sign(offer_id, expires_at, key=self.key)
        return offer_links.offer_links(self.base_url, token, language)["accept"]


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
    can_withdraw: bool = False
    can_erase: bool = False


def _progress_steps(
    application: StoredApplication, language: Language, _: Gettext
) -> list[StepView]:
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
            title = _("Enrolled in business training")
            steps.append(StepView("enrolled", title, when, "ok", [progress], items))
    return steps


def _leaving_steps(
    application: StoredApplication, language: Language, _: Gettext
) -> list[StepView]:
    """The athlete's own last steps: they come after grant's decisions, which end with them."""
    steps: list[StepView] = []
    if application.withdrawn_at is not None:
        when = format_deadline(application.withdrawn_at, language)
        lines = [_("Your application is out of the ranking and the waiting list.")]
        steps.append(StepView("withdrawn", _("Application withdrawn"), when, "warn", lines))
    if application.erased_at is not None:
        when = format_deadline(application.erased_at, language)
        lines = [_("Your name, e-mail address, business name and pitch are deleted.")]
        steps.append(StepView("erased", _("Personal data erased"), when, "", lines))
    return steps


def _selection_steps(
    selection: Selection,
    language: Language,
    _: Gettext,
    offers: OfferLinks,
    *,
    withdrawn: bool,
) -> list[StepView]:
    when = format_deadline(selection.decided_at, language)
    rank = {"rank": selection.rank or 0}
    if selection.outcome == "waitlisted":
        lines = [_("You are number %(rank)d on the waiting list.") % rank]
        return [StepView("waitlisted", _("On the waiting list"), when, "", lines)]
    if selection.outcome == "not_selected":
        lines = [_("The selection is complete; your business training remains open to you.")]
        return [StepView("not_selected", _("Not selected this time"), when, "warn", lines)]
    if selection.outcome not in OFFER_OUTCOMES or selection.offer_expires_at is None:
        return []
    deadline = format_deadline(selection.offer_expires_at, language)
    lines = [_("You are ranked %(rank)d and offered an accelerator package.") % rank]
    link = None
    if selection.outcome == "offered" and withdrawn:
        # The offer passed on with the withdrawal: nothing is left to answer.
        return [StepView("offered", _("Offered a package"), when, "ok", lines)]
    if selection.outcome == "offered":
        lines.append(_("Answer by %(deadline)s.") % {"deadline": deadline})
        page = selection.offer_id and offers.page(
            selection.offer_id, selection.offer_expires_at, language
        )
        link = (_("See the offer"), page) if page else None
        return [StepView("offered", _("Offered a package"), when, "ok", lines, link=link)]
    answered = {
        "accepted": (_("You accepted the package"), "ok"),
        "declined": (_("You declined the package"), "warn"),
        "expired": (_("This offer has expired"), "warn"),
    }
    title, tone = answered[selection.outcome]
    return [
        StepView("offered", _("Offered a package"), "", "ok", lines),
        StepView(selection.outcome, title, when, tone),
    ]


def status_view(
    application: StoredApplication,
    selection: Selection | None,
    language: Language,
    _: Gettext,
    offers: OfferLinks,
) -> StatusView:
    steps = _progress_steps(application, language, _)
    if selection is not None:
        withdrawn = application.withdrawn_at is not None
        steps += _selection_steps(selection, language, _, offers, withdrawn=withdrawn)
    steps += _leaving_steps(application, language, _)
    summaries = {
        "ineligible": _("Your application could not be accepted."),
        "enrolled": _("You are in business training: each module you complete counts."),
        "trained": _("You completed your business training. The selection follows the close."),
        "withdrawn": _("You withdrew your application."),
        "erased": _("Your personal data is erased."),
    }
    state = status(application)
    return StatusView(
        str(application.application_id),
        state,
        summaries.get(state, ""),
        steps,
        can_withdraw=may_withdraw(application),
        can_erase=application.erased_at is None,
    )
