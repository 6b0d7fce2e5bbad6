"""The application form as fields of a web page, read from ApplicationForm's JSON schema so
the page's limits (required, lengths, choices, the first career-end year) are the API's and
cannot drift; and a posted page form turned back into the body the API would get.

A field's name is its path in the API's body ("business.pitch"), so a problem is reported
under the same name by the page and by the API.
"""

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any, Final, Literal

from services.intake.domain.submission import ApplicationForm

Kind = Literal["text", "email", "textarea", "select", "committees", "checkbox", "year", "list"]

# How a field is best typed in, where its JSON type alone does not say.
_KINDS: Final[dict[str, Kind]] = {
    "email": "email",
    "language": "select",
    "country": "committees",
    "business.pitch": "textarea",
    "business.target_markets": "committees",
}


@dataclass(frozen=True)
class FieldSpec:
    path: str
    kind: Kind
    required: bool
    min_length: int | None = None
    max_length: int | None = None
    choices: tuple[str, ...] = ()
    minimum: int | None = None
    max_items: int | None = None
    multiple: bool = False


def _resolved(schema: Mapping[str, Any], defs: Mapping[str, Any]) -> Mapping[str, Any]:
    ref = schema.get("$ref")
    return defs[ref.rsplit("/", 1)[-1]] if ref else schema


def _kind(path: str, schema: Mapping[str, Any]) -> Kind:
    if path in _KINDS:
        return _KINDS[path]
    types = {option.get("type") for option in schema.get("anyOf", [schema])}
    if "boolean" in types:
        return "checkbox"
    if "integer" in types:
        return "year"
    if "array" in types:
        return "list"
    return "select" if "enum" in schema else "text"


def _spec(path: str, schema: Mapping[str, Any], required: bool) -> FieldSpec:
    options: list[Mapping[str, Any]] = schema.get("anyOf", [schema])
    number = next((o for o in options if o.get("type") == "integer"), {})
    return FieldSpec(
        path=path,
        kind=_kind(path, schema),
        required=required,
        min_length=schema.get("minLength"),
        max_length=schema.get("maxLength"),
        choices=tuple(schema.get("enum", ())),
        minimum=number.get("minimum"),
        max_items=schema.get("maxItems"),
        multiple=schema.get("type") == "array",
    )


def _walk(
    schema: Mapping[str, Any], defs: Mapping[str, Any], prefix: str = ""
) -> Iterator[FieldSpec]:
    required = set(schema.get("required", ()))
    for name, property_schema in schema["properties"].items():
        resolved = _resolved(property_schema, defs)
        path = f"{prefix}{name}"
        if resolved.get("type") == "object":
            yield from _walk(resolved, defs, f"{path}.")
        else:
            yield _spec(path, resolved, name in required)


@cache
def form_fields() -> tuple[FieldSpec, ...]:
    """Every field of the submission, in the model's order."""
    schema = ApplicationForm.model_json_schema()
    return tuple(_walk(schema, schema.get("$defs", {})))


def _value(spec: FieldSpec, values: Sequence[str]) -> Any:
    """What the field puts in the body; None leaves it out (the model's default applies)."""
    filled = [v.strip() for v in values if v.strip()]
    if spec.kind == "checkbox":
        return bool(filled)
    if spec.multiple:
        # A list typed into one box is separated by commas; a multiple choice sends each.
        return [item.strip() for v in filled for item in v.split(",") if item.strip()]
    if not filled:
        return None
    if spec.kind == "year" and filled[0].isdigit():
        return int(filled[0])
    return filled[0]  # a year that is no number stays text, and the model says so


def submission_body(posted: Callable[[str], Sequence[str]]) -> dict[str, Any]:
    """The API's JSON body from a posted page form; `posted(name)` gives a field's values."""
    body: dict[str, Any] = {}
    for spec in form_fields():
        value = _value(spec, posted(spec.path))
        if value is None:
            continue
        *parents, name = spec.path.split(".")
        target = body
        for parent in parents:
            target = target.setdefault(parent, {})
        target[name] = value
    return body
