"""Response bodies of intake's HTTP API."""

from datetime import datetime
from typing import Any, Final, Literal
from uuid import UUID

from pydantic import BaseModel, Field, JsonValue

from services.intake.domain.application import StoredApplication
from services.intake.domain.imports import ImportReport
from services.intake.domain.screening import REASON_CODES
from services.intake.domain.timeline import ApplicationState, StepName, status, timeline

_REASON_CODES: Final[list[JsonValue]] = [*sorted(REASON_CODES)]


class Message(BaseModel):
    """A refusal that concerns no one field: what is wrong, in words."""

    detail: str = Field(examples=["no such application"])


class FieldError(BaseModel):
    field: str = Field(examples=["business.pitch"])
    msg: str = Field(examples=["must be at most 4000 characters"])
    type: str = Field(examples=["string_too_long"])


class FieldErrors(BaseModel):
    """A 422: one entry per problem, each naming its field."""

    detail: list[FieldError]


class Accepted(BaseModel):
    application_id: UUID
    status_token: str = Field(
        description="Shown once: send it as `Authorization: Bearer <status_token>` to read"
        " the application's timeline."
    )


class Step(BaseModel):
    at: datetime
    step: StepName
    details: dict[str, Any] = Field(default_factory=dict)


class ApplicationStatus(BaseModel):
    application_id: UUID
    edition_id: str
    status: ApplicationState
    eligible: bool
    reasons: list[str] = Field(
        description="Screening reason codes; empty when eligible.",
        json_schema_extra={"items": {"type": "string", "enum": _REASON_CODES}},
    )
    training_modules: list[str]
    completed_modules: list[str]
    timeline: list[Step]

    @classmethod
    def of(cls, application: StoredApplication) -> "ApplicationStatus":
        return cls(
            application_id=application.application_id,
            edition_id=application.edition_id,
            status=status(application),
            eligible=application.eligible,
            reasons=list(application.reasons),
            training_modules=list(application.training_modules),
            completed_modules=sorted(m for m, _ in application.completions),
            timeline=[Step(at=s.at, step=s.step, details=s.details) for s in timeline(application)],
        )


class Withdrawal(BaseModel):
    application_id: UUID
    withdrawn_at: datetime = Field(description="The first withdrawal's time, on a repeat too.")


class Erasure(BaseModel):
    application_id: UUID
    erased_at: datetime = Field(description="The first erasure's time, on a repeat too.")
    withdrawn_at: datetime | None = Field(
        description="When the application was withdrawn (by this erasure or before); null"
        " when its package had been accepted, which erasure leaves in place."
    )


class ModuleCompletion(BaseModel):
    application_id: UUID
    module: str
    completed_at: datetime
    newly_recorded: bool = Field(description="False when the completion was recorded before.")


class Problem(BaseModel):
    field: str = Field(description="The CSV column (with [i] for a list item), or (row).")
    msg: str
    type: str


class ImportRefused(BaseModel):
    """A chunk refused whole: unreadable as CSV (encoding, header), or a bad `first_line`."""

    detail: str | list[FieldError]


class ImportedRow(BaseModel):
    line: int
    application_id: UUID
    status_token: str


class RejectedRow(BaseModel):
    line: int
    status: Literal[409, 422] = Field(description="What the API would have answered.")
    errors: list[Problem]


class ImportResult(BaseModel):
    edition_id: str
    first_line: int
    rows: int
    imported: int
    rejected: int
    applications: list[ImportedRow]
    errors: list[RejectedRow]

    @classmethod
    def of(cls, report: ImportReport, *, first_line: int) -> "ImportResult":
        return cls(
            edition_id=report.edition_id,
            first_line=first_line,
            rows=report.rows,
            imported=len(report.imported),
            rejected=len(report.rejected),
            applications=[
                ImportedRow(
                    line=i.line, application_id=i.application_id, status_token=i.status_token
                )
                for i in report.imported
            ],
            errors=[
                RejectedRow(
                    line=r.line,
                    status=r.status,
                    errors=[Problem(field=p.field, msg=p.problem, type=p.type) for p in r.problems],
                )
                for r in report.rejected
            ],
        )
