"""When an applicant may leave the programme on their own, and what erasure withdraws."""

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from services.intake.domain.application import StoredApplication


@dataclass(frozen=True)
class Erased:
    application_id: UUID
    erased_at: datetime
    # None when the package had been accepted: erasure then leaves the package alone.
    withdrawn_at: datetime | None


class PackageAccepted(Exception):
    """An accepted package is a commitment the programme has started delivering: giving it
    up is a conversation with the programme team, not a click."""

    def __init__(self, application: StoredApplication) -> None:
        assert application.accepted_at is not None
        super().__init__(
            f"application {application.application_id} accepted its accelerator package on"
            f" {application.accepted_at:%Y-%m-%d %H:%M} UTC and can no longer be withdrawn"
            " here; please contact the programme team to give the package up"
        )


def ensure_withdrawable(application: StoredApplication) -> None:
    """PackageAccepted once the package was accepted; a withdrawal recorded before stands."""
    if application.withdrawn_at is None and application.accepted_at is not None:
        raise PackageAccepted(application)


def may_withdraw(application: StoredApplication) -> bool:
    """Whether withdrawing would change anything: not withdrawn yet, package not accepted."""
    return application.withdrawn_at is None and application.accepted_at is None


def erasure_withdraws(application: StoredApplication) -> bool:
    """Erasure also withdraws, unless that happened already or the package was accepted
    (then only the personal data goes; the package stays the programme team's business)."""
    return may_withdraw(application)
