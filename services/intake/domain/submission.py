"""The application form (docs/architecture.md#applications), validated strictly: unknown
fields, wrong JSON types and out-of-range values are rejected, each with the field it concerns.

Limits (also in the OpenAPI schema):
- athlete_id: 3-40 letters, digits or hyphens ("A365-004711"); kept upper-cased.
- full_name: 1-200 characters; sport: 2-80; business.name: 1-120; business.pitch: 1-4,000.
- email: a syntactically valid address of at most 254 characters (no DNS lookup).
- language: a language tag (en, fr-CH, ...). en, fr, de and es are served; any other
  well-formed tag falls back to en. Optional, en when absent.
- country: an IOC NOC code (FRA); target_markets: up to 30 IOC or ISO alpha-3 codes, stored
  as IOC codes, no repeats.
- career_end_year: 1950 to the current year for former athletes, null for current ones.
- business.sector and each of (at most 10) sourcing_needs: a lower-case slug
  ("sporting_goods"), up to 50 characters.
- consent.data_processing must be true: without it no personal data may be kept, so the
  form is refused (422) rather than stored and screened out.
"""

import re
from typing import Annotated, Final, Self

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

from services.intake.domain.emails import checked_email
from services.intake.domain.noc import market_code, noc_code
from shared.events.contracts import AthleteStatus, BusinessStage
from shared.languages import SUPPORTED, Language

FIRST_CAREER_END_YEAR: Final = 1950
MAX_PITCH_CHARS: Final = 4_000
MAX_TARGET_MARKETS: Final = 30
MAX_SOURCING_NEEDS: Final = 10
SERVED_LANGUAGES: Final[tuple[Language, ...]] = SUPPORTED
CURRENT_STATUSES: Final = frozenset({"current_olympian", "current_paralympian"})

_LANGUAGE_TAG = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8}){0,4}$")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_SLUG = r"^[a-z][a-z0-9_]{1,49}$"


def served_language(value: object) -> object:
    """fr-CH -> fr, pt-BR -> en (the fallback); anything not a language tag is left to fail."""
    if isinstance(value, str) and _LANGUAGE_TAG.match(value.strip()):
        primary = value.strip().split("-", 1)[0].lower()
        return primary if primary in SERVED_LANGUAGES else "en"
    return value


def _single_line(value: str) -> str:
    if _CONTROL.search(value) or "\n" in value:
        raise ValueError("must be a single line without control characters")
    return value


def _no_control_characters(value: str) -> str:
    if _CONTROL.search(value):
        raise ValueError("must not contain control characters")
    return value


def _upper(value: str) -> str:
    return value.upper()


def _distinct(values: list[str]) -> list[str]:
    repeated = sorted({v for v in values if values.count(v) > 1})
    if repeated:
        raise ValueError(f"lists {', '.join(repeated)} more than once")
    return values


SingleLine = AfterValidator(_single_line)
Slug = Annotated[str, Field(pattern=_SLUG, max_length=50)]
MarketCode = Annotated[str, Field(max_length=40), AfterValidator(market_code)]


class _Form(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid", frozen=True, str_strip_whitespace=True)


class BusinessForm(_Form):
    name: Annotated[str, Field(min_length=1, max_length=120), SingleLine]
    sector: Annotated[Slug, Field(examples=["sporting_goods"])]
    stage: BusinessStage
    pitch: Annotated[
        str,
        Field(min_length=1, max_length=MAX_PITCH_CHARS),
        AfterValidator(_no_control_characters),
    ]
    sourcing_needs: list[Slug] = Field(default_factory=list, max_length=MAX_SOURCING_NEEDS)
    target_markets: Annotated[
        list[MarketCode],
        Field(default_factory=list, max_length=MAX_TARGET_MARKETS),
        AfterValidator(_distinct),
    ]

    @property
    def pitch_word_count(self) -> int:
        return len(self.pitch.split())


class ConsentForm(_Form):
    data_processing: bool
    marketing: bool = False

    @field_validator("data_processing")
    @classmethod
    def _consent_given(cls, given: bool) -> bool:
        if not given:
            raise ValueError("consent to data processing is required to apply")
        return given


class ApplicationForm(_Form):
    athlete_id: Annotated[
        str,
        Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9-]{2,39}$", max_length=40, examples=["A365-004711"]),
        AfterValidator(_upper),
    ]
    full_name: Annotated[str, Field(min_length=1, max_length=200), SingleLine]
    email: Annotated[str, Field(max_length=320), AfterValidator(checked_email)]
    language: Annotated[
        Language,
        BeforeValidator(served_language),
        WithJsonSchema(
            {
                "type": "string",
                "pattern": _LANGUAGE_TAG.pattern,
                "examples": ["fr", "de-CH"],
                "description": "A language tag; "
                + ", ".join(SUPPORTED)
                + " are served, any other falls back to en.",
            }
        ),
    ] = "en"
    country: Annotated[str, Field(max_length=40, examples=["FRA"]), AfterValidator(noc_code)]
    sport: Annotated[str, Field(min_length=2, max_length=80), SingleLine]
    athlete_status: AthleteStatus
    career_end_year: int | None = Field(
        default=None, ge=FIRST_CAREER_END_YEAR, validate_default=True
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
