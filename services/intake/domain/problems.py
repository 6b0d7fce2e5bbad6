"""Validation errors as "field: problem" pairs that a person can act on."""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

# What a pattern is for, since "should match pattern '^[a-z]...'" helps nobody.
_PATTERN_HINTS: Final = {
    "athlete_id": "must be 3-40 letters, digits or hyphens, like A365-004711",
    "business.sector": "must be a lower-case slug of letters, digits and _, like sporting_goods",
    "business.sourcing_needs": "must be a lower-case slug of letters, digits and _, like textiles",
}


@dataclass(frozen=True)
class FieldProblem:
    field: str
    problem: str
    type: str = "value_error"

    def as_dict(self) -> dict[str, str]:
        return {"field": self.field, "problem": self.problem, "type": self.type}


def field_path(loc: Sequence[int | str]) -> str:
    """("business", "target_markets", 1) -> "business.target_markets[1]"."""
    path = ""
    for part in loc:
        if isinstance(part, int):
            path += f"[{part}]"
        else:
            path = f"{path}.{part}" if path else str(part)
    return path or "(body)"


def _message(error: Mapping[str, Any], field: str) -> str:
    kind, ctx = error["type"], error.get("ctx") or {}
    bare_field = field.split("[", 1)[0]
    match kind:
        case "missing":
            return "is required"
        case "extra_forbidden":
            return "is not a field of the application form"
        case "value_error":
            return str(ctx.get("error", error["msg"]))
        case "string_pattern_mismatch" if bare_field in _PATTERN_HINTS:
            return _PATTERN_HINTS[bare_field]
        case "string_too_long":
            return f"must be at most {ctx['max_length']} characters"
        case "string_too_short" if ctx.get("min_length") == 1:
            return "must not be empty"
        case "string_too_short":
            return f"must be at least {ctx['min_length']} characters"
        case "too_long":
            return f"must have at most {ctx['max_length']} items"
        case "int_type" | "int_parsing":
            return "must be a whole number"
        case "bool_type" | "bool_parsing":
            return "must be true or false"
        case "string_type":
            return "must be a string"
        case "list_type":
            return "must be a list"
        case "model_type" | "model_attributes_type" | "dict_type":
            return "must be a JSON object"
        case "json_invalid":
            return f"is not valid JSON: {ctx.get('error', error['msg'])}"
        case _:
            return str(error["msg"])


def problems_from(
    errors: Iterable[Mapping[str, Any]], *, drop_prefix: str | None = None
) -> list[FieldProblem]:
    """pydantic/FastAPI error dicts -> FieldProblems; drop_prefix strips FastAPI's "body"."""
    problems = []
    for error in errors:
        loc = list(error["loc"])
        if drop_prefix is not None and loc[:1] == [drop_prefix]:
            loc = loc[1:]
        if error["type"] == "json_invalid":
            loc = []  # FastAPI's loc for bad JSON is a character offset, not a field
        field = field_path(loc)
        problems.append(FieldProblem(field, _message(error, field), error["type"]))
    return problems
