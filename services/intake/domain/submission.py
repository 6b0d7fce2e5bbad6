"""The application form (docs/architecture.md#applications), validated strictly: unknown
fields, wrong JSON types and out-of-range values are rejected, each with the field it concerns.

Limits (the constants below; the model's JSON schema, which is the OpenAPI document's and
the web form's, states them all but one, the career end year's moving upper bound):
- athlete_id: 3-40 letters, digits or hyphens ("A365-004711"); kept upper-cased.
- full_name: 1-200 characters; sport: 2-80; business.name: 1-120; business.pitch: 1-4,000.
  Counted as sent; kept without surrounding spaces, which do not count towards the minimum.
  A single line without control characters (tab allowed); the pitch may have line breaks.
- email: a syntactically valid address of at most 254 characters (no DNS lookup).
- language: a language tag (en, fr-CH, ...). en, fr, de and es are served; any other
  well-formed tag falls back to en. Optional, en when absent.
- country: an IOC NOC code (FRA); target_markets: up to 30 IOC or ISO alpha-3 codes, stored
  as IOC codes, no repeats. Codes are taken as written: upper case, no spaces around.
- career_end_year: 1950 to the current year for former athletes, null for current ones.
- business.sector and each of (at most 10) sourcing_needs: a lower-case slug
  ("sporting_goods"), up to 50 characters.
- consent.data_processing must be true: without it no personal data may be kept, so the
  form is refused (422) rather than stored and screened out.
"""

import re
from collections.abc import Callable
from typing import Annotated, Any, Final, Self

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationInfo,
    WithJsonSchema,
    field_validator,
)
from pydantic_core import PydanticCustomError

from services.intake.domain.emails import MAX_EMAIL_LENGTH, checked_email
from services.intake.domain.noc import MARKET_CODES, NOC_CODES, market_code, noc_code
from shared.events.contracts import AthleteStatus, BusinessStage
from shared.languages import SUPPORTED, Language

# Every limit of the form, once: the model below enforces them, its JSON schema (the OpenAPI
# document, and the web form through domain/form_fields.py) states them.
ATHLETE_ID_PATTERN: Final = r"^[A-Za-z0-9][A-Za-z0-9-]{2,39}$"
MAX_ATHLETE_ID_CHARS: Final = 40
FULL_NAME_CHARS: Final = (1, 200)
SPORT_CHARS: Final = (2, 80)
BUSINESS_NAME_CHARS: Final = (1, 120)
PITCH_CHARS: Final = (1, 4_000)
MAX_PITCH_CHARS: Final = PITCH_CHARS[1]
SLUG_PATTERN: Final = r"^[a-z][a-z0-9_]{1,49}$"
MAX_SLUG_CHARS: Final = 50
FIRST_CAREER_END_YEAR: Final = 1950
MAX_TARGET_MARKETS: Final = 30
MAX_SOURCING_NEEDS: Final = 10
SERVED_LANGUAGES: Final[tuple[Language, ...]] = SUPPORTED
CURRENT_STATUSES: Final = ("current_olympian", "current_paralympian")
LANGUAGE_TAG_PATTERN: Final = r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8}){0,4}$"

# Text may hold any character but the control characters; a single line holds no line break
# (tab is allowed), a pitch may have line breaks, CR LF as browsers send a textarea's too.
SINGLE_LINE_PATTERN: Final = r"^[^\x00-\x08\x0a-\x1f\x7f]*$"
MULTI_LINE_PATTERN: Final = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f]*$"

_LANGUAGE_TAG: Final = re.compile(LANGUAGE_TAG_PATTERN)


def served_language(value: object) -> object:
    """fr-CH -> fr, pt-BR -> en (the fallback); anything not a language tag is left to fail."""
    if isinstance(value, str) and _LANGUAGE_TAG.fullmatch(value):
        primary = value.split("-", 1)[0].lower()
        return primary if primary in SERVED_LANGUAGES else "en"
    return value


def _visible_pattern(min_chars: int) -> str:
    """At least `min_chars` characters from the first to the last that is not a space."""
    return r"\S" if min_chars == 1 else rf"\S[\s\S]{{{min_chars - 2},}}\S"


def _text_checks(min_chars: int, *, lines_pattern: str, lines_problem: str) -> Callable[[str], str]:
    """The text's characters, then the text without surrounding spaces, at least `min_chars`
    long. The same patterns go into the schema, read as JSON Schema reads them (a search)."""
    lines, visible = re.compile(lines_pattern), re.compile(_visible_pattern(min_chars))

    def checked(value: str) -> str:
        if not lines.search(value):
            raise ValueError(lines_problem)
        if not visible.search(value):
            raise PydanticCustomError(
                "string_too_short",
                "String should have at least {min_length} characters",
                {"min_length": min_chars},
            )
        return value.strip()

    return checked


def _text_limits(chars: tuple[int, int], *, multi_line: bool = False) -> Any:
    """A free text's lengths count it as sent, and the schema states its characters."""
    min_chars, max_chars = chars
    lines_pattern = MULTI_LINE_PATTERN if multi_line else SINGLE_LINE_PATTERN
    return Field(
        min_length=min_chars,
        max_length=max_chars,
        json_schema_extra={
            "allOf": [{"pattern": lines_pattern}, {"pattern": _visible_pattern(min_chars)}]
        },
    )


def _text_checked(chars: tuple[int, int], *, multi_line: bool = False) -> AfterValidator:
    """A free text is kept without the spaces around it, which do not count towards its
    minimum."""
    if multi_line:
        checks = _text_checks(
            chars[0],
            lines_pattern=MULTI_LINE_PATTERN,
            lines_problem="must not contain control characters",
        )
    else:
        checks = _text_checks(
            chars[0],
            lines_pattern=SINGLE_LINE_PATTERN,
            lines_problem="must be a single line without control characters",
        )
    return AfterValidator(checks)


def _distinct(values: list[str]) -> list[str]:
    repeated = sorted({v for v in values if values.count(v) > 1})
    if repeated:
        raise ValueError(f"lists {', '.join(repeated)} more than once")
    return values


def _upper(value: str) -> str:
    return value.upper()


Slug = Annotated[str, Field(pattern=SLUG_PATTERN, max_length=MAX_SLUG_CHARS)]
CommitteeCode = Annotated[
    str,
    AfterValidator(noc_code),
    WithJsonSchema(
        {
            "type": "string",
            "enum": sorted(NOC_CODES),
            "description": "The IOC code of a National Olympic Committee (upper case).",
            "examples": ["FRA"],
        }
    ),
]
MarketCode = Annotated[
    str,
    AfterValidator(market_code),
    WithJsonSchema(
        {
            "type": "string",
            "enum": sorted(MARKET_CODES),
            "description": "An IOC code, or the ISO 3166-1 alpha-3 code of an IOC member's"
            " territory (stored as its IOC code: DEU is GER); upper case.",
        }
    ),
]


class _Form(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid", frozen=True)


class BusinessForm(_Form):
    name: Annotated[str, _text_limits(BUSINESS_NAME_CHARS), _text_checked(BUSINESS_NAME_CHARS)]
    sector: Annotated[Slug, Field(examples=["sporting_goods"])]
    stage: BusinessStage
    pitch: Annotated[
        str, _text_limits(PITCH_CHARS, multi_line=True), _text_checked(PITCH_CHARS, multi_line=True)
    ]
    sourcing_needs: list[Slug] = Field(default_factory=list, max_length=MAX_SOURCING_NEEDS)
    target_markets: Annotated[
        list[MarketCode],
        Field(
            default_factory=list,
            max_length=MAX_TARGET_MARKETS,
            json_schema_extra={"uniqueItems": True},
            description="No market twice, in either spelling (DEU and GER are one).",
        ),
        AfterValidator(_distinct),
    ]

    @property
    def pitch_word_count(self) -> int:
        return len(self.pitch.split())


class ConsentForm(_Form):
    data_processing: Annotated[
        bool,
        Field(
            json_schema_extra={"const": True},
            description="Must be true: without consent nothing may be kept.",
        ),
    ]
    marketing: bool = False

    @field_validator("data_processing")
    @classmethod
    def _consent_given(cls, given: bool) -> bool:
        if not given:
            raise ValueError("consent to data processing is required to apply")
        return given


def _career_end_rule(schema: dict[str, Any]) -> None:
    """The year follows the status: null (or absent) for a current athlete, required for a
    former one."""
    schema["allOf"] = [
        {
            "if": {
                "properties": {"athlete_status": {"enum": list(CURRENT_STATUSES)}},
                "required": ["athlete_status"],
            },
            "then": {"properties": {"career_end_year": {"type": "null"}}},
            "else": {
                "properties": {"career_end_year": {"type": "integer"}},
                "required": ["career_end_year"],
            },
        }
    ]


class ApplicationForm(_Form):
    model_config = ConfigDict(json_schema_extra=_career_end_rule)

    athlete_id: Annotated[
        str,
        Field(
            pattern=ATHLETE_ID_PATTERN,
            max_length=MAX_ATHLETE_ID_CHARS,
            examples=["A365-004711"],
            description="Kept upper-cased: a365-1 and A365-1 are one athlete.",
        ),
        AfterValidator(_upper),
    ]
    full_name: Annotated[str, _text_limits(FULL_NAME_CHARS), _text_checked(FULL_NAME_CHARS)]
    email: Annotated[
        str,
        Field(
            max_length=MAX_EMAIL_LENGTH,
            json_schema_extra={"format": "email"},
            description="A valid address (its domain is not looked up).",
        ),
        AfterValidator(checked_email),
    ]
    language: Annotated[
        Language,
        BeforeValidator(served_language),
        WithJsonSchema(
            {
                "type": "string",
                "pattern": LANGUAGE_TAG_PATTERN,
                "examples": ["fr", "de-CH"],
                "description": "A language tag; "
                + ", ".join(SUPPORTED)
                + " are served, any other falls back to en.",
            }
        ),
    ] = "en"
    country: CommitteeCode
    sport: Annotated[str, _text_limits(SPORT_CHARS), _text_checked(SPORT_CHARS)]
    athlete_status: AthleteStatus
    career_end_year: int | None = Field(
        default=None,
        ge=FIRST_CAREER_END_YEAR,
        validate_default=True,
        description=f"Null or absent for a current athlete; for a former one, required: from"
        f" {FIRST_CAREER_END_YEAR} to the current year. A year after the current one is a 422"
        " too, a bound that moves with the date and so is not part of this schema.",
    )
    business: BusinessForm
    consent: ConsentForm

    @field_validator("career_end_year")
    @classmethod
    def _year_matches_status(cls, year: int | None, info: ValidationInfo) -> int | None:
        status = info.data.get("athlete_status")
        if status in CURRENT_STATUSES and year is not None:
            raise ValueError(f"must be null for a current athlete ({status})")
        if status is not None and status not in CURRENT_STATUSES and year is None:
            raise ValueError(f"is required for a former athlete ({status})")
        return year

    def checked_against(self, *, this_year: int) -> Self:
        """The form, or FutureCareerEnd: what a form cannot know alone is today's year."""
        if self.career_end_year is not None and self.career_end_year > this_year:
            raise FutureCareerEnd(self.career_end_year, this_year)
        return self


class FutureCareerEnd(ValueError):
    field = "career_end_year"

    def __init__(self, year: int, this_year: int) -> None:
        super().__init__(f"must not be later than the current year ({this_year}); got {year}")
