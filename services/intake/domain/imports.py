"""The outcome of importing one CSV chunk: what was accepted, and every rejected line and why."""

from dataclasses import dataclass, field
from uuid import UUID

from pydantic import ValidationError

from services.intake.domain.csv_rows import CsvRow, column_of, form_input
from services.intake.domain.problems import FieldProblem, problems_from
from services.intake.domain.submission import ApplicationForm, FutureCareerEnd


def row_form(row: CsvRow, *, this_year: int) -> ApplicationForm | list[FieldProblem]:
    """The row's form, exactly as the API would validate it, or its problems by column."""
    if row.malformed is not None:
        return [FieldProblem("(row)", row.malformed, "row_length")]
    body, problems = form_input(row)
    unreadable = {p.field for p in problems}
    try:
        form = ApplicationForm.model_validate(body).checked_against(this_year=this_year)
    except ValidationError as exc:
        found = [
            FieldProblem(column_of(p.field), p.problem, p.type)
            for p in problems_from(exc.errors(include_url=False))
            if column_of(p.field) not in unreadable  # already reported as unreadable
        ]
        return problems + found
    except FutureCareerEnd as exc:
        return [*problems, FieldProblem(FutureCareerEnd.field, str(exc))]
    return problems or form


@dataclass(frozen=True)
class Imported:
    line: int
    application_id: UUID
    status_token: str


@dataclass(frozen=True)
class Rejected:
    line: int
    status: int
    problems: list[FieldProblem]


@dataclass
class ImportReport:
    edition_id: str
    imported: list[Imported] = field(default_factory=list)
    rejected: list[Rejected] = field(default_factory=list)

    @property
    def rows(self) -> int:
        return len(self.imported) + len(self.rejected)
