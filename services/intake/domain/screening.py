"""Screening of an accepted application: eligible, or not with stable reason codes.

What docs/architecture.md#screening asks is checked before an application is even stored:
consent and a valid athlete status are part of the form (422), the window is checked on
arrival (409) and so is one application per athlete (409). What remains is the programme's own rule:

- `career_ended_too_long_ago`: the accelerator is for the move from sport into business, so
  a former athlete qualifies while their career ended at most MAX_YEARS_SINCE_CAREER_END
  (12, three Olympiads) years before the year of submission; a career that ended in 2014
  qualifies for a 2026 submission, one that ended in 2013 does not.

Reason codes are part of the public contract (`application.screened.reasons`): they are
added, never renamed.
"""

from dataclasses import dataclass
from typing import Final

from services.intake.domain.submission import ApplicationForm

MAX_YEARS_SINCE_CAREER_END: Final = 12

CAREER_ENDED_TOO_LONG_AGO: Final = "career_ended_too_long_ago"

REASON_CODES: Final = frozenset({CAREER_ENDED_TOO_LONG_AGO})


@dataclass(frozen=True)
class Screening:
    eligible: bool
    reasons: tuple[str, ...]


def screen(form: ApplicationForm, *, submission_year: int) -> Screening:
    reasons: list[str] = []
    ended = form.career_end_year
    if ended is not None and submission_year - ended > MAX_YEARS_SINCE_CAREER_END:
        reasons.append(CAREER_ENDED_TOO_LONG_AGO)
    return Screening(eligible=not reasons, reasons=tuple(reasons))
