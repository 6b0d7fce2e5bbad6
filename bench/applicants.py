"""Generated applicants: valid applications with a realistic spread of countries, as the JSON
body of the API and as the CSV chunks `accelerator import` sends.

The spread matters: grant offers at most `max_grants_per_country` packages per committee, so
applicants from a handful of countries would let a close offer only a handful of packages.
"""

import csv
import io
import random
from typing import Any

from services.intake.domain.csv_rows import COLUMNS
from services.intake.domain.noc import NOC_CODES

# A few committees send many athletes, most send a few: Zipf-like weights over the codes.
_ZIPF_EXPONENT = 1.0


def country_weights(codes: list[str]) -> list[float]:
    """Weight of the k-th code (from 1): 1 / k**s; the order of `codes` is the popularity."""
    return [1.0 / (rank**_ZIPF_EXPONENT) for rank in range(1, len(codes) + 1)]


def countries(count: int, seed: int = 4) -> list[str]:
    """`count` IOC codes drawn over every committee, the same ones for the same seed."""
    rng = random.Random(seed)
    codes = sorted(NOC_CODES)
    rng.shuffle(codes)  # which committees are the large ones: any, but fixed by the seed
    return rng.choices(codes, weights=country_weights(codes), k=count)


def application_body(run: str, n: int, country: str = "FRA") -> dict[str, Any]:
    return {
        "athlete_id": f"B{run}-{n:07d}",
        "full_name": f"Bench Athlete {n}",
        "email": f"bench.{run}.{n}@example.org",
        "language": ("en", "fr", "de")[n % 3],
        "country": country,
        "sport": "Fencing",
        "athlete_status": "former_olympian",
        "career_end_year": 2020,
        "business": {
            "name": "Riposte Supply",
            "sector": "sporting_goods",
            "stage": "revenue",
            "pitch": "Fencing gear sourced in bulk and sold to clubs across Europe. " * 8,
            "sourcing_needs": ["textiles", "metal_parts"],
            "target_markets": ["GER", "ITA", "USA"],
        },
        "consent": {"data_processing": True, "marketing": False},
    }


def applications(run: str, count: int, seed: int = 4) -> list[dict[str, Any]]:
    """`count` applications of one run, over the spread of `countries`."""
    return [application_body(run, n, c) for n, c in enumerate(countries(count, seed))]


def _csv_row(application: dict[str, Any]) -> list[object]:
    business, consent = application["business"], application["consent"]
    return [
        *(application[c] for c in ("athlete_id", "full_name", "email", "language", "country")),
        *(application[c] for c in ("sport", "athlete_status", "career_end_year")),
        *(business[c] for c in ("name", "sector", "stage", "pitch")),
        ";".join(business["sourcing_needs"]),
        ";".join(business["target_markets"]),
        consent["data_processing"],
        consent["marketing"],
    ]


def csv_chunk(applications: list[dict[str, Any]]) -> bytes:
    """The applications as one CSV chunk of `accelerator import`: a header row, then a row each."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    writer.writerows(_csv_row(a) for a in applications)
    return out.getvalue().encode()
