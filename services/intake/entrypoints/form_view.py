"""The application form written out for one reader: each field of the submission with its
label, help, limits (from domain/form_fields.py), what was typed and what is wrong with it."""

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from services.intake.domain.committee_names import committee_names
from services.intake.domain.form_fields import FieldSpec, form_fields
from services.intake.entrypoints import form_texts
from services.intake.entrypoints.page_support import language_names
from shared.languages import Language


@dataclass(frozen=True)
class FieldView:
    spec: FieldSpec
    id: str
    label: str
    help: str
    options: Sequence[tuple[str, str]]
    values: Sequence[str]
    maximum: int | None
    error: str = ""

    @property
    def value(self) -> str:
        return self.values[0] if self.values else ""


@dataclass(frozen=True)
class Section:
    key: str
    heading: str
    fields: list[FieldView] = field(default_factory=list)


def _options(
    spec: FieldSpec, language: Language, choices: Mapping[str, str]
) -> Sequence[tuple[str, str]]:
    if spec.kind == "committees":
        return committee_names(language)
    if spec.path == "language":
        return language_names()
    return [(value, choices.get(value, value.replace("_", " "))) for value in spec.choices]


def form_sections(
    *,
    language: Language,
    gettext: Callable[[str], str],
    posted: Callable[[str], Sequence[str]],
    errors: Mapping[str, str],
    this_year: int,
) -> list[Section]:
    """The form's fields by section; `posted` gives what was typed (nothing on first view)."""
    labels, choices = form_texts.labels(gettext), form_texts.choices(gettext)
    sections = {key: Section(key, heading) for key, heading in form_texts.sections(gettext)}
    for spec in form_fields():
        label, help_text = labels.get(spec.path, (spec.path, ""))
        values = posted(spec.path)
        if spec.path == "language" and not values:
            values = [language]
        view = FieldView(
            spec=spec,
            id="field-" + spec.path.replace(".", "-").replace("_", "-"),
            label=label,
            help=help_text,
            options=_options(spec, language, choices),
            values=values,
            maximum=this_year if spec.kind == "year" else None,
            error=errors.get(spec.path, ""),
        )
        sections[form_texts.section_of(spec.path)].fields.append(view)
    return [section for section in sections.values() if section.fields]
