"""The rubric's criteria. Each turns an application into an attainment between 0 and 1 and a
sentence saying why; the rubric multiplies the attainment by the criterion's weight.

- business_stage: idea 1/4, prototype 2/4, revenue 3/4, growth 4/4; no business profile 0.
- b2b_sourcing_fit: half for the sector (a goods-trading sector 1, any other 1/3), half for
  sourcing needs (distinct needs, 1/3 each, capped at 3).
- market_reach: distinct target markets other than the athlete's own country, 1/4 each,
  capped at 4.
- pitch_completeness: pitch words / 100, capped at 1.
- career_transition: former athlete whose career ended 0-4 years before submission 1,
  5-10 years 3/4, longer ago or year unknown 1/2; current athlete 1/2.
- training_progress: completed modules of the edition's track / modules in the track.
"""

from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction

from services.scoring.domain.facts import CURRENT_STATUSES, STAGES, ApplicationFacts

# Sectors that buy or sell physical goods, where B2B e-commerce and sourcing help most.
GOODS_SECTORS = frozenset(
    {
        "apparel",
        "beauty_and_personal_care",
        "consumer_electronics",
        "consumer_goods",
        "ecommerce",
        "equipment",
        "food_and_beverage",
        "footwear",
        "health_and_wellness",
        "home_and_living",
        "manufacturing",
        "nutrition",
        "retail",
        "sporting_goods",
        "wholesale",
    }
)
OTHER_SECTOR_CREDIT = Fraction(1, 3)
SOURCING_NEEDS_FOR_FULL = 3
FOREIGN_MARKETS_FOR_FULL = 4
PITCH_WORDS_FOR_FULL = 100
RECENT_RETIREMENT_YEARS = 4
TRANSITION_WINDOW_YEARS = 10


@dataclass(frozen=True)
class RubricInput:
    facts: ApplicationFacts
    completed_modules: frozenset[str]
    training_modules: tuple[str, ...]


@dataclass(frozen=True)
class Attainment:
    fraction: Fraction
    reason: str


def normalise_code(code: str) -> str:
    return code.strip().upper()


def normalise_sector(sector: str) -> str:
    return "_".join(sector.strip().lower().replace("-", " ").split())


def business_stage(data: RubricInput) -> Attainment:
    business = data.facts.business
    if business is None:
        return Attainment(Fraction(0), "no business profile given")
    step = STAGES.index(business.stage) + 1
    return Attainment(
        Fraction(step, len(STAGES)),
        f"stage {business.stage!r} is step {step} of {len(STAGES)} (idea, prototype, revenue,"
        " growth)",
    )


def b2b_sourcing_fit(data: RubricInput) -> Attainment:
    business = data.facts.business
    if business is None:
        return Attainment(Fraction(0), "no business profile given")
    sector = normalise_sector(business.sector)
    goods = sector in GOODS_SECTORS
    sector_part = Fraction(1) if goods else OTHER_SECTOR_CREDIT
    needs = len({n.strip().lower() for n in business.sourcing_needs if n.strip()})
    needs_part = Fraction(min(needs, SOURCING_NEEDS_FOR_FULL), SOURCING_NEEDS_FOR_FULL)
    kind = "a goods-trading sector (full sector half)" if goods else "not a goods-trading sector"
    return Attainment(
        (sector_part + needs_part) / 2,
        f"sector {sector!r} is {kind}, sector half {sector_part}; {needs} distinct sourcing"
        f" need(s), sourcing half {needs_part} (full at {SOURCING_NEEDS_FOR_FULL})",
    )


def market_reach(data: RubricInput) -> Attainment:
    business = data.facts.business
    if business is None:
        return Attainment(Fraction(0), "no business profile given")
    home = normalise_code(data.facts.country)
    foreign = sorted({normalise_code(m) for m in business.target_markets} - {home, ""})
    counted = min(len(foreign), FOREIGN_MARKETS_FOR_FULL)
    listed = ", ".join(foreign) if foreign else "none"
    return Attainment(
        Fraction(counted, FOREIGN_MARKETS_FOR_FULL),
        f"{len(foreign)} target market(s) outside {home} ({listed});"
        f" full at {FOREIGN_MARKETS_FOR_FULL}",
    )


def pitch_completeness(data: RubricInput) -> Attainment:
    business = data.facts.business
    words = business.pitch_word_count if business is not None else 0
    counted = min(words, PITCH_WORDS_FOR_FULL)
    return Attainment(
        Fraction(counted, PITCH_WORDS_FOR_FULL),
        f"pitch of {words} word(s); full at {PITCH_WORDS_FOR_FULL}",
    )


def career_transition(data: RubricInput) -> Attainment:
    facts = data.facts
    if facts.athlete_status in CURRENT_STATUSES:
        return Attainment(Fraction(1, 2), "current athlete preparing a career transition")
    if facts.career_end_year is None:
        return Attainment(Fraction(1, 2), "former athlete, career end year not given")
    years = max(0, facts.submitted_at.year - facts.career_end_year)
    if years <= RECENT_RETIREMENT_YEARS:
        fraction, band = Fraction(1), f"0-{RECENT_RETIREMENT_YEARS} years: in transition now"
    elif years <= TRANSITION_WINDOW_YEARS:
        fraction = Fraction(3, 4)
        band = f"{RECENT_RETIREMENT_YEARS + 1}-{TRANSITION_WINDOW_YEARS} years"
    else:
        fraction, band = Fraction(1, 2), f"more than {TRANSITION_WINDOW_YEARS} years"
    return Attainment(
        fraction, f"former athlete, career ended {years} year(s) before applying ({band})"
    )


def training_progress(data: RubricInput) -> Attainment:
    track = data.training_modules
    if not track:
        return Attainment(Fraction(0), "the edition has no training modules")
    done = [m for m in track if m in data.completed_modules]
    return Attainment(
        Fraction(len(done), len(track)),
        f"{len(done)} of {len(track)} training module(s) completed"
        + (f" ({', '.join(done)})" if done else ""),
    )


Criterion = Callable[[RubricInput], Attainment]

CRITERIA: dict[str, Criterion] = {
    "business_stage": business_stage,
    "b2b_sourcing_fit": b2b_sourcing_fit,
    "market_reach": market_reach,
    "pitch_completeness": pitch_completeness,
    "career_transition": career_transition,
    "training_progress": training_progress,
}
