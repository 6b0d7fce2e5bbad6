"""A versioned rubric: each criterion's attainment times its weight, summed to 0-100.

Points are kept as whole hundredths ("centipoints") so totals add up exactly: a criterion
earns round-half-up(weight x attainment x 100) centipoints, and the rubric total is the sum,
at most the sum of the weights (100).
"""

from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction

from services.scoring.domain.criteria import CRITERIA, RubricInput
from services.scoring.domain.facts import ApplicationFacts

Centipoints = int
_NOTHING, _EVERYTHING = Fraction(0), Fraction(1)


class RubricError(ValueError):
    """An edition's rubric names a criterion this service does not know."""


def round_half_up(value: Fraction) -> int:
    # Integer arithmetic: this runs for every criterion of every application scored.
    return (2 * value.numerator + value.denominator) // (2 * value.denominator)


def as_points(centipoints: Centipoints) -> float:
    return centipoints / 100


@dataclass(frozen=True)
class Rubric:
    """One edition's rubric: its version, criterion -> maximum points, and training track."""

    version: int
    weights: Mapping[str, int]
    training_modules: tuple[str, ...]

    def __post_init__(self) -> None:
        unknown = sorted(set(self.weights) - set(CRITERIA))
        if unknown:
            raise RubricError(
                f"rubric version {self.version} weights unknown criteria {unknown};"
                f" known: {sorted(CRITERIA)}"
            )


@dataclass(frozen=True)
class CriterionScore:
    criterion: str
    max_points: int
    attainment: Fraction
    centipoints: Centipoints
    reason: str

    @property
    def explanation(self) -> str:
        return (
            f"{self.reason}: attainment {self.attainment} x {self.max_points}"
            f" = {as_points(self.centipoints):.2f} points"
        )


@dataclass(frozen=True)
class RubricResult:
    version: int
    criteria: tuple[CriterionScore, ...]

    @property
    def total(self) -> Centipoints:
        return sum(c.centipoints for c in self.criteria)


def evaluate(
    rubric: Rubric, facts: ApplicationFacts, completed_modules: frozenset[str]
) -> RubricResult:
    """Score the application on every weighted criterion, in the rubric's order."""
    data = RubricInput(facts, completed_modules, rubric.training_modules)
    scores = []
    for name, weight in rubric.weights.items():
        attainment = CRITERIA[name](data)
        fraction = min(max(attainment.fraction, _NOTHING), _EVERYTHING)
        scores.append(
            CriterionScore(
                criterion=name,
                max_points=weight,
                attainment=fraction,
                centipoints=round_half_up(weight * 100 * fraction),
                reason=attainment.reason,
            )
        )
    return RubricResult(version=rubric.version, criteria=tuple(scores))
