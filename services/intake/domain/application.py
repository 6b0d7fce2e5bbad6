"""An application from arrival to training: the edition window, the duplicate rule, the status
token, enrolment and module completions."""

import hashlib
import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Literal
from uuid import UUID

from services.intake.domain.emails import email_key
from services.intake.domain.screening import Screening, screen
from services.intake.domain.submission import ApplicationForm
from shared.editions import Edition


class EditionNotOpen(Exception):
    """The edition takes no applications now; the message says when it does or did."""


class DuplicateApplication(Exception):
    def __init__(self, *, edition_id: str, by: Literal["athlete_id", "email"]) -> None:
        self.by = by
        what = "athlete id" if by == "athlete_id" else "e-mail address"
        super().__init__(
            f"an application with this {what} already exists in edition {edition_id};"
            " only one application per athlete is accepted, and the first one is kept"
        )


class AppliedAlready:
    """The duplicate rule over many applications at once: athlete ids and mailboxes (e-mail
    keys) that hold an application in one edition; the first application of each is kept."""

    def __init__(self, *, athlete_ids: set[str], email_keys: set[str]) -> None:
        self._athlete_ids = set(athlete_ids)
        self._email_keys = set(email_keys)

    def claim(self, form: ApplicationForm) -> Literal["athlete_id", "email"] | None:
        """What makes `form` a duplicate, or None after taking its athlete id and mailbox."""
        mailbox = email_key(form.email)
        if form.athlete_id in self._athlete_ids:
            return "athlete_id"
        if mailbox in self._email_keys:
            return "email"
        self._athlete_ids.add(form.athlete_id)
        self._email_keys.add(mailbox)
        return None


class NotEnrolled(Exception):
    """Training progress exists only for applications enrolled in training."""


class UnknownModule(ValueError):
    pass


def ensure_open(edition: Edition, *, now: datetime, closed_at: datetime | None) -> None:
    if closed_at is not None:
        raise EditionNotOpen(
            f"edition {edition.id} was closed on {closed_at:%Y-%m-%d %H:%M} UTC and takes"
            " no more applications"
        )
    if now < edition.opens_at:
        raise EditionNotOpen(
            f"edition {edition.id} opens for applications on {edition.opens_at:%Y-%m-%d %H:%M} UTC"
        )
    if now >= edition.closes_at:
        raise EditionNotOpen(
            f"edition {edition.id} closed for applications on"
            f" {edition.closes_at:%Y-%m-%d %H:%M} UTC"
        )


def token_hash(status_token: str) -> str:
    """Only this is stored: a leaked table does not let anyone read timelines."""
    return hashlib.sha256(status_token.encode()).hexdigest()


@dataclass(frozen=True)
class NewApplication:
    application_id: UUID
    edition_id: str
    form: ApplicationForm
    submitted_at: datetime
    screening: Screening
    training_modules: tuple[str, ...]
    status_token: str

    @property
    def enrolled(self) -> bool:
        return bool(self.training_modules)


def new_application(form: ApplicationForm, *, edition: Edition, now: datetime) -> NewApplication:
    """Screen the form; an eligible applicant is enrolled in the edition's training track."""
    screening = screen(form, submission_year=now.year)
    return NewApplication(
        application_id=uuid.uuid4(),
        edition_id=edition.id,
        form=form,
        submitted_at=now,
        screening=screening,
        training_modules=tuple(edition.training.modules) if screening.eligible else (),
        status_token=secrets.token_urlsafe(32),
    )


@dataclass(frozen=True)
class StoredApplication:
    """What intake keeps about an application's progress; no personal data."""

    application_id: UUID
    edition_id: str
    submitted_at: datetime
    eligible: bool
    reasons: tuple[str, ...]
    training_modules: tuple[str, ...]
    completions: tuple[tuple[str, datetime], ...]
    status_token_hash: str
    # The pseudonymous athlete id: the key of the applicant's contact on the contacts topic.
    athlete_id: str = ""
    withdrawn_at: datetime | None = None
    erased_at: datetime | None = None
    # When grant recorded the acceptance of the package offered to this application.
    accepted_at: datetime | None = None

    def check_completion(self, module: str) -> None:
        """Raise unless `module` can be completed by this application."""
        if not self.training_modules:
            raise NotEnrolled(
                f"application {self.application_id} is not enrolled in training"
                " (it was not eligible)"
            )
        if module not in self.training_modules:
            raise UnknownModule(
                f"{module!r} is not a module of edition {self.edition_id}; its modules are"
                f" {', '.join(self.training_modules)}"
            )
