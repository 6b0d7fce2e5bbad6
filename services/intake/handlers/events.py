"""The events intake publishes, built from its domain objects
(docs/architecture.md#topics-and-events).

Keys: the application id on the applications and training topics; on the contacts topic,
the applicant's athlete id for the contact and pitch_key(application id) for the pitch. Name,
e-mail and pitch go on the contacts topic only (the applications topic has the pitch's word
count).
"""

from datetime import datetime
from uuid import UUID

from services.intake.domain.application import NewApplication
from shared.events.codec import Outgoing, outgoing
from shared.events.contracts import (
    ApplicationPitch,
    ApplicationReceived,
    ApplicationScreened,
    ApplicationWithdrawn,
    BusinessProfile,
    ContactUpdated,
    EventPayload,
    TrainingEnrolled,
    TrainingModuleCompleted,
    pitch_key,
)

SERVICE = "intake"


def _event(
    payload: EventPayload, *, subject: str, edition_id: str, correlation_id: str
) -> Outgoing:
    return outgoing(
        payload,
        service=SERVICE,
        subject=subject,
        correlation_id=correlation_id,
        edition_id=edition_id,
    )


def application_accepted(application: NewApplication, *, correlation_id: str) -> list[Outgoing]:
    """received, contact, pitch, screened and, for the eligible, enrolled: in this order."""
    form, business, app_id = application.form, application.form.business, application.application_id
    edition_id = application.edition_id
    received = ApplicationReceived(
        application_id=app_id,
        edition_id=edition_id,
        applicant_id=form.athlete_id,
        country=form.country,
        sport=form.sport,
        athlete_status=form.athlete_status,
        submitted_at=application.submitted_at,
        career_end_year=form.career_end_year,
        language=form.language,
        business=BusinessProfile(
            sector=business.sector,
            stage=business.stage,
            sourcing_needs=list(business.sourcing_needs),
            target_markets=list(business.target_markets),
            pitch_word_count=business.pitch_word_count,
        ),
    )
    contact = ContactUpdated(
        applicant_id=form.athlete_id,
        full_name=form.full_name,
        email=form.email,
        language=form.language,
    )
    pitch = ApplicationPitch(edition_id=edition_id, application_id=app_id, pitch=business.pitch)
    screened = ApplicationScreened(
        application_id=app_id,
        eligible=application.screening.eligible,
        reasons=list(application.screening.reasons),
    )
    payloads: list[tuple[EventPayload, str]] = [
        (received, str(app_id)),
        (contact, form.athlete_id),
        (pitch, pitch_key(app_id)),
        (screened, str(app_id)),
    ]
    if application.enrolled:
        enrolled = TrainingEnrolled(
            application_id=app_id, edition_id=edition_id, modules=list(application.training_modules)
        )
        payloads.append((enrolled, str(app_id)))
    return [
        _event(p, subject=subject, edition_id=edition_id, correlation_id=correlation_id)
        for p, subject in payloads
    ]


def module_completed(
    *, application_id: UUID, edition_id: str, module: str, at: datetime, correlation_id: str
) -> list[Outgoing]:
    payload = TrainingModuleCompleted(application_id=application_id, module=module, completed_at=at)
    return [
        _event(
            payload,
            subject=str(application_id),
            edition_id=edition_id,
            correlation_id=correlation_id,
        )
    ]


def withdrawn(*, application_id: UUID, edition_id: str, correlation_id: str) -> list[Outgoing]:
    return [
        _event(
            ApplicationWithdrawn(application_id=application_id),
            subject=str(application_id),
            edition_id=edition_id,
            correlation_id=correlation_id,
        )
    ]
