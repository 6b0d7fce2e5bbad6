"""Synthetic applicants with a fixed seed: mostly valid, some invalid, duplicate or ineligible."""

import random
from dataclasses import dataclass
from typing import Any, Literal

Kind = Literal["valid", "invalid", "duplicate", "ineligible"]

_COUNTRIES = (
    "FRA GER USA KEN BRA JPN CHN GBR ITA ESP CAN AUS NZL RSA NGR EGY MEX ARG KOR IND "
    "NED SWE NOR POL UKR JAM ETH MAR TUR FIJ"
).split()
_SPORTS = (
    "Judo Athletics Swimming Rowing Fencing Cycling Boxing Para-athletics Wheelchair-basketball "
    "Sailing Taekwondo Wrestling Archery Boccia Goalball Triathlon Gymnastics Weightlifting"
).split()
_SECTORS = (
    "sporting_goods apparel nutrition fitness_services e_commerce "
    "sports_tech education tourism logistics"
).split()
_SOURCING = "textiles packaging electronics equipment food_ingredients footwear".split()
_FIRST = "Amina Lukas Sofia Kenji Chloé Mateo Ingrid Tariq Léa Jonas Zanele Hugo Mei Ana".split()
_LAST = "Okafor Schmidt Rossi Tanaka Martin García Larsen Haddad Dubois Weber Nkosi Chen".split()
_LANGUAGES = ("en", "fr", "de", "es")
_PITCH_WORDS = (
    "we source sustainable equipment for clubs and sell across borders through "
    "online marketplaces with reliable logistics and athlete-tested quality"
).split()


@dataclass(frozen=True)
class Applicant:
    kind: Kind
    body: dict[str, Any]


def _valid_body(rng: random.Random, n: int, tag: str) -> dict[str, Any]:
    status = rng.choice(
        ["current_olympian", "former_olympian", "current_paralympian", "former_paralympian"]
    )
    first, last = rng.choice(_FIRST), rng.choice(_LAST)
    return {
        "athlete_id": f"A365-{tag}{n:06d}",
        "full_name": f"{first} {last}",
        "email": f"{first.lower()}.{last.lower()}.{tag}{n}@athletes.example.org",
        "language": rng.choices(_LANGUAGES, weights=(5, 3, 2, 2))[0],
        "country": rng.choice(_COUNTRIES),
        "sport": rng.choice(_SPORTS),
        "athlete_status": status,
        "career_end_year": None if status.startswith("current") else rng.randint(2015, 2025),
        "business": {
            "name": f"{last} {rng.choice(['Supply', 'Gear', 'Labs', 'Trading', 'Works'])}",
            "sector": rng.choice(_SECTORS),
            "stage": rng.choices(["idea", "prototype", "revenue", "growth"], (3, 3, 3, 1))[0],
            "pitch": " ".join(rng.choices(_PITCH_WORDS, k=rng.randint(8, 120))),
            "sourcing_needs": rng.sample(_SOURCING, k=rng.randint(0, 3)),
            "target_markets": rng.sample(_COUNTRIES, k=rng.randint(0, 5)),
        },
        "consent": {"data_processing": True, "marketing": rng.random() < 0.4},
    }


def _spoil(rng: random.Random, body: dict[str, Any]) -> dict[str, Any]:
    """One realistic mistake a form or a spreadsheet export makes."""
    spoiled = {**body, "business": dict(body["business"]), "consent": dict(body["consent"])}
    mistake = rng.randrange(4)
    if mistake == 0:
        spoiled["country"] = "XYZ"
    elif mistake == 1:
        spoiled["consent"]["data_processing"] = False
    elif mistake == 2:
        spoiled["business"]["pitch"] = "x" * 20_000
    else:
        spoiled["nickname"] = "unknown field"
    return spoiled


def applicants(count: int = 1_200, seed: int = 4, tag: str = "") -> list[Applicant]:
    """About 88% valid, 5% invalid, 3% duplicates of earlier ones, 4% ineligible.

    The tag keeps the ids and addresses of one run apart from another's.
    """
    rng = random.Random(seed)
    made: list[Applicant] = []
    for n in range(1, count + 1):
        roll = rng.random()
        body = _valid_body(rng, n, tag)
        valid = [a for a in made if a.kind == "valid"]
        if roll < 0.05:
            made.append(Applicant("invalid", _spoil(rng, body)))
        elif roll < 0.08 and valid:
            original = rng.choice(valid).body
            # The same athlete again: by id, or by the same address written differently.
            if rng.random() < 0.5:
                made.append(Applicant("duplicate", {**body, "athlete_id": original["athlete_id"]}))
            else:
                made.append(Applicant("duplicate", {**body, "email": original["email"].upper()}))
        elif roll < 0.12:
            status = rng.choice(["former_olympian", "former_paralympian"])
            made.append(
                Applicant(
                    "ineligible",
                    {**body, "athlete_status": status, "career_end_year": rng.randint(1990, 2010)},
                )
            )
        else:
            made.append(Applicant("valid", body))
    return made
