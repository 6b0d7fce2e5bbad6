"""A posted page form read as the API reads a body: the values typed into each field, and
validation problems as one message per field, by the field's name in the form and the API."""

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from starlette.datastructures import FormData

from services.intake.domain.problems import field_path
from services.intake.entrypoints import form_texts


def posted_values(posted: FormData | None) -> Callable[[str], list[str]]:
    """A field's values as typed (a form of this page uploads no files)."""
    if posted is None:
        return lambda _name: []
    return lambda name: [v for v in posted.getlist(name) if isinstance(v, str)]


def field_problems(
    errors: Sequence[Mapping[str, Any]], body: Mapping[str, Any], _: form_texts.Gettext
) -> dict[str, str]:
    """The first problem of each field, by the field's name in the form (and in the API)."""
    found: dict[str, str] = {}
    for error in errors:
        field = field_path(error["loc"]).split("[", 1)[0]
        kind = error["type"]
        if field == "career_end_year" and kind == "value_error":
            kind = "career_end_not_yet" if "career_end_year" in body else "career_end_required"
        found.setdefault(field, form_texts.problem(kind, field, error.get("ctx") or {}, _))
    return found
