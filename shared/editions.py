"""Edition configuration files (deploy/editions/*.toml): read and validated at startup.

This is the file's shape only; what the rubric criteria mean belongs to scoring's domain.
"""

import tomllib
from datetime import timedelta
from pathlib import Path
from typing import Literal, Self

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, ValidationError, model_validator

DEFAULT_EDITIONS_DIR = Path(__file__).resolve().parent.parent / "deploy" / "editions"


class EditionConfigError(ValueError):
    """A bad edition file, with the file and every field problem named."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class SelectionConfig(_Strict):
    max_grants_per_country: int | None = Field(default=None, ge=1)


class TrainingConfig(_Strict):
    modules: list[str] = Field(min_length=1)


class RubricConfig(_Strict):
    version: int = Field(ge=1)
    weights: dict[str, int] = Field(description="criterion -> maximum points")

    @model_validator(mode="after")
    def _weights_make_100(self) -> Self:
        if sum(self.weights.values()) != 100 or min(self.weights.values(), default=0) < 0:
            raise ValueError("rubric weights must be non-negative and add up to 100")
        return self


class ReviewConfig(_Strict):
    """The review panel's rules (docs/architecture.md#the-review-panel); the reviewers
    themselves are configured through scoring's admin API, not here, so that no service but
    scoring reads their names and addresses."""

    assign: Literal["all_eligible", "top"] = Field(
        description="all_eligible, or the `top` best by rubric total when assigning"
    )
    top: int | None = Field(default=None, ge=1)
    reviewers_per_application: int = Field(ge=1, le=10)
    criteria: list[str] = Field(min_length=1, description="review criteria scoring knows")
    disagreement_spread: int = Field(
        default=25, ge=0, le=100, description="review scores further apart are a disagreement"
    )
    link_days: int = Field(default=30, ge=1, le=365)

    @model_validator(mode="after")
    def _top_goes_with_assign_top(self) -> Self:
        if (self.assign == "top") != (self.top is not None):
            raise ValueError("top is required with assign = 'top' and only then")
        if len(set(self.criteria)) != len(self.criteria):
            raise ValueError("review criteria must not repeat")
        return self


class Edition(_Strict):
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]{1,62}$")
    name: str = Field(min_length=1, max_length=200)
    opens_at: AwareDatetime
    closes_at: AwareDatetime
    grant_capacity: int = Field(ge=1)
    package_value_cents: int = Field(ge=1)
    currency: str = Field(pattern=r"^[A-Z]{3}$")
    components: list[str] = Field(min_length=1)
    offer_acceptance_days: int = Field(ge=1, le=90)
    selection: SelectionConfig = SelectionConfig()
    training: TrainingConfig
    rubric: RubricConfig
    review: ReviewConfig | None = None

    @model_validator(mode="after")
    def _window_is_ordered(self) -> Self:
        if self.closes_at <= self.opens_at:
            raise ValueError("closes_at must be after opens_at")
        return self

    @property
    def budget_cents(self) -> int:
        return self.grant_capacity * self.package_value_cents

    @property
    def offer_window(self) -> timedelta:
        return timedelta(days=self.offer_acceptance_days)


def load_edition(path: Path) -> Edition:
    try:
        raw = tomllib.loads(path.read_text())
        return Edition.model_validate(raw)
    except tomllib.TOMLDecodeError as exc:
        raise EditionConfigError(f"{path}: not valid TOML: {exc}") from exc
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc']) or '(file)'}: {e['msg']}"
            for e in exc.errors(include_url=False)
        )
        raise EditionConfigError(f"{path}: {problems}") from exc


def load_editions(directory: Path = DEFAULT_EDITIONS_DIR) -> dict[str, Edition]:
    editions: dict[str, Edition] = {}
    for path in sorted(directory.glob("*.toml")):
        edition = load_edition(path)
        if edition.id in editions:
            raise EditionConfigError(f"{path}: edition id {edition.id!r} is defined twice")
        editions[edition.id] = edition
    if not editions:
        raise EditionConfigError(f"{directory}: no edition files (*.toml)")
    return editions
